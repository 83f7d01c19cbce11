"""Reading the invoice amount an advisor types, with their locale's separators."""

from __future__ import annotations

import pytest
from babel import Locale

from handlers.booking_invoice import parse_amount


@pytest.mark.parametrize(
    ("text", "locale", "currency", "minor"),
    [
        ("4,500.50", "en", "THB", 450050),
        ("4500", "en", "THB", 450000),
        ("4.500,50 €", "de", "EUR", 450050),
        ("1 234,5", "ru", "KZT", 123450),
        ("٤٥٠٠", "ar", "AED", 450000),
        ("฿ 1,200", "th", "THB", 120000),
    ],
)
def test_amounts_are_read_in_minor_units(text: str, locale: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency, Locale.parse(locale)) == minor


@pytest.mark.parametrize("text", ["", "four hundred", "12.345", "-5"])
def test_what_is_not_an_amount_in_the_currency_is_refused(text: str) -> None:
    assert parse_amount(text, "THB", Locale.parse("en")) is None
