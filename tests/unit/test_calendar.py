"""The month calendar carries whichever codes its flow gives it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.config import PROJECT_ROOT
from bot.i18n import Catalogs
from handlers.calendar import DISABLED, CalendarCodes, month_keyboard
from handlers.codes import ButtonCode

catalogs = Catalogs(PROJECT_ROOT / "locales")


@dataclass(frozen=True)
class Page(ButtonCode, prefix="caltest:page"):
    month: date


@dataclass(frozen=True)
class Pick(ButtonCode, prefix="caltest:pick"):
    day: date


@dataclass(frozen=True)
class Nothing(ButtonCode, prefix="caltest:none"):
    pass


CODES = CalendarCodes(page=Page, day=Pick, blank=Nothing())


def test_days_on_offer_carry_the_flows_day_code_and_the_rest_do_nothing() -> None:
    t = catalogs.translator("en", "GB")
    enabled = {date(2026, 12, 1), date(2026, 12, 31)}
    rows = month_keyboard(
        t, CODES, date(2026, 12, 1), enabled, date(2026, 11, 23), date(2027, 1, 22)
    )
    days = [b for row in rows[2:] for b in row]
    picked = [b.code for b in days if b.code.startswith("caltest:pick")]
    assert picked == [Pick(date(2026, 12, 1)).pack(), Pick(date(2026, 12, 31)).pack()]
    assert all(b.code == Nothing().pack() for b in days if b.label == DISABLED)
    assert rows[0][0].code == Page(date(2026, 11, 1)).pack()
    assert rows[0][2].code == Page(date(2027, 1, 1)).pack()


def test_the_paging_arrows_stop_at_the_first_and_last_month_on_offer() -> None:
    t = catalogs.translator("en", "GB")
    rows = month_keyboard(
        t, CODES, date(2026, 12, 15), set(), date(2026, 12, 1), date(2026, 12, 31)
    )
    assert [b.code for b in rows[0]] == [Nothing().pack()] * 3


def test_weeks_start_on_the_markets_first_day() -> None:
    monday_first = month_keyboard(
        catalogs.translator("en", "GB"),
        CODES,
        date(2026, 12, 1),
        set(),
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    sunday_first = month_keyboard(
        catalogs.translator("en", "US"),
        CODES,
        date(2026, 12, 1),
        set(),
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert monday_first[1][0].label != sunday_first[1][0].label
