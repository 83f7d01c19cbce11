"""Dates, money and units as the people of each market write them (issue: every
rendered message correct)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.config import PROJECT_ROOT
from bot.i18n import Catalogs
from handlers.registration import parse_user_date

catalogs = Catalogs(PROJECT_ROOT / "locales", {"TH": 0, "KZ": 0})
DAY = date(2025, 3, 14)
MOMENT = datetime(2025, 3, 14, 6, 30, tzinfo=UTC)


def test_thai_dates_are_in_the_buddhist_era() -> None:
    th = catalogs.translator("th", "TH")
    assert th.date(DAY) == "14 มี.ค. 2568"
    assert th.date(DAY, "short") == "14/3/68"
    assert th.skeleton(MOMENT, "yMMMMEEEEd", "Asia/Bangkok") == "วันศุกร์ที่ 14 มีนาคม 2568"
    assert th.datetime(MOMENT, "Asia/Bangkok", "short") == "14/3/68 13:30"
    assert catalogs.translator("en", "TH").date(DAY) == "14 Mar 2025"  # English: Gregorian


def test_the_date_example_can_be_typed_back_in_every_market() -> None:
    today = date(2026, 11, 23)
    delivered = date(2024, 3, 14)
    for locale, market in [
        ("en", "GB"),
        ("en", "TH"),
        ("th", "TH"),
        ("es", "MX"),
        ("ru", "KZ"),
        ("de", "DE"),
        ("ar", "SA"),
        ("zh_Hans", "MY"),
        ("id", "ID"),
    ]:
        t = catalogs.translator(locale, market)
        example = t.date(delivered, "short")
        assert parse_user_date(example, str(t.locale), today) == delivered, (locale, market)
    assert parse_user_date("14/03/2024", "en_GB", today) == delivered


def test_the_full_weekday_is_full() -> None:
    def full(locale: str, market: str) -> str:
        return catalogs.translator(locale, market).skeleton(DAY, "yMMMMEEEEd")

    assert full("es", "MX") == "viernes, 14 de marzo de 2025"
    assert full("tr", "TR") == "14 Mart 2025 Cuma"
    assert full("ru", "KZ") == "пятница, 14 марта 2025\u202fг."
    assert full("id", "ID") == "Jumat, 14 Maret 2025"
    assert full("en", "GB") == "Friday, 14 March 2025"
    assert catalogs.translator("es", "MX").skeleton(DAY, "MMMEd") == "vie 14 de mar"


def test_money_uses_the_markets_symbol_in_any_language() -> None:
    assert catalogs.translator("zh_Hans", "TH").money(450050, "THB") == "฿4,500.50"
    assert catalogs.translator("en", "TH").money(450000, "THB") == "฿4,500"
    assert catalogs.translator("zh_Hans", "MY").money(450050, "MYR") == "RM4,500.50"
    assert catalogs.translator("en", "MY").money(450050, "MYR") == "RM4,500.50"
    # A symbol in a script the reader may not read stays the code.
    assert catalogs.translator("en", "SA").money(450050, "SAR") == "SAR4,500.50"


def test_durations_use_words_where_short_units_are_cryptic() -> None:
    assert catalogs.translator("id", "ID").duration(120) == "2 jam"
    assert catalogs.translator("id", "ID").duration(45) == "45 menit"
    assert catalogs.translator("ar", "SA").duration(45) == "45 دقيقة"
    assert catalogs.translator("ar", "SA").duration(120) == "ساعتان"
    assert catalogs.translator("de", "DE").duration(45) == "45 Min."


def test_thai_quiet_hours_say_the_hour_sign_once() -> None:
    th = catalogs.translator("th", "TH")
    assert th._("{start}–{end}", start=th.hour(8), end=th.hour(21)) == "08:00–21:00 น."


def test_zero_points_are_said_in_words_where_the_singular_reads_wrong() -> None:
    from handlers.points import points_text

    assert points_text(catalogs.translator("pt_BR", "BR"), 0) == "nenhum ponto"
    assert points_text(catalogs.translator("de", "DE"), 0) == "keine Punkte"
    assert points_text(catalogs.translator("en", "GB"), 0) == "no points"
    assert points_text(catalogs.translator("pt_BR", "BR"), 1) == "1 ponto"
