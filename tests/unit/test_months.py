"""Calendar months: the one rule behind points expiry, service intervals and win-back."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.months import add_months


def test_a_month_after_the_thirty_first_of_january_is_the_end_of_february() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)


def test_a_moment_keeps_its_time_and_zone() -> None:
    moment = datetime(2027, 5, 31, 9, 30, tzinfo=UTC)
    assert add_months(moment, 1) == datetime(2027, 6, 30, 9, 30, tzinfo=UTC)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)), st.integers(-600, 600))
def test_adding_months_moves_the_month_and_never_overshoots_the_day(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(day.day, last)
