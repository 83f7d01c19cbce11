"""Reference data types: markets, dealers and service centers, vehicle models.

Loaded from the TOML files in `bot/data/` (see `bot.data.load_reference`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

from bot.domain.care import CarePolicy
from bot.domain.loyalty import LoyaltyRules, RewardInfo
from bot.domain.service_catalog import ServiceCatalog

DistanceUnit = Literal["km", "mi"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Market:
    code: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    timezone: str  # the market's main IANA zone
    languages: tuple[str, ...]  # shipped locales, the default first
    distance_unit: DistanceUnit
    phone_region: str
    roadside_phone: str
    emergency_phone: str  # police, ambulance, fire: for people in danger
    vin_check_digit: bool = False
    timezones: tuple[str, ...] = ()
    cash_digits: int | None = None  # minor digits prices use, if fewer than the currency's

    @property
    def default_locale(self) -> str:
        return self.languages[0]


@dataclass(frozen=True)
class OpeningHours:
    opens: time
    closes: time


@dataclass(frozen=True)
class Dealer:
    """A dealer with its service center (one center per dealer code)."""

    code: str
    market: str
    name: str
    city: str
    address: str
    latitude: float
    longitude: float
    timezone: str
    phone: str
    hours: dict[int, OpeningHours]  # weekday (0 = Monday) -> hours; missing = closed
    holidays: tuple[date, ...] = ()
    bays: int = 4
    slot_minutes: int = 60
    staff_chat_id: int | None = None
    transport: tuple[str, ...] = ("wait",)
    services: tuple[str, ...] = ()  # operation codes the center offers (services.toml)

    def offers(self, operations: list[str] | tuple[str, ...]) -> bool:
        return all(code in self.services for code in operations)


@dataclass(frozen=True)
class VehicleModel:
    code: str
    name: str
    body: str
    powertrain: Literal["petrol", "hybrid", "electric", "diesel"]
    service_interval_km: int
    service_interval_months: int
    first_service_km: int
    first_service_months: int
    warranty_years: int
    vin_code: str = ""  # how the VIN's descriptor section (positions 4 on) names the model
    # Other names dealer-system exports use for it ("ATTO 3", "Atto3 EV"): imports match them.
    aliases: tuple[str, ...] = ()

    def named(self, text: str) -> bool:
        """Whether `text` is this model's code, name or an alias, whatever the case."""
        wanted = text.strip().casefold()
        return wanted in {n.casefold() for n in (self.code, self.name, *self.aliases)}


@dataclass(frozen=True)
class Reference:
    markets: dict[str, Market]
    dealers: dict[str, Dealer]
    models: dict[str, VehicleModel]
    brand: str = "Aurora Motors"
    vin_prefixes: tuple[str, ...] = field(default=())
    loyalty: dict[str, LoyaltyRules] = field(default_factory=dict)  # by market
    rewards: dict[tuple[str, str], RewardInfo] = field(default_factory=dict)  # (market, key)
    care: dict[str, CarePolicy] = field(default_factory=dict)  # by market

    def rules(self, market: str) -> LoyaltyRules:
        return self.loyalty[market]

    def rewards_in(self, market: str) -> list[RewardInfo]:
        return [r for (m, _), r in self.rewards.items() if m == market]

    catalog: ServiceCatalog = field(default_factory=ServiceCatalog)

    def market(self, code: str) -> Market:
        return self.markets[code]

    def dealers_in(self, market: str) -> list[Dealer]:
        return [d for d in self.dealers.values() if d.market == market]

    def model_codes_in_vins(self) -> dict[str, str]:
        """Model -> the code its VINs carry after the brand's WMI (bot.domain.vin)."""
        return {code: m.vin_code for code, m in self.models.items() if m.vin_code}
