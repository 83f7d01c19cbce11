"""A brand's own reference data (OWNERBOT_BRAND_DIR): the same eight files as the demo
brand in bot/data, checked before anything runs on them.

`check_kit` reports every mistake it can find as `file:line: what is wrong`, so a CRM
team fixes a kit in one pass instead of one start-up error at a time; the loader
(`load_reference`) then reads a kit that is known to be whole.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tomllib
from collections.abc import Iterator
from datetime import date, time
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import phonenumbers
from babel.numbers import list_currencies

from bot.domain.booking import TRANSPORT_OPTIONS
from bot.domain.care import CarePolicy
from bot.domain.loyalty import RewardCategory, Tier
from bot.domain.reference import WEEKDAYS
from bot.domain.service_catalog import OPERATION_CODES
from bot.i18n import SHIPPED_LOCALES

KIT_FILES = (
    "brand.toml",
    "markets.toml",
    "dealers.toml",
    "models.toml",
    "services.toml",
    "rewards.toml",
    "loyalty.toml",
    "care.toml",
)
POWERTRAINS = ("petrol", "hybrid", "electric", "diesel")
MODEL_NUMBERS = (
    "service_interval_km",
    "service_interval_months",
    "first_service_km",
    "first_service_months",
    "warranty_years",
)
_SPAN = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")
_TOML_ERROR_LINE = re.compile(r"at line (\d+)")


@dataclasses.dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class _File:
    """One kit file's text, to say on which line a table or a key is."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        self.problems: list[Problem] = []

    def line_of(self, table: str, key: str | None = None) -> int:
        header = re.compile(rf"^\s*\[{re.escape(table)}(\.[^\]]+)?\]\s*(#.*)?$")
        start = next((i for i, line in enumerate(self.lines) if header.match(line)), None)
        if start is None:
            return 1
        if key is None:
            return start + 1
        wanted = re.compile(rf"^\s*{re.escape(key)}\s*=|[{{,]\s*{re.escape(key)}\s*=")
        for number in range(start, len(self.lines)):
            if (
                number > start
                and self.lines[number].lstrip().startswith("[")
                and not (self.lines[number].lstrip().startswith(f"[{table}."))
            ):
                break
            if wanted.search(self.lines[number]):
                return number + 1
        return start + 1

    def fail(self, table: str, key: str | None, message: str) -> None:
        self.problems.append(Problem(self.name, self.line_of(table, key), message))


def init_kit(directory: Path, source: Path) -> list[Path]:
    """Copy the demo brand's files (commented) into `directory` as a starting kit."""
    directory.mkdir(parents=True, exist_ok=True)
    taken = [directory / name for name in KIT_FILES if (directory / name).exists()]
    if taken:
        raise FileExistsError(", ".join(str(p) for p in taken))
    written = []
    for name in KIT_FILES:
        shutil.copyfile(source / name, directory / name)
        written.append(directory / name)
    return written


def check_kit(directory: Path) -> list[Problem]:
    """Every problem of the kit in `directory`; [] when it can be loaded as it is."""
    files: dict[str, _File] = {}
    data: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for name in KIT_FILES:
        path = directory / name
        if not path.is_file():
            problems.append(Problem(name, 0, "missing: a kit has all eight files"))
            continue
        text = path.read_text(encoding="utf-8")
        files[name] = _File(name, text)
        try:
            data[name] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            found = _TOML_ERROR_LINE.search(str(error))
            problems.append(Problem(name, int(found.group(1)) if found else 0, str(error)))
    if problems:
        return problems
    markets = data["markets.toml"]
    _check_brand(files["brand.toml"], data["brand.toml"])
    _check_markets(files["markets.toml"], markets)
    _check_dealers(files["dealers.toml"], data["dealers.toml"], markets)
    _check_models(files["models.toml"], data["models.toml"])
    _check_services(files["services.toml"], data["services.toml"], markets)
    _check_rewards(files["rewards.toml"], data["rewards.toml"], markets)
    _check_overrides(files["loyalty.toml"], data["loyalty.toml"], markets, _loyalty_keys())
    _check_overrides(files["care.toml"], data["care.toml"], markets, _care_keys())
    for file in files.values():
        problems += file.problems
    return problems


def _check_brand(file: _File, raw: dict[str, Any]) -> None:
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        file.problems.append(Problem(file.name, 1, "name: the brand's name is missing"))
    prefixes = raw.get("vin_prefixes")
    if not isinstance(prefixes, list) or not all(
        isinstance(p, str) and len(p) == 3 for p in prefixes
    ):
        file.problems.append(
            Problem(file.name, 1, 'vin_prefixes: a list of 3-character WMI codes, e.g. ["LGX"]')
        )


def _check_markets(file: _File, markets: dict[str, Any]) -> None:
    currencies, zones = set(list_currencies()), available_timezones()
    for code, raw in markets.items():
        if not re.fullmatch(r"[A-Z]{2}", code):
            file.fail(code, None, f"market {code!r}: use the ISO 3166 code, e.g. [TH]")
        for key in ("currency", "timezone", "languages", "distance_unit"):
            if key not in raw:
                file.fail(code, None, f"market {code}: {key} is missing")
        if "currency" in raw and raw["currency"] not in currencies:
            file.fail(code, "currency", f"market {code}: unknown currency {raw['currency']!r}")
        for zone in [raw.get("timezone"), *raw.get("timezones", [])]:
            if zone is not None and zone not in zones:
                file.fail(code, "timezone", f"market {code}: unknown time zone {zone!r}")
        languages = raw.get("languages", [])
        for language in languages:
            if language not in SHIPPED_LOCALES:
                file.fail(
                    code,
                    "languages",
                    f"market {code}: language {language!r} is not shipped "
                    f"({', '.join(SHIPPED_LOCALES)})",
                )
        if "languages" in raw and not languages:
            file.fail(code, "languages", f"market {code}: at least one language")
        if raw.get("distance_unit", "km") not in ("km", "mi"):
            file.fail(code, "distance_unit", f"market {code}: distance_unit is km or mi")
        region = raw.get("phone_region", code)
        if region not in phonenumbers.SUPPORTED_REGIONS:
            file.fail(code, "phone_region", f"market {code}: unknown phone region {region!r}")
        for key in ("roadside_phone", "emergency_phone"):
            if not str(raw.get(key, "")).strip():
                file.fail(code, key, f"market {code}: {key} is missing")


def _check_dealers(file: _File, dealers: dict[str, Any], markets: dict[str, Any]) -> None:
    for code, raw in dealers.items():
        market = raw.get("market")
        for key in ("market", "name", "city", "address", "latitude", "longitude"):
            if key not in raw:
                file.fail(code, None, f"dealer {code}: {key} is missing")
        for key in ("timezone", "phone", "hours"):
            if key not in raw:
                file.fail(code, None, f"dealer {code}: {key} is missing")
        if market is not None and market not in markets:
            file.fail(code, "market", f"dealer {code}: unknown market {market!r}")
        elif market is not None and "timezone" in raw:
            zones = [markets[market].get("timezone"), *markets[market].get("timezones", [])]
            if raw["timezone"] not in zones:
                file.fail(
                    code,
                    "timezone",
                    f"dealer {code}: time zone {raw['timezone']!r} is outside its market "
                    f"{market} ({', '.join(z for z in zones if z)})",
                )
        if not -90 <= raw.get("latitude", 0) <= 90 or not -180 <= raw.get("longitude", 0) <= 180:
            file.fail(code, "latitude", f"dealer {code}: coordinates out of range")
        for problem in _hours_problems(raw.get("hours", {})):
            file.fail(code, "hours", f"dealer {code}: {problem}")
        for day in raw.get("holidays", []):
            try:
                date.fromisoformat(str(day))
            except ValueError:
                file.fail(code, "holidays", f"dealer {code}: holiday {day!r} is not YYYY-MM-DD")
        unknown = set(raw.get("services", [])) - set(OPERATION_CODES)
        if unknown:
            file.fail(code, "services", f"dealer {code}: unknown services {sorted(unknown)}")
        transport = set(raw.get("transport", [])) - set(TRANSPORT_OPTIONS)
        if transport:
            file.fail(code, "transport", f"dealer {code}: unknown transport {sorted(transport)}")
        chat = raw.get("staff_chat_id")
        if chat is not None and (not isinstance(chat, int) or chat >= 0):
            file.fail(code, "staff_chat_id", f"dealer {code}: a group's chat id is negative")


def _hours_problems(hours: Any) -> Iterator[str]:
    if not isinstance(hours, dict):
        yield 'hours: a table of days, e.g. { mon = "08:00-18:00" }'
        return
    for day, spec in hours.items():
        if day not in WEEKDAYS:
            yield f"hours: unknown day {day!r} ({', '.join(WEEKDAYS)})"
            continue
        if spec == "closed":
            continue
        spans = []
        for part in str(spec).split(","):
            found = _SPAN.match(part.strip())
            if not found:
                yield f'hours: {day} = {spec!r}: write HH:MM-HH:MM or "closed"'
                break
            h1, m1, h2, m2 = (int(g) for g in found.groups())
            if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
                yield f"hours: {day} = {spec!r}: not a time of day"
                break
            opens, closes = time(h1, m1), time(min(h2, 23), m2 if h2 < 24 else 59)
            if closes <= opens:
                yield f"hours: {day} closes before it opens ({part.strip()})"
            spans.append((opens, closes))
        else:
            spans.sort()
            for (_, first_close), (second_open, _) in pairwise(spans):
                if second_open < first_close:
                    yield f"hours: {day} has overlapping opening hours ({spec})"
            if len(spans) > 1:
                yield f"hours: {day}: one span a day (opening to closing), not {len(spans)}"


def _check_models(file: _File, models: dict[str, Any]) -> None:
    names: dict[str, str] = {}
    for code, raw in models.items():
        for key in ("name", "body", "powertrain", *MODEL_NUMBERS):
            if key not in raw:
                file.fail(code, None, f"model {code}: {key} is missing")
        if raw.get("powertrain", "petrol") not in POWERTRAINS:
            file.fail(code, "powertrain", f"model {code}: powertrain is one of {POWERTRAINS}")
        for key in MODEL_NUMBERS:
            if key in raw and (not isinstance(raw[key], int) or raw[key] <= 0):
                file.fail(code, key, f"model {code}: {key} is a whole number above 0")
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            file.fail(code, "aliases", f'model {code}: aliases is a list of names, e.g. ["ATTO 3"]')
            aliases = []
        for name in [code, raw.get("name", ""), *aliases]:
            folded = str(name).strip().casefold()
            if folded and names.setdefault(folded, code) != code:
                file.fail(
                    code,
                    "aliases" if name in aliases else "name",
                    f"model {code}: {name!r} also names model {names[folded]}",
                )
        unknown = set(raw) - {f.name for f in dataclasses.fields(_ModelFields)}
        if unknown:
            file.fail(code, None, f"model {code}: unknown keys {sorted(unknown)}")


@dataclasses.dataclass
class _ModelFields:
    name: str
    vin_code: str
    body: str
    powertrain: str
    service_interval_km: int
    service_interval_months: int
    first_service_km: int
    first_service_months: int
    warranty_years: int
    aliases: list[str]


def _check_services(file: _File, services: dict[str, Any], markets: dict[str, Any]) -> None:
    for code, raw in services.items():
        if code not in OPERATION_CODES:
            file.fail(code, None, f"unknown operation {code!r} ({', '.join(OPERATION_CODES)})")
            continue
        missing = set(markets) - set(raw.get("prices", {}))
        if missing:
            file.fail(code, "prices", f"{code}: no price in {', '.join(sorted(missing))}")
    for code in OPERATION_CODES:
        if code not in services:
            file.problems.append(Problem(file.name, 1, f"operation {code} is missing"))


def _check_rewards(file: _File, rewards: dict[str, Any], markets: dict[str, Any]) -> None:
    categories = {c.value for c in RewardCategory}
    for key, raw in rewards.items():
        if raw.get("category") not in categories:
            file.fail(key, "category", f"reward {key}: category is one of {sorted(categories)}")
        if not isinstance(raw.get("points"), int) or raw["points"] <= 0:
            file.fail(key, "points", f"reward {key}: points is a whole number above 0")
        if raw.get("min_tier", "explorer") not in {t.value for t in Tier}:
            file.fail(key, "min_tier", f"reward {key}: unknown tier {raw['min_tier']!r}")
        offered = raw.get("markets", list(markets))
        for market in offered:
            if market not in markets:
                file.fail(key, "markets", f"reward {key}: unknown market {market!r}")
                continue
            for part in ("title", "description"):
                texts = raw.get(part, {})
                for language in markets[market].get("languages", []):
                    if not str(texts.get(language, "")).strip():
                        file.fail(
                            f"{key}.{part}" if part in raw else key,
                            None,
                            f"reward {key}: no {part} in {language} (a language of {market})",
                        )
            donation = raw.get("donation_minor", {}).get(market, 0)
            if raw.get("category") == RewardCategory.CHARITY.value and not donation:
                file.fail(key, "donation_minor", f"reward {key}: no donation amount for {market}")


def _loyalty_keys() -> set[str]:
    return {
        "pending_days",
        "expiry_months",
        "demotion_grace_days",
        "thresholds",
        "perks",
        "activities",
        "minor_per_point",
        "minor_per_status_point",
    }


def _care_keys() -> set[str]:
    return {f.name for f in dataclasses.fields(CarePolicy)}


def _check_overrides(
    file: _File, raw: dict[str, Any], markets: dict[str, Any], keys: set[str]
) -> None:
    if "default" not in raw:
        file.problems.append(Problem(file.name, 1, "[default] is missing"))
    for table, values in raw.items():
        if table != "default" and table not in markets:
            file.fail(table, None, f"[{table}] is not a market")
            continue
        unknown = set(values) - keys
        for key in sorted(unknown):
            file.fail(table, key, f"[{table}] unknown key {key!r}")
