"""The reference data in bot/data: every market's money, dates and numbers as its
people write them, and marketing copy in every shipped language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.config import PROJECT_ROOT
from bot.data import load_reference
from bot.i18n import SHIPPED_LOCALES, Catalogs

catalogs = Catalogs(PROJECT_ROOT / "locales")


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_reward_has_its_title_and_description_in_every_shipped_language(
    locale: str,
) -> None:
    for (market, key), reward in load_reference().rewards.items():
        assert reward.titles.get(locale), (market, key, locale)
        assert reward.descriptions.get(locale), (market, key, locale)


def test_every_market_speaks_shipped_languages_and_has_a_dealer() -> None:
    reference = load_reference()
    for code, market in reference.markets.items():
        assert set(market.languages) <= set(SHIPPED_LOCALES), code
        assert any(d.market == code for d in reference.dealers.values()), code


def test_vietnam_is_a_market_in_dong_on_saigon_time_speaking_vietnamese_first() -> None:
    vietnam = load_reference().markets["VN"]
    assert (vietnam.currency, vietnam.timezone, vietnam.languages) == (
        "VND",
        "Asia/Ho_Chi_Minh",
        ("vi", "en"),
    )
    assert (vietnam.distance_unit, vietnam.emergency_phone) == ("km", "115")
    assert vietnam.roadside_phone == "+84 24 7108 2870"


def test_malaysia_speaks_malay_first_then_english_and_chinese() -> None:
    assert load_reference().markets["MY"].languages == ("ms", "en", "zh_Hans")


def test_vietnamese_money_dates_and_numbers_are_written_as_in_vietnam() -> None:
    t = catalogs.translator("vi", "VN")
    assert t.money(3_000_000, "VND") == "3.000.000\xa0₫"  # the dong has no minor units
    assert t.number(1_234_567) == "1.234.567"
    assert t.date(date(2027, 3, 14)) == "14 thg 3, 2027"
    assert t.date(date(2027, 3, 14), "short") == "14/3/27"
    moment = datetime(2027, 3, 14, 2, 30, tzinfo=UTC)
    assert t.time(moment, "Asia/Ho_Chi_Minh") == "09:30"
    assert t.distance(12_500, "km") == "12.500 km"
    assert t.first_week_day == 0  # Monday
    assert [t.weekday_short(day) for day in range(7)] == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


def test_an_english_speaker_in_vietnam_sees_the_dong_sign() -> None:
    assert catalogs.translator("en", "VN").money(3_000_000, "VND") == "₫3,000,000"


def test_malay_money_dates_and_numbers_are_written_as_in_malaysia() -> None:
    t = catalogs.translator("ms", "MY")
    assert t.money(450_050, "MYR") == "RM4,500.50"
    assert t.number(1_234_567) == "1,234,567"
    assert t.date(date(2027, 3, 14)) == "14 Mac 2027"
    assert t.distance(12_500, "km") == "12,500 km"
    assert t.first_week_day == 0  # Monday
