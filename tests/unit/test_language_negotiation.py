"""Which catalog a Telegram client's language tag gets, for the tags seen in the wild.

Languages not shipped yet are asserted through SHIPPED_LOCALES: today they fall back,
and the day their catalog ships the same test expects them to be served."""

from __future__ import annotations

import pytest

from bot.i18n import SHIPPED_LOCALES, SOURCE_LOCALE, locale_from_language_code, negotiate_locale


def shipped_or_none(locale: str) -> str | None:
    return locale if locale in SHIPPED_LOCALES else None


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("pt-br", "pt_BR"),
        ("pt-BR", "pt_BR"),
        ("pt-PT", "pt_BR"),  # the only Portuguese we ship; readers read it well
        ("zh-hans", "zh_Hans"),
        ("zh-Hans-CN", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("es-419", "es"),
        ("es-MX", "es"),
        ("ar-SA", "ar"),
        ("en-US", "en"),
        ("in", "id"),  # the pre-1989 code for Indonesian
    ],
)
def test_shipped_languages_are_served_whatever_the_region(tag: str, locale: str) -> None:
    assert locale_from_language_code(tag) == locale


@pytest.mark.parametrize("tag", ["zh-hant", "zh-Hant-TW", "zh-TW", "zh-HK", "zh-MO"])
def test_traditional_chinese_is_not_served_simplified(tag: str) -> None:
    assert locale_from_language_code(tag) == shipped_or_none("zh_Hant")


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("he", "he"),
        ("iw", "he"),  # the pre-1989 code for Hebrew, still sent by old Android clients
        ("he-IL", "he"),
        ("kk", "kk"),
        ("uz", "uz"),
        ("uz-Latn", "uz"),
        ("vi", "vi"),
        ("ms", "ms"),
        ("ms-MY", "ms"),
        ("fr-CA", "fr"),
        ("it", "it"),
        ("pl", "pl"),
    ],
)
def test_languages_are_served_once_shipped_and_fall_back_until_then(tag: str, locale: str) -> None:
    assert locale_from_language_code(tag) == shipped_or_none(locale)


def test_uzbek_in_cyrillic_is_not_served_the_latin_catalog() -> None:
    assert locale_from_language_code("uz-Cyrl") == shipped_or_none("uz_Cyrl")


@pytest.mark.parametrize("tag", ["xx", "tlh", "x-klingon", "zz-ZZ", "!!", "  ", "", None])
def test_unknown_tags_are_served_nothing(tag: str | None) -> None:
    assert locale_from_language_code(tag) is None


def test_an_unshipped_language_in_kazakhstan_falls_back_to_russian() -> None:
    expected = "kk" if "kk" in SHIPPED_LOCALES else "ru"
    assert negotiate_locale(None, "kk", [None, "ru", "en"]) == expected


def test_traditional_chinese_in_malaysia_falls_back_to_the_market_languages() -> None:
    expected = shipped_or_none("zh_Hant") or "en"
    assert negotiate_locale(None, "zh-TW", [None, "en", "zh_Hans"]) == expected


def test_an_unknown_language_without_a_market_gets_english() -> None:
    assert negotiate_locale(None, "xx", []) == SOURCE_LOCALE


def test_simplified_chinese_stays_an_explicit_choice() -> None:
    assert negotiate_locale("zh_Hans", "zh-TW", ["en"]) == "zh_Hans"
