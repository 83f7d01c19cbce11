"""The service catalogue: what a center does to a car, how long it takes, what it costs
(indicatively) in each market, and which maintenance is due next.

Loaded from `bot/data/services.toml` (see `bot.data.load_reference`). Operation names are
translated in `handlers/service_names.py`, the one module that lists them for extraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.months import add_months

if TYPE_CHECKING:
    from bot.domain.reference import VehicleModel

# Codes of the operations the product knows; services.toml describes each of them.
MAINTENANCE = "maintenance"
FIRST_SERVICE = "first_service"
INSPECTION = "inspection"
BRAKES = "brakes"
TYRES = "tyres"
AIRCON = "aircon"
EV_BATTERY = "ev_battery"
RECALL = "recall"
OPERATION_CODES = (
    MAINTENANCE,
    FIRST_SERVICE,
    INSPECTION,
    BRAKES,
    TYRES,
    AIRCON,
    EV_BATTERY,
    RECALL,
)
SCHEDULED = (FIRST_SERVICE, MAINTENANCE)  # visits that restart the maintenance clock

# A service is "due soon" this long before either limit.
DUE_SOON_DAYS = 30
DUE_SOON_KM = 1000


@dataclass(frozen=True)
class Operation:
    code: str
    minutes: int
    prices: dict[str, int]  # market -> indicative price in minor units of its currency
    powertrains: tuple[str, ...] = ()  # empty: every powertrain
    model_minutes: dict[str, int] = field(default_factory=dict)
    model_prices: dict[str, dict[str, int]] = field(default_factory=dict)  # model -> market
    labour_percent: int = 100  # the share of the price that is labour (tier discounts)

    def applies_to(self, model: VehicleModel) -> bool:
        return not self.powertrains or model.powertrain in self.powertrains

    def minutes_for(self, model_code: str) -> int:
        return self.model_minutes.get(model_code, self.minutes)

    def price_for(self, market: str, model_code: str) -> int | None:
        by_model = self.model_prices.get(model_code, {})
        return by_model.get(market, self.prices.get(market))


@dataclass(frozen=True)
class ServiceCatalog:
    operations: dict[str, Operation] = field(default_factory=dict)  # in display order

    def get(self, code: str) -> Operation | None:
        return self.operations.get(code)

    def duration(self, codes: list[str] | tuple[str, ...], model_code: str) -> int:
        """Minutes the chosen operations take together."""
        return sum(self.operations[c].minutes_for(model_code) for c in codes)

    def estimate(
        self, codes: list[str] | tuple[str, ...], market: str, model_code: str
    ) -> int | None:
        """The indicative total in minor units; None if an operation has no price there."""
        total = 0
        for code in codes:
            price = self.operations[code].price_for(market, model_code)
            if price is None:
                return None
            total += price
        return total

    def labour_discount(
        self, codes: list[str] | tuple[str, ...], market: str, model_code: str, percent: int
    ) -> int:
        """What a tier's `percent` off labour takes off the indicative total, in minor
        units (rounded half up); 0 where an operation has no price there."""
        labour = 0
        for code in codes:
            operation = self.operations[code]
            price = operation.price_for(market, model_code)
            if price is None:
                return 0
            labour += price * operation.labour_percent
        return (labour * percent + 5000) // 10000


class Urgency(StrEnum):
    OVERDUE = "overdue"
    SOON = "soon"
    LATER = "later"


@dataclass(frozen=True)
class PastService:
    """A scheduled service the vehicle had: when, and at what mileage if known."""

    on: date
    mileage_km: int | None


@dataclass(frozen=True)
class DueService:
    operation: str  # FIRST_SERVICE or MAINTENANCE
    due_km: int | None
    due_on: date | None
    urgency: Urgency


def next_service(
    model: VehicleModel,
    *,
    delivery_date: date | None,
    mileage_km: int | None,
    last_service: PastService | None,
    today: date,
) -> DueService:
    """Which scheduled service comes next: every X km or Y months, whichever comes first.

    Without a recorded service the first service is next, unless the car is already past
    where the first regular interval would have been (an import without history): then
    regular maintenance is simply overdue.
    """
    if last_service is None:
        first_due_on = (
            add_months(delivery_date, model.first_service_months) if delivery_date else None
        )
        long_past = (
            mileage_km is not None
            and mileage_km >= model.first_service_km + model.service_interval_km
        ) or (
            delivery_date is not None
            and today
            >= add_months(delivery_date, model.first_service_months + model.service_interval_months)
        )
        if long_past:
            return DueService(MAINTENANCE, None, None, Urgency.OVERDUE)
        return DueService(
            FIRST_SERVICE,
            model.first_service_km,
            first_due_on,
            _urgency(model.first_service_km, first_due_on, mileage_km, today),
        )
    due_km = (
        last_service.mileage_km + model.service_interval_km
        if last_service.mileage_km is not None
        else None
    )
    due_on = add_months(last_service.on, model.service_interval_months)
    return DueService(MAINTENANCE, due_km, due_on, _urgency(due_km, due_on, mileage_km, today))


def _urgency(
    due_km: int | None, due_on: date | None, mileage_km: int | None, today: date
) -> Urgency:
    km_left = due_km - mileage_km if due_km is not None and mileage_km is not None else None
    days_left = (due_on - today).days if due_on is not None else None
    if (km_left is not None and km_left <= 0) or (days_left is not None and days_left <= 0):
        return Urgency.OVERDUE
    if (km_left is not None and km_left <= DUE_SOON_KM) or (
        days_left is not None and days_left <= DUE_SOON_DAYS
    ):
        return Urgency.SOON
    return Urgency.LATER
