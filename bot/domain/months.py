"""Calendar months, the way people count them."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import TypeVar

Day = TypeVar("Day", date, datetime)


def add_months(day: Day, months: int) -> Day:
    """The same day `months` later (or earlier), clamped to the month's end:
    31 January + 1 month = 28/29 February. Times and time zones are kept."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
