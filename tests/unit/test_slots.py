"""Slot generation: opening hours, holidays, bays, and daylight-saving changes."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.data import load_reference
from bot.domain.reference import Dealer, OpeningHours
from bot.domain.slots import (
    Slot,
    day_slots,
    opening_window,
    slot_at,
    unit_starts,
    units_needed,
)

LONDON_SPRING = date(2027, 3, 28)  # 01:00 GMT -> 02:00 BST
LONDON_AUTUMN = date(2027, 10, 31)  # 02:00 BST -> 01:00 GMT: 01:xx happens twice
BERLIN_SPRING = date(2027, 3, 28)  # 02:00 CET -> 03:00 CEST
BERLIN_AUTUMN = date(2027, 10, 31)  # 03:00 CEST -> 02:00 CET: 02:xx happens twice
EARLY = datetime(2000, 1, 1, tzinfo=UTC)


def around_the_clock(zone: str, slot_minutes: int = 60, bays: int = 1) -> Dealer:
    """A center open all day every day, so the night's DST change falls in its hours."""
    hours = {day: OpeningHours(time(0, 0), time(23, 59)) for day in range(7)}
    return Dealer(
        code="TEST-24H",
        market="GB",
        name="Test",
        city="Test",
        address="Test",
        latitude=0.0,
        longitude=0.0,
        timezone=zone,
        phone="+440000000000",
        hours=hours,
        bays=bays,
        slot_minutes=slot_minutes,
        services=("maintenance",),
    )


def local_labels(units: list[datetime], zone: str) -> list[str]:
    return [u.astimezone(ZoneInfo(zone)).strftime("%H:%M") for u in units]


@pytest.mark.parametrize(
    ("zone", "day", "missing_hour"),
    [("Europe/London", LONDON_SPRING, "01"), ("Europe/Berlin", BERLIN_SPRING, "02")],
)
@pytest.mark.parametrize("step", [30, 60])
def test_no_slot_starts_at_a_local_time_that_does_not_exist(
    zone: str, day: date, missing_hour: str, step: int
) -> None:
    units = unit_starts(around_the_clock(zone, step), day)
    labels = local_labels(units, zone)
    assert not [label for label in labels if label.startswith(missing_hour + ":")]
    assert len(labels) == len(set(labels))
    assert all(u.astimezone(ZoneInfo(zone)).date() == day for u in units)
    # The clock skipped an hour: one hour's worth of units fewer than on a normal day.
    normal = unit_starts(around_the_clock(zone, step), day + timedelta(days=7))
    assert len(units) == len(normal) - 60 // step


@pytest.mark.parametrize(
    ("zone", "day", "repeated_hour"),
    [("Europe/London", LONDON_AUTUMN, "01:00"), ("Europe/Berlin", BERLIN_AUTUMN, "02:00")],
)
@pytest.mark.parametrize("step", [30, 60])
def test_the_repeated_hour_gives_no_duplicate_slot(
    zone: str, day: date, repeated_hour: str, step: int
) -> None:
    units = unit_starts(around_the_clock(zone, step), day)
    labels = local_labels(units, zone)
    assert labels.count(repeated_hour) == 1
    assert len(set(units)) == len(units)
    gaps = [b - a for a, b in itertools.pairwise(units)]
    assert min(gaps) >= timedelta(minutes=step), "units never overlap in real time"


def test_a_booking_longer_than_a_unit_never_spans_a_daylight_saving_jump() -> None:
    dealer = around_the_clock("Europe/London", 60)
    slots = day_slots(dealer, LONDON_AUTUMN, 120, set(), not_before=EARLY)
    for slot in slots:
        assert slot.units[1] - slot.units[0] == timedelta(hours=1)
        assert slot.end - slot.start == timedelta(hours=2)


def test_a_london_center_opens_at_eight_local_before_and_after_the_clocks_change() -> None:
    london = load_reference().dealers["GB-LON-01"]
    before = unit_starts(london, date(2027, 3, 25))  # Thursday, GMT
    after = unit_starts(london, date(2027, 3, 30))  # Tuesday, BST
    assert before[0] == datetime(2027, 3, 25, 8, 0, tzinfo=UTC)
    assert after[0] == datetime(2027, 3, 30, 7, 0, tzinfo=UTC)
    assert local_labels(before, "Europe/London") == local_labels(after, "Europe/London")


def test_slots_of_a_center_in_another_zone_follow_the_centers_clock() -> None:
    manaus = load_reference().dealers["BR-MAO-01"]  # America/Manaus, UTC-4, opens 07:30
    units = unit_starts(manaus, date(2027, 3, 3))
    assert units[0] == datetime(2027, 3, 3, 11, 30, tzinfo=UTC)
    assert local_labels(units, "America/Manaus")[0] == "07:30"
    assert local_labels(units, "America/Sao_Paulo")[0] == "08:30"


def test_closed_days_and_holidays_have_no_slots() -> None:
    london = load_reference().dealers["GB-LON-01"]
    assert unit_starts(london, date(2027, 3, 28)) == []  # Sunday: closed
    assert unit_starts(london, date(2026, 12, 25)) == []  # Christmas: a holiday
    assert len(unit_starts(london, date(2026, 12, 24))) == 10  # a Thursday, 08:00-18:00


def test_slot_at_refuses_times_that_are_not_slots_of_the_center() -> None:
    london = load_reference().dealers["GB-LON-01"]
    monday_nine = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert slot_at(london, monday_nine, 60) == (monday_nine,)
    assert slot_at(london, monday_nine + timedelta(minutes=30), 60) is None  # off the grid
    assert slot_at(london, datetime(2027, 3, 28, 9, 0, tzinfo=UTC), 60) is None  # Sunday
    assert slot_at(london, datetime(2026, 12, 25, 9, 0, tzinfo=UTC), 60) is None  # holiday
    assert slot_at(london, datetime(2027, 3, 1, 17, 0, tzinfo=UTC), 120) is None  # past closing


def test_a_bay_with_every_unit_free_is_needed_for_a_slot() -> None:
    dealer = replace(load_reference().dealers["GB-LON-01"], bays=2)
    day = date(2027, 3, 1)
    nine, ten = (datetime(2027, 3, 1, h, 0, tzinfo=UTC) for h in (9, 10))
    taken = {(1, nine), (2, ten)}
    starts = {s.start for s in day_slots(dealer, day, 120, taken, not_before=EARLY)}
    assert nine not in starts  # bay 1 busy at 9, bay 2 at 10
    eight = next(
        s for s in day_slots(dealer, day, 120, taken, not_before=EARLY) if s.start.hour == 8
    )
    assert eight.free_bays == (2,)  # 8-10 on bay 1 would hit 9
    free_at_ten = next(
        s for s in day_slots(dealer, day, 60, taken, not_before=EARLY) if s.start == ten
    )
    assert free_at_ten.free_bays == (1,)


# --- properties -------------------------------------------------------------------------------

ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "America/Manaus",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",  # half-hour daylight saving
    "America/Havana",  # changes at midnight
    "Asia/Bangkok",
]
DST_DAYS = [
    date(2027, 3, 28),
    date(2027, 10, 31),
    date(2027, 3, 14),
    date(2027, 11, 7),
    date(2027, 4, 4),
    date(2027, 10, 3),
]


@st.composite
def centers(draw: st.DrawFn) -> Dealer:
    slot_minutes = draw(st.sampled_from([15, 20, 30, 45, 60, 90]))
    hours: dict[int, OpeningHours] = {}
    for weekday in range(7):
        if draw(st.booleans()) or weekday == 0:
            opens = time(draw(st.integers(0, 14)), draw(st.sampled_from([0, 15, 30, 45])))
            length = draw(st.integers(60, 24 * 60 - 1 - opens.hour * 60 - opens.minute))
            end = opens.hour * 60 + opens.minute + length
            hours[weekday] = OpeningHours(opens, time(end // 60, end % 60))
    holidays = tuple(draw(st.lists(st.sampled_from([*DST_DAYS, date(2027, 1, 1)]), max_size=2)))
    return replace(
        around_the_clock(draw(st.sampled_from(ZONES)), slot_minutes, draw(st.integers(1, 3))),
        hours=hours,
        holidays=holidays,
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Dealer, date, int, set[tuple[int, datetime]]]:
    dealer = draw(centers())
    day = draw(st.one_of(st.sampled_from(DST_DAYS), st.dates(date(2027, 1, 1), date(2027, 12, 31))))
    minutes = draw(st.sampled_from([15, 30, 45, 60, 90, 120, 150]))
    taken: set[tuple[int, datetime]] = set()
    for _ in range(draw(st.integers(0, 12))):
        length = draw(st.sampled_from([30, 60, 120]))
        free = day_slots(dealer, day, length, taken, not_before=EARLY)
        if not free:
            break
        slot = draw(st.sampled_from(free))
        bay = draw(st.sampled_from(slot.free_bays))
        taken |= {(bay, unit) for unit in slot.units}
    return dealer, day, minutes, taken


def check_slot(
    dealer: Dealer, day: date, minutes: int, taken: set[tuple[int, datetime]], slot: Slot
) -> None:
    tz = ZoneInfo(dealer.timezone)
    step = timedelta(minutes=dealer.slot_minutes)
    window = opening_window(dealer, day)
    # never on a holiday or a closed day
    assert window is not None
    assert day not in dealer.holidays
    assert day.weekday() in dealer.hours
    # never outside opening hours
    opens, closes = window
    assert opens <= slot.start
    assert slot.units[-1] + step <= closes
    assert slot.end <= closes
    assert slot.start.astimezone(tz).date() == day
    # always aligned to the slot length, on the center's wall clock
    hours = dealer.hours[day.weekday()]
    wall = slot.start.astimezone(tz).replace(tzinfo=None)
    offset = wall - datetime.combine(day, hours.opens)
    assert offset.total_seconds() % (dealer.slot_minutes * 60) == 0
    # the units are one stretch of real time, long enough for the booking
    assert len(slot.units) == units_needed(dealer, minutes)
    assert slot.units[0] == slot.start
    assert all(b - a == step for a, b in zip(slot.units, slot.units[1:], strict=False))
    # never overlapping a reservation on the bays it offers
    assert slot.free_bays
    busy_until = slot.units[-1] + step
    for bay in slot.free_bays:
        for taken_bay, unit in taken:
            if taken_bay == bay:
                assert unit + step <= slot.start or unit >= busy_until, (bay, unit)


def check_day(dealer: Dealer, day: date, minutes: int, taken: set[tuple[int, datetime]]) -> None:
    slots = day_slots(dealer, day, minutes, taken, not_before=EARLY)
    if day in dealer.holidays or day.weekday() not in dealer.hours:
        assert slots == []
    starts = [s.start for s in slots]
    assert starts == sorted(set(starts))
    for slot in slots:
        check_slot(dealer, day, minutes, taken, slot)
    units = unit_starts(dealer, day)
    step = timedelta(minutes=dealer.slot_minutes)
    assert all(b - a >= step for a, b in itertools.pairwise(units))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_slots_respect_hours_holidays_reservations_and_alignment(
    scenario: tuple[Dealer, date, int, set[tuple[int, datetime]]],
) -> None:
    check_day(*scenario)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(scenarios())
def test_slots_respect_hours_holidays_reservations_and_alignment_at_length(
    scenario: tuple[Dealer, date, int, set[tuple[int, datetime]]],
) -> None:
    check_day(*scenario)
