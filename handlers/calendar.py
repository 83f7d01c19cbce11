"""A localized month calendar as inline buttons, for any flow.

Weeks start on the market's first day (CLDR), weekday headers and the month title come
from the Translator, days that can't be chosen are shown as "·", and the paging arrows
stop at the first and last month on offer. The flow says which codes the buttons carry.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from bot.i18n import Translator
from handlers.codes import ButtonCode, button
from handlers.types import Button

DISABLED = "·"
BLANK = " "


@dataclass(frozen=True)
class CalendarCodes:
    """What a calendar's buttons send: a month's page (given its first day), a day
    chosen, and one code for every cell that does nothing."""

    page: Callable[[date], ButtonCode]
    day: Callable[[date], ButtonCode]
    blank: ButtonCode


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _shift(month: date, months: int) -> date:
    index = month.month - 1 + months
    return date(month.year + index // 12, index % 12 + 1, 1)


def month_keyboard(
    t: Translator,
    codes: CalendarCodes,
    month: date,
    enabled: Collection[date],
    first: date,
    last: date,
) -> list[list[Button]]:
    """Rows: month title with paging, weekday headers, then the weeks of `month`."""
    month = first_of_month(month)
    previous = _shift(month, -1)
    following = _shift(month, 1)
    can_go_back = previous >= first_of_month(first)
    can_go_on = following <= first_of_month(last)
    back, forward = ("▶️", "◀️") if t.is_rtl else ("◀️", "▶️")
    blank = codes.blank
    rows: list[list[Button]] = [
        [
            button(back, codes.page(previous)) if can_go_back else button(BLANK, blank),
            button(t.month_year(month), blank),
            button(forward, codes.page(following)) if can_go_on else button(BLANK, blank),
        ]
    ]
    first_weekday = t.first_week_day
    order = [(first_weekday + i) % 7 for i in range(7)]
    rows.append([button(t.weekday_short(day), blank) for day in order])
    weeks = calendar.Calendar(firstweekday=first_weekday).monthdatescalendar(
        month.year, month.month
    )
    for week in weeks:
        row: list[Button] = []
        for day in week:
            if day.month != month.month:
                row.append(button(BLANK, blank))
            elif day in enabled:
                row.append(button(t.number(day.day), codes.day(day)))
            else:
                row.append(button(DISABLED, blank))
        rows.append(row)
    return rows
