"""Slot generation for service centers: pure, DST-correct, set-based.

A center's day is cut into units of `slot_minutes` on the wall clock, from opening
time. Each unit is stored by its UTC start; a booking of D minutes takes
ceil(D / slot_minutes) consecutive units on one bay, and each (center, bay, unit start)
is reserved under a unique constraint, so the database rejects a second booking of the
same unit whatever the race.

Daylight-saving changes: a wall-clock time that does not exist (spring forward) has no
unit; a repeated wall-clock time (fall back) has one unit, its first occurrence; units
are at least `slot_minutes` apart in real time, so two units never overlap.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.reference import Dealer

# Owners book at least this long before the start.
MIN_LEAD = timedelta(minutes=60)

Unit = tuple[int, datetime]  # (bay, UTC start of the unit)


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC: start + the booking's duration
    units: tuple[datetime, ...]  # UTC starts of the units it takes on one bay
    free_bays: tuple[int, ...]  # bays on which every unit is free


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def is_open_on(dealer: Dealer, day: date) -> bool:
    return day.weekday() in dealer.hours and day not in dealer.holidays


def _exists(local: datetime) -> bool:
    """False for a wall-clock time skipped by a daylight-saving change."""
    tz = local.tzinfo
    return local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None)


def opening_window(dealer: Dealer, day: date) -> tuple[datetime, datetime] | None:
    """Opening and closing instants (UTC) of the center on its local `day`."""
    if not is_open_on(dealer, day):
        return None
    hours = dealer.hours[day.weekday()]
    tz = ZoneInfo(dealer.timezone)
    opens = datetime.combine(day, hours.opens, tzinfo=tz).astimezone(UTC)
    closes = datetime.combine(day, hours.closes, tzinfo=tz).astimezone(UTC)
    return opens, closes


def is_open_at(dealer: Dealer, moment: datetime) -> bool:
    """Whether the center is open (someone is there) at `moment`."""
    window = opening_window(dealer, local_day(moment, dealer.timezone))
    return window is not None and window[0] <= moment < window[1]


def unit_starts(dealer: Dealer, day: date) -> list[datetime]:
    """UTC starts of the center's units on its local `day`, in order."""
    window = opening_window(dealer, day)
    if window is None:
        return []
    opens_at, closes_at = window
    hours = dealer.hours[day.weekday()]
    tz = ZoneInfo(dealer.timezone)
    step = timedelta(minutes=dealer.slot_minutes)
    wall = datetime.combine(day, hours.opens)
    last_wall = datetime.combine(day, hours.closes)
    units: list[datetime] = []
    while wall + step <= last_wall:
        local = wall.replace(tzinfo=tz)  # fold=0: a repeated time counts once
        start = local.astimezone(UTC)
        if (
            _exists(local)
            and opens_at <= start
            and start + step <= closes_at
            and (not units or start >= units[-1] + step)
        ):
            units.append(start)
        wall += step
    return units


def _contiguous(units: tuple[datetime, ...], step: timedelta) -> bool:
    return all(b - a == step for a, b in pairwise(units))


def units_needed(dealer: Dealer, minutes: int) -> int:
    return max(1, math.ceil(minutes / dealer.slot_minutes))


def day_slots(
    dealer: Dealer,
    day: date,
    minutes: int,
    taken: Collection[Unit],
    *,
    not_before: datetime,
) -> list[Slot]:
    """Free slots of `minutes` on `day`: consecutive units free on at least one bay."""
    grid = unit_starts(dealer, day)
    count = units_needed(dealer, minutes)
    step = timedelta(minutes=dealer.slot_minutes)
    slots: list[Slot] = []
    for index in range(len(grid) - count + 1):
        units = tuple(grid[index : index + count])
        if units[0] < not_before:
            continue
        if not _contiguous(units, step):
            continue  # a daylight-saving jump inside: not one stretch of time
        bays = tuple(
            bay
            for bay in range(1, dealer.bays + 1)
            if all((bay, unit) not in taken for unit in units)
        )
        if bays:
            slots.append(Slot(units[0], units[0] + timedelta(minutes=minutes), units, bays))
    return slots


def slot_at(dealer: Dealer, start: datetime, minutes: int) -> tuple[datetime, ...] | None:
    """The units a booking starting at `start` takes, or None if `start` is not a slot
    start of the center (a forged time, a closed day, a holiday)."""
    day = local_day(start, dealer.timezone)
    grid = unit_starts(dealer, day)
    if start not in grid:
        return None
    index = grid.index(start)
    units = tuple(grid[index : index + units_needed(dealer, minutes)])
    step = timedelta(minutes=dealer.slot_minutes)
    if len(units) < units_needed(dealer, minutes) or not _contiguous(units, step):
        return None
    return units


def bookable_days(dealer: Dealer, first: date, last: date) -> list[date]:
    """Days between `first` and `last` (inclusive) the center is open."""
    days: list[date] = []
    day = first
    while day <= last:
        if is_open_on(dealer, day):
            days.append(day)
        day += timedelta(days=1)
    return days


def booking_horizon(dealer: Dealer, now: datetime, window_days: int) -> tuple[date, date]:
    """First and last day (center-local) an owner may book."""
    today = local_day(now, dealer.timezone)
    return today, today + timedelta(days=window_days)


def nearest(slots: Iterable[Slot], wanted: datetime, count: int) -> list[Slot]:
    """The `count` slots closest in time to `wanted`, in chronological order."""
    closest = sorted(slots, key=lambda s: (abs(s.start - wanted), s.start))[:count]
    return sorted(closest, key=lambda s: s.start)
