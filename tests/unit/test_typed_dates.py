"""Days and times as people type them, in every shipped language, in the market's
date order (bot.domain.typed_dates)."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.domain.typed_dates import RELATIVE_DAYS, TypedWhen, read_hour, read_when
from bot.i18n import SHIPPED_LOCALES

TODAY = date(2026, 11, 23)  # a Monday
TOMORROW = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("tomorrow 10 am", "en_GB", TypedWhen(TOMORROW, time(10))),
        ("พรุ่งนี้ 10 โมง", "th_TH", TypedWhen(TOMORROW, time(10))),
        ("พรุ่งนี้ บ่าย 2 โมง", "th_TH", TypedWhen(TOMORROW, time(14))),
        ("มะรืนนี้ 10.30 น.", "th_TH", TypedWhen(date(2026, 11, 25), time(10, 30))),
        ("4 โมงเย็น", "th_TH", TypedWhen(None, time(16))),
        ("2 ทุ่ม", "th_TH", TypedWhen(None, time(20))),
        ("mañana a las 10", "es_MX", TypedWhen(TOMORROW, time(10))),
        ("mañana 10 de la mañana", "es_MX", TypedWhen(TOMORROW, time(10))),
        ("pasado mañana 10h", "es_MX", TypedWhen(date(2026, 11, 25), time(10))),
        ("amanhã às 9", "pt_BR", TypedWhen(TOMORROW, time(9))),
        ("übermorgen um 14 Uhr", "de_DE", TypedWhen(date(2026, 11, 25), time(14))),
        ("завтра в 10", "ru_KZ", TypedWhen(TOMORROW, time(10))),
        ("yarın saat 10", "tr_TR", TypedWhen(TOMORROW, time(10))),
        ("besok jam 10.30", "id_ID", TypedWhen(TOMORROW, time(10, 30))),
        ("明天10点半", "zh_Hans_MY", TypedWhen(TOMORROW, time(10, 30))),
        ("12月14日 下午3点", "zh_Hans_MY", TypedWhen(date(2026, 12, 14), time(15))),
        ("بكرة الساعة ١٠", "ar_AE", TypedWhen(TOMORROW, time(10))),
        ("غداً 10:00 م", "ar_AE", TypedWhen(TOMORROW, time(22))),
        ("10:30 pm", "en_GB", TypedWhen(None, time(22, 30))),
        ("12 am", "en_GB", TypedWhen(None, time(0))),
        ("ngày mai 9h30", "vi_VN", TypedWhen(TOMORROW, time(9, 30))),
        ("mai lúc 14 giờ", "vi_VN", TypedWhen(TOMORROW, time(14))),
        ("2 giờ chiều ngày mốt", "vi_VN", TypedWhen(date(2026, 11, 25), time(14))),
        ("9 giờ sáng mai", "vi_VN", TypedWhen(TOMORROW, time(9))),
        ("8 giờ tối", "vi_VN", TypedWhen(None, time(20))),
        ("25/11 lúc 9 giờ 30", "vi_VN", TypedWhen(date(2026, 11, 25), time(9, 30))),
        ("esok pukul 10 pagi", "ms_MY", TypedWhen(TOMORROW, time(10))),
        ("lusa jam 3 petang", "ms_MY", TypedWhen(date(2026, 11, 25), time(15))),
    ],
)
def test_relative_days_and_times_are_read_in_each_language(
    text: str, locale: str, expected: TypedWhen
) -> None:
    assert read_when(text, locale, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("14/12", "th_TH", date(2026, 12, 14)),  # day first in Thailand
        ("14/12", "en_GB", date(2026, 12, 14)),
        ("12/14", "en_US", date(2026, 12, 14)),  # month first in the United States
        ("14/12", "en_US", None),  # there is no 14th month
        ("14.12.", "de_DE", date(2026, 12, 14)),
        ("2026-12-14", "de_DE", date(2026, 12, 14)),  # ISO, whatever the market
        ("١٤\u200f/١٢", "ar_SA", date(2026, 12, 14)),
        ("14/3/2570", "th_TH", date(2027, 3, 14)),  # the Buddhist era
        ("14/3/70", "th_TH", date(2027, 3, 14)),
        ("5/1", "es_MX", date(2027, 1, 5)),  # no year: the next 5 January to come
        ("23/11", "en_GB", TODAY),
        ("14 Dec", "en_GB", date(2026, 12, 14)),
        ("14 de diciembre", "es_MX", date(2026, 12, 14)),
        ("14 декабря", "ru_KZ", date(2026, 12, 14)),
        ("14 ธ.ค.", "th_TH", date(2026, 12, 14)),
        ("friday", "en_GB", date(2026, 11, 27)),
        ("viernes", "es_MX", date(2026, 11, 27)),
        ("วันศุกร์", "th_TH", date(2026, 11, 27)),
        ("monday", "en_GB", date(2026, 11, 30)),  # a weekday is the next one after today
    ],
)
def test_numeric_and_named_days_are_read_in_the_markets_order(
    text: str, locale: str, expected: date | None
) -> None:
    assert read_when(text, locale, TODAY).day == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("hello", "en_GB"),
        ("I want 2 things", "en_GB"),
        ("has 10 apples", "en_GB"),
        ("10 นาที", "th_TH"),  # ten minutes, not ten o'clock
        ("31/02", "en_GB"),
        ("25:00", "en_GB"),
        ("10.30", "de_DE"),  # a German time has a colon; this is no date either
    ],
)
def test_text_naming_no_day_or_time_reads_as_nothing(text: str, locale: str) -> None:
    assert read_when(text, locale, TODAY) == TypedWhen()


def test_a_dotted_time_is_a_time_where_the_locale_writes_times_so() -> None:
    assert read_when("10.30", "id_ID", TODAY) == TypedWhen(None, time(10, 30))


def test_every_shipped_language_knows_today_and_tomorrow() -> None:
    languages = {locale.split("_")[0] for locale in SHIPPED_LOCALES}
    assert languages <= set(RELATIVE_DAYS)
    for language in languages:
        offsets = {offset for _, offset in RELATIVE_DAYS[language]}
        assert {0, 1, 2} <= offsets, language


def test_a_bare_hour_is_read_in_any_digits() -> None:
    assert read_hour("๑๔") == time(14)
    assert read_hour(" 9 ") == time(9)
    assert read_hour("24") is None
    assert read_hour("nine") is None
