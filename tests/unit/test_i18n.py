from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.channels.opt_out import OPT_OUT_WORDS
from bot.config import PROJECT_ROOT
from bot.domain.typed_dates import RELATIVE_DAYS
from bot.i18n import (
    CATALOG_LOCALES,
    PENDING_LOCALES,
    SHIPPED_LOCALES,
    Catalogs,
    Html,
    locale_from_language_code,
    negotiate_locale,
)
from bot.i18n_check import PLURAL_FORMS

catalogs = Catalogs(PROJECT_ROOT / "locales")


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("pt-br", "pt_BR"),
        ("pt", "pt_BR"),
        ("zh-hans", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("en-US", "en"),
        ("es-MX", "es"),
        ("ar", "ar"),
        ("in", "id"),
        ("vi", "vi"),
        ("vi-VN", "vi"),
        ("ms", "ms"),
        ("ms-MY", "ms"),
        ("kk", "kk"),
        ("kk-KZ", "kk"),
        ("uz", "uz"),
        ("uz-Latn-UZ", "uz"),
        ("he", "he"),
        ("iw", "he"),
        ("ja", None),
        ("", None),
        (None, None),
    ],
)
def test_telegram_language_codes_map_to_shipped_locales(
    code: str | None, locale: str | None
) -> None:
    assert locale_from_language_code(code) == locale


def test_an_explicit_choice_beats_the_client_language() -> None:
    assert negotiate_locale("de", "th", ["en"]) == "de"


def test_the_client_language_beats_the_market_default() -> None:
    assert negotiate_locale(None, "th", ["ar"]) == "th"


def test_an_unshipped_client_language_falls_back_to_the_market_then_english() -> None:
    assert negotiate_locale(None, "xx", [None, "ru", "en"]) == "ru"
    assert negotiate_locale(None, "xx", []) == "en"


def test_placeholder_values_are_escaped_for_telegram_html() -> None:
    t = catalogs.translator("en")
    assert t._("Welcome back, {name}!", name="<b>Bob</b> & co") == (
        "Welcome back, &lt;b&gt;Bob&lt;/b&gt; &amp; co!"
    )
    assert t._("Welcome back, {name}!", name=Html("<b>Bob</b>")) == "Welcome back, <b>Bob</b>!"


def test_money_comes_from_minor_units_with_the_currency_digits() -> None:
    assert "1,234.56" in catalogs.translator("en").money(123456, "THB")
    assert catalogs.translator("th", "TH").money(123456, "THB") == "฿1,234.56"
    assert catalogs.translator("de", "DE").money(123456, "EUR") == "1.234,56\xa0€"
    assert catalogs.translator("id", "ID").money(150000, "IDR").startswith("Rp")


def test_the_market_picks_the_regional_symbols_and_date_style() -> None:
    assert "₸" in catalogs.translator("ru", "KZ").money(500000, "KZT")
    assert catalogs.translator("en", "GB").date(date(2027, 3, 14), "short") == "14/03/2027"
    assert catalogs.translator("en", "TH").date(date(2027, 3, 14), "short") == "14/03/2027"


def test_distances_follow_the_market_unit() -> None:
    assert catalogs.translator("en", "GB").distance(16093, "mi") == "10,000 mi"
    assert catalogs.translator("ru").distance(12500, "km") == "12\xa0500 км"
    assert catalogs.translator("zh_Hans").distance(12500, "km") == "12,500公里"


def test_dates_are_localized() -> None:
    assert catalogs.translator("de").date(date(2027, 3, 14)) == "14.03.2027"
    moment = datetime(2027, 3, 14, 2, 30, tzinfo=UTC)
    assert catalogs.translator("th").time(moment, "Asia/Bangkok") == "09:30"


def test_every_shipped_locale_loads() -> None:
    for locale in SHIPPED_LOCALES:
        assert catalogs.translator(locale).code == locale


def test_calendars_start_on_the_first_day_of_the_market() -> None:
    assert catalogs.translator("en", "TH").first_week_day == 6  # Sunday in Bangkok
    assert catalogs.translator("en", "GB").first_week_day == 0  # Monday in London
    assert catalogs.translator("de").first_week_day == 0


def test_arabic_is_right_to_left() -> None:
    assert catalogs.translator("ar").is_rtl


def test_thai_buddhist_era_dates_are_understood() -> None:
    from handlers.registration import parse_user_date

    today = date(2026, 11, 23)
    assert parse_user_date("14/3/2567", "th", today) == date(2024, 3, 14)
    assert parse_user_date("14/3/67", "th", today) == date(2024, 3, 14)
    assert parse_user_date("2024-03-14", "th", today) == date(2024, 3, 14)
    assert parse_user_date("14.03.2024", "de", today) == date(2024, 3, 14)
    assert parse_user_date("31/02/2024", "en", today) is None


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_durations_read_naturally_in_every_language(locale: str) -> None:
    t = catalogs.translator(locale)
    for minutes in (30, 45, 60, 75, 90, 120, 150, 240):
        text = t.duration(minutes)
        assert "duration-" not in text, (locale, minutes, text)  # a CLDR gap, not a word
    if locale in ("es", "pt_BR"):
        assert "1 horas" not in t.duration(60)


def test_the_english_catalog_is_filled_with_its_source_text(tmp_path: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    from bot.i18n_check import fill_source_catalog

    path = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    catalog = Catalog(locale="en")
    catalog.add("Hello, {name}!")
    catalog.add(("{n} point", "{n} points"), ("", ""))
    catalog.add("Kept as written", "Kept, as written")
    with path.open("wb") as fh:
        write_po(fh, catalog)
    assert fill_source_catalog(tmp_path) == 2
    with path.open("rb") as fh:
        filled = read_po(fh, locale="en")
    assert filled["Hello, {name}!"].string == "Hello, {name}!"
    assert filled["{n} point"].string == ("{n} point", "{n} points")
    assert filled["Kept as written"].string == "Kept, as written"
    assert fill_source_catalog(tmp_path) == 0


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_every_language_with_a_catalog_has_its_plural_forms_stop_words_and_day_words(
    locale: str,
) -> None:
    assert (PROJECT_ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").exists()
    assert len(PLURAL_FORMS[locale]) == len(set(PLURAL_FORMS[locale])) >= 1
    assert len(OPT_OUT_WORDS[locale]) >= 2
    assert {0, 1, 2} <= {offset for _, offset in RELATIVE_DAYS[locale.split("_")[0]]}


def test_a_pending_language_is_served_to_nobody_until_it_ships() -> None:
    for locale in PENDING_LOCALES:
        assert locale not in SHIPPED_LOCALES
        assert locale_from_language_code(locale) is None
    assert negotiate_locale(None, "iw", ["en"]) == ("he" if "he" in SHIPPED_LOCALES else "en")


def test_uzbek_in_cyrillic_script_is_not_served_the_latin_catalog() -> None:
    assert locale_from_language_code("uz-Cyrl") is None
    assert locale_from_language_code("uz-Cyrl-UZ") is None


def test_a_kazakh_speaker_in_kazakhstan_is_served_kazakh_not_the_market_default() -> None:
    assert negotiate_locale(None, "kk", ["ru", "kk", "en"]) == "kk"
