"""Reference data shipped with the product, and its loader."""

from __future__ import annotations

import tomllib
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

from bot.domain.booking import TRANSPORT_OPTIONS
from bot.domain.reference import (
    WEEKDAYS,
    Dealer,
    Market,
    OpeningHours,
    Reference,
    VehicleModel,
)
from bot.domain.service_catalog import OPERATION_CODES, Operation, ServiceCatalog
from bot.i18n import SHIPPED_LOCALES

DATA_DIR = Path(__file__).resolve().parent


def _read(name: str, data_dir: Path) -> dict[str, Any]:
    with (data_dir / name).open("rb") as fh:
        return tomllib.load(fh)


def _hours(spec: dict[str, str]) -> dict[int, OpeningHours]:
    hours: dict[int, OpeningHours] = {}
    for day, span in spec.items():
        if span == "closed":
            continue
        opens, closes = (time.fromisoformat(part) for part in span.split("-"))
        hours[WEEKDAYS.index(day)] = OpeningHours(opens, closes)
    return hours


def _market(code: str, raw: dict[str, Any]) -> Market:
    languages = tuple(raw["languages"])
    unknown = set(languages) - set(SHIPPED_LOCALES)
    if unknown:
        raise ValueError(f"market {code}: languages not shipped: {sorted(unknown)}")
    return Market(
        code=code,
        currency=raw["currency"],
        timezone=raw["timezone"],
        timezones=tuple(raw.get("timezones", [raw["timezone"]])),
        languages=languages,
        distance_unit=raw["distance_unit"],
        phone_region=raw.get("phone_region", code),
        roadside_phone=raw["roadside_phone"],
        vin_check_digit=raw.get("vin_check_digit", False),
    )


def _dealer(code: str, raw: dict[str, Any], catalog: ServiceCatalog) -> Dealer:
    services = tuple(raw.get("services", catalog.operations))
    unknown = set(services) - set(catalog.operations)
    if unknown:
        raise ValueError(f"dealer {code}: unknown services {sorted(unknown)}")
    transport = tuple(raw.get("transport", ["wait"]))
    if set(transport) - set(TRANSPORT_OPTIONS):
        raise ValueError(f"dealer {code}: unknown transport {sorted(set(transport))}")
    return Dealer(
        code=code,
        market=raw["market"],
        name=raw["name"],
        city=raw["city"],
        address=raw["address"],
        latitude=raw["latitude"],
        longitude=raw["longitude"],
        timezone=raw["timezone"],
        phone=raw["phone"],
        hours=_hours(raw["hours"]),
        holidays=tuple(date.fromisoformat(d) for d in raw.get("holidays", [])),
        bays=raw.get("bays", 4),
        slot_minutes=raw.get("slot_minutes", 60),
        staff_chat_id=raw.get("staff_chat_id"),
        transport=transport,
        services=services,
    )


def _model(code: str, raw: dict[str, Any]) -> VehicleModel:
    return VehicleModel(code=code, **raw)


def _catalog(raw: dict[str, Any], markets: dict[str, Market]) -> ServiceCatalog:
    operations: dict[str, Operation] = {}
    for code, spec in raw.items():
        if code not in OPERATION_CODES:
            raise ValueError(f"services.toml: unknown operation {code!r}")
        missing = set(markets) - set(spec["prices"])
        if missing:
            raise ValueError(f"services.toml: {code} has no price in {sorted(missing)}")
        operations[code] = Operation(
            code=code,
            minutes=int(spec["minutes"]),
            prices={market: int(v) for market, v in spec["prices"].items()},
            powertrains=tuple(spec.get("powertrains", ())),
            model_minutes={m: int(v) for m, v in spec.get("model_minutes", {}).items()},
            model_prices={
                model: {market: int(v) for market, v in prices.items()}
                for model, prices in spec.get("model_prices", {}).items()
            },
        )
    absent = set(OPERATION_CODES) - set(operations)
    if absent:
        raise ValueError(f"services.toml lacks operations {sorted(absent)}")
    return ServiceCatalog(operations)


@cache
def load_reference(data_dir: Path = DATA_DIR) -> Reference:
    markets = {code: _market(code, raw) for code, raw in _read("markets.toml", data_dir).items()}
    catalog = _catalog(_read("services.toml", data_dir), markets)
    dealers = {
        code: _dealer(code, raw, catalog) for code, raw in _read("dealers.toml", data_dir).items()
    }
    models = {code: _model(code, raw) for code, raw in _read("models.toml", data_dir).items()}
    for dealer in dealers.values():
        if dealer.market not in markets:
            raise ValueError(f"dealer {dealer.code}: unknown market {dealer.market}")
    brand = _read("brand.toml", data_dir)
    return Reference(
        markets=markets,
        dealers=dealers,
        models=models,
        brand=brand["name"],
        vin_prefixes=tuple(brand["vin_prefixes"]),
        catalog=catalog,
    )
