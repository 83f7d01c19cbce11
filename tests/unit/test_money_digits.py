"""Prices without minor units where people don't use them (฿4,500, Rp500.000, 65 000 ₸),
and with them where they do (£229.00, R$ 890,00); an amount that has minor units keeps
them everywhere."""

from __future__ import annotations

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.data import load_reference
from bot.i18n import Catalogs


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return build_app(Settings(database_url="sqlite+aiosqlite:///:memory:")).catalogs


@pytest.mark.parametrize(
    ("locale", "market", "minor", "currency", "shown"),
    [
        ("th", "TH", 450000, "THB", "฿4,500"),
        ("th", "TH", 450050, "THB", "฿4,500.50"),
        ("id", "ID", 50000000, "IDR", "Rp500.000"),
        ("id", "ID", 50000050, "IDR", "Rp500.000,50"),
        ("ru", "KZ", 6500000, "KZT", "65\xa0000\xa0₸"),
        ("kk", "KZ", 6500000, "KZT", "65\xa0000\xa0₸"),
        ("uz", "UZ", 190000000, "UZS", "1\xa0900\xa0000\xa0soʻm"),
        ("he", "IL", 95000, "ILS", "\u200f950\xa0\u200f₪"),
        ("he", "IL", 94990, "ILS", "\u200f949.90\xa0\u200f₪"),
        ("en", "GB", 22900, "GBP", "£229.00"),
        ("pt_BR", "BR", 89000, "BRL", "R$\xa0890,00"),
        ("de", "DE", 29900, "EUR", "299,00\xa0€"),
    ],
)
def test_whole_prices_drop_minor_units_only_where_people_do(
    catalogs: Catalogs, locale: str, market: str, minor: int, currency: str, shown: str
) -> None:
    assert catalogs.translator(locale, market).money(minor, currency) == shown


def test_the_markets_that_price_without_minor_units_say_so_in_their_data() -> None:
    markets = load_reference().markets
    assert {code for code, m in markets.items() if m.cash_digits == 0} == {"TH", "KZ", "UZ", "IL"}


def test_an_arabic_reader_in_thailand_still_reads_whole_baht(catalogs: Catalogs) -> None:
    shown = catalogs.translator("ar", "TH").money(450000, "THB")
    assert "4,500" in shown or "٤٬٥٠٠" in shown
    assert ".00" not in shown
    assert "٫٠٠" not in shown
