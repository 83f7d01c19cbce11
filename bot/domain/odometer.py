"""Odometer readings: who may set them, and which ones are worth a second look.

A dealer's reading (a service visit, the dealer system's export) is authoritative: it
raises the vehicle's reading and a floor under it that an owner can never go below. An
owner's own reading may be corrected by the owner, down to that floor, once they
confirm: one typo ("12,3456" read as 123,456) must not refuse every true reading after
it. A reading whose source is unknown (kept before sources were) is corrected like the
owner's own, never below the floor. A reading far beyond what the car could have
covered since the last one is asked about before it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal, Protocol

from bot.domain.owners import ReadingSource, Vehicle

KM_PER_MILE = 1.609344
MAX_MILEAGE_KM = 2_000_000

# More than this per day since the last reading is unusual enough to ask "is that
# right?": a long day of motorway driving, every day. Counted in the market's unit.
PLAUSIBLE_PER_DAY: dict[str, int] = {"km": 500, "mi": 300}


class Verdict(StrEnum):
    FINE = "fine"
    UNLIKELY = "unlikely"  # far beyond the days since the last reading: confirm first
    CORRECTION = "correction"  # below the owner's own last reading: confirm first
    BELOW_DEALER = "below_dealer"  # below a dealer's reading: refused
    IMPOSSIBLE = "impossible"  # more than any car drives: refused


@dataclass(frozen=True)
class ReadingCheck:
    verdict: Verdict
    km: int
    # For BELOW_DEALER: the dealer's reading it would go below, and its day if known.
    dealer_km: int | None = None
    dealer_on: date | None = None

    @property
    def needs_confirmation(self) -> bool:
        return self.verdict in (Verdict.UNLIKELY, Verdict.CORRECTION)

    @property
    def refused(self) -> bool:
        return self.verdict in (Verdict.BELOW_DEALER, Verdict.IMPOSSIBLE)


def to_km(value: int, unit: Literal["km", "mi"]) -> int:
    return round(value * KM_PER_MILE) if unit == "mi" else value


def check_owner_reading(
    vehicle: Vehicle, km: int, today: date, unit: Literal["km", "mi"]
) -> ReadingCheck:
    if km > MAX_MILEAGE_KM:
        return ReadingCheck(Verdict.IMPOSSIBLE, km)
    current = vehicle.mileage_km
    floor = vehicle.dealer_mileage_km
    if current is not None and km < current and vehicle.mileage_source in _AUTHORITATIVE:
        return ReadingCheck(Verdict.BELOW_DEALER, km, current, vehicle.dealer_mileage_on)
    if floor is not None and km < floor:
        return ReadingCheck(Verdict.BELOW_DEALER, km, floor, vehicle.dealer_mileage_on)
    if current is not None and km < current:
        return ReadingCheck(Verdict.CORRECTION, km)
    since_km, since_on = _last_dated_reading(vehicle)
    if since_on is not None and km - since_km > _plausible_km(since_on, today, unit):
        return ReadingCheck(Verdict.UNLIKELY, km)
    return ReadingCheck(Verdict.FINE, km)


_AUTHORITATIVE = (ReadingSource.DEALER, ReadingSource.IMPORT)


def _last_dated_reading(vehicle: Vehicle) -> tuple[int, date | None]:
    """The latest reading whose day is known, to judge a new one by: the current one
    when the owner or a visit gave it, else the dealer's last visit, else nothing at
    delivery."""
    if vehicle.mileage_km is not None and vehicle.mileage_source in (
        ReadingSource.OWNER,
        ReadingSource.DEALER,
    ):
        return vehicle.mileage_km, vehicle.mileage_recorded_on
    if vehicle.dealer_mileage_km is not None and vehicle.dealer_mileage_on is not None:
        return vehicle.dealer_mileage_km, vehicle.dealer_mileage_on
    return 0, vehicle.delivery_date


def _plausible_km(since: date, today: date, unit: Literal["km", "mi"]) -> int:
    days = max(1, (today - since).days)
    return to_km(days * PLAUSIBLE_PER_DAY[unit], unit)


def record_owner_reading(vehicle: Vehicle, km: int, today: date) -> None:
    """Keep a reading the owner gave (checked, and confirmed when it had to be)."""
    vehicle.mileage_km = km
    vehicle.mileage_recorded_on = today
    vehicle.mileage_source = ReadingSource.OWNER


class Readings(Protocol):
    """The reading fields of a vehicle: a stored `Vehicle`, or the plain copy an owner
    import compares with (bot/domain/owner_merge.py)."""

    mileage_km: int | None
    mileage_recorded_on: date | None
    mileage_source: str | None
    dealer_mileage_km: int | None
    dealer_mileage_on: date | None


def record_dealer_reading(vehicle: Readings, km: int, on: date, *, visit: bool) -> bool:
    """A dealer's reading raises the floor, and the vehicle's reading when higher
    (an export older than what the owner told us does not lower it). `visit`: read at
    a service visit on day `on`; else from the dealer system's export, of no known day
    (kept as of `on`, the import). Returns whether anything changed."""
    changed = False
    if vehicle.dealer_mileage_km is None or km > vehicle.dealer_mileage_km:
        vehicle.dealer_mileage_km = km
        vehicle.dealer_mileage_on = on if visit else None
        changed = True
    if vehicle.mileage_km is None or km > vehicle.mileage_km:
        vehicle.mileage_km = km
        vehicle.mileage_recorded_on = on
        vehicle.mileage_source = ReadingSource.DEALER if visit else ReadingSource.IMPORT
        changed = True
    return changed
