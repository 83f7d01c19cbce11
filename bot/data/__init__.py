"""Reference data shipped with the product, and its loader."""

from __future__ import annotations

import tomllib
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

from babel import numbers as babel_numbers

from bot.domain.booking import TRANSPORT_OPTIONS
from bot.domain.care import CarePolicy
from bot.domain.loyalty import (
    ActivityRule,
    LoyaltyRules,
    RewardCategory,
    RewardInfo,
    Tier,
    TierPerks,
)
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


def phone_regions(data_dir: Path = DATA_DIR) -> tuple[str, ...]:
    """The phone-number regions of every market (for masking numbers in logs)."""
    markets = _read("markets.toml", data_dir)
    return tuple(dict.fromkeys(raw.get("phone_region", code) for code, raw in markets.items()))


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
        emergency_phone=raw["emergency_phone"],
        vin_check_digit=raw.get("vin_check_digit", False),
        cash_digits=raw.get("cash_digits"),
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
    return VehicleModel(code=code, **{**raw, "aliases": tuple(raw.get("aliases", ()))})


def _merged(default: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(default)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _loyalty(raw: dict[str, Any], market: Market) -> LoyaltyRules:
    spec = _merged(raw["default"], raw.get(market.code, {}))
    one_major_unit = 10 ** babel_numbers.get_currency_precision(market.currency)
    return LoyaltyRules(
        minor_per_point=spec.get("minor_per_point", one_major_unit),
        minor_per_status_point=spec.get("minor_per_status_point", one_major_unit),
        thresholds={Tier(k): v for k, v in spec["thresholds"].items()},
        perks={Tier(k): TierPerks(**v) for k, v in spec["perks"].items()},
        activities={k: ActivityRule(**v) for k, v in spec["activities"].items()},
        pending_days=spec["pending_days"],
        expiry_months=spec["expiry_months"],
        demotion_grace_days=spec["demotion_grace_days"],
    )


def _care(raw: dict[str, Any], market: str) -> CarePolicy:
    spec: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in _merged(raw["default"], raw.get(market, {})).items()
    }
    return CarePolicy(**spec)


def _rewards(raw: dict[str, Any], markets: dict[str, Market]) -> dict[tuple[str, str], RewardInfo]:
    rewards: dict[tuple[str, str], RewardInfo] = {}
    for key, spec in raw.items():
        category = RewardCategory(spec["category"])
        offered = spec.get("markets", list(markets))
        for market in offered:
            if market not in markets:
                raise ValueError(f"reward {key}: unknown market {market}")
            donation = spec.get("donation_minor", {}).get(market, 0)
            if category is RewardCategory.CHARITY and not donation:
                raise ValueError(f"reward {key}: no donation amount for {market}")
            rewards[(market, key)] = RewardInfo(
                key=key,
                market=market,
                category=category,
                points=spec["points"],
                min_tier=Tier(spec.get("min_tier", "explorer")),
                validity_days=spec.get("validity_days", 0),
                initial_stock=spec.get("stock"),
                titles=dict(spec["title"]),
                descriptions=dict(spec["description"]),
                donation_minor=donation,
            )
    return rewards


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
            labour_percent=int(spec.get("labour_percent", 100)),
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
    loyalty_raw = _read("loyalty.toml", data_dir)
    care_raw = _read("care.toml", data_dir)
    return Reference(
        markets=markets,
        dealers=dealers,
        models=models,
        brand=brand["name"],
        vin_prefixes=tuple(brand["vin_prefixes"]),
        loyalty={code: _loyalty(loyalty_raw, market) for code, market in markets.items()},
        rewards=_rewards(_read("rewards.toml", data_dir), markets),
        care={code: _care(care_raw, code) for code in markets},
        catalog=catalog,
    )
