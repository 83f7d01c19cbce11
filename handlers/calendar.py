"""A localized month calendar as inline buttons.

Weeks start on the market's first day (CLDR), weekday headers and the month title come
from the Translator, days that can't be booked are shown as "·" and do nothing, and the
paging arrows stop at the first and last bookable month.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date

from bot.i18n import Translator
from handlers.codes import BadCode, make_code
from handlers.types import Button

DISABLED = "·"
BLANK = " "


def month_code(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def parse_month(raw: str) -> date:
    if len(raw) != 6 or not raw.isdigit():
        raise BadCode("not a month")
    try:
        return date(int(raw[:4]), int(raw[4:]), 1)
    except ValueError as error:
        raise BadCode("not a month") from error


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day(raw: str) -> date:
    if len(raw) != 8 or not raw.isdigit():
        raise BadCode("not a day")
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError as error:
        raise BadCode("not a day") from error


def _shift(month: date, months: int) -> date:
    index = month.month - 1 + months
    return date(month.year + index // 12, index % 12 + 1, 1)


def month_keyboard(
    t: Translator,
    prefix: str,
    month: date,
    enabled: Collection[date],
    first: date,
    last: date,
) -> list[list[Button]]:
    """Rows: month title with paging, weekday headers, then the weeks of `month`.

    Day buttons carry `prefix:day:YYYYMMDD`, paging `prefix:cal:YYYYMM`, everything
    inert `prefix:nop`.
    """
    nop = make_code(prefix, "nop")
    month = month.replace(day=1)
    previous = _shift(month, -1)
    following = _shift(month, 1)
    can_go_back = previous >= first.replace(day=1)
    can_go_on = following <= last.replace(day=1)
    back, forward = ("▶️", "◀️") if t.is_rtl else ("◀️", "▶️")
    rows: list[list[Button]] = [
        [
            Button(
                back if can_go_back else BLANK,
                make_code(prefix, "cal", month_code(previous)) if can_go_back else nop,
            ),
            Button(t.month_year(month), nop),
            Button(
                forward if can_go_on else BLANK,
                make_code(prefix, "cal", month_code(following)) if can_go_on else nop,
            ),
        ]
    ]
    first_weekday = t.first_week_day
    order = [(first_weekday + i) % 7 for i in range(7)]
    rows.append([Button(t.weekday_short(day), nop) for day in order])
    weeks = calendar.Calendar(firstweekday=first_weekday).monthdatescalendar(
        month.year, month.month
    )
    for week in weeks:
        row: list[Button] = []
        for day in week:
            if day.month != month.month:
                row.append(Button(BLANK, nop))
            elif day in enabled:
                row.append(Button(t.number(day.day), make_code(prefix, "day", day_code(day))))
            else:
                row.append(Button(DISABLED, nop))
        rows.append(row)
    return rows
