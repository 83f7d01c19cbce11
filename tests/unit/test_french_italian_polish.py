"""French, Italian and Polish: plural forms as CLDR defines them for whole numbers, and
France's, Italy's and Poland's money, dates and distances as people there write them;
each market with its language first, 112, dealers in its own zone and a demo owner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.data import load_reference
from bot.demo.data import DEMO_ADVISORS, DEMO_OWNERS
from bot.i18n import SHIPPED_LOCALES, Catalogs

NNBSP = "\u202f"  # CLDR's group separator in French and Polish
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(Path(PROJECT_ROOT / "locales"))


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "fr",
            [
                "0 point",
                "1 point",
                "2 points",
                "5 points",
                "22 points",
                f"1{NNBSP}000{NNBSP}000 de points",
            ],
        ),
        ("it", ["0 punti", "1 punto", "2 punti", "5 punti", "22 punti", "1.000.000 di punti"]),
        (
            "pl",
            [
                "0 punktów",
                "1 punkt",
                "2 punkty",
                "5 punktów",
                "22 punkty",
                f"1{NBSP}000{NBSP}000 punktów",
            ],
        ),
    ],
)
def test_a_count_of_points_takes_the_cldr_plural_form(
    catalogs: Catalogs, locale: str, expected: list[str]
) -> None:
    t = catalogs.translator(locale)
    counts = [0, 1, 2, 5, 22, 1_000_000]
    assert [t.ngettext("{n} point", "{n} points", n) for n in counts] == expected


@pytest.mark.parametrize(
    ("locale", "market", "currency", "money", "date", "distance"),
    [
        ("fr", "FR", "EUR", f"4{NNBSP}500,50{NBSP}€", "14 mars 2027", f"12{NNBSP}500{NNBSP}km"),
        ("it", "IT", "EUR", f"4.500,50{NBSP}€", "14 mar 2027", "12.500 km"),
        ("pl", "PL", "PLN", f"4{NBSP}500,50{NBSP}zł", "14 mar 2027", f"12{NBSP}500 km"),
    ],
)
def test_money_dates_and_distances_are_written_as_in_the_market(
    catalogs: Catalogs,
    locale: str,
    market: str,
    currency: str,
    money: str,
    date: str,
    distance: str,
) -> None:
    t = catalogs.translator(locale, market)
    assert load_reference().markets[market].currency == currency
    assert t.money(450050, currency) == money
    assert t.date(dt.date(2027, 3, 14)) == date
    assert t.distance(12500, "km") == distance


@pytest.mark.parametrize(
    ("market", "locale", "zone"),
    [("FR", "fr", "Europe/Paris"), ("IT", "it", "Europe/Rome"), ("PL", "pl", "Europe/Warsaw")],
)
def test_each_market_speaks_its_language_first_and_has_dealers_advisors_and_a_demo_owner(
    market: str, locale: str, zone: str
) -> None:
    reference = load_reference()
    info = reference.markets[market]
    assert (info.languages, info.timezone, info.emergency_phone) == ((locale, "en"), zone, "112")
    assert locale in SHIPPED_LOCALES
    dealers = [d for d in reference.dealers.values() if d.market == market]
    assert len(dealers) == 2
    assert {d.timezone for d in dealers} == {zone}
    assert all(d.code in DEMO_ADVISORS for d in dealers)
    owners = [
        (p.language, p.dealer in {d.code for d in dealers})
        for p in DEMO_OWNERS
        if p.market == market
    ]
    assert owners == [(locale, True)]


def test_the_typed_day_example_is_a_word_the_parser_reads(catalogs: Catalogs) -> None:
    from bot.domain.typed_dates import RELATIVE_DAYS

    for locale in ("fr", "it", "pl"):
        word = catalogs.translator(locale).pgettext("typed example", "tomorrow")
        assert (word, 1) in RELATIVE_DAYS[locale]
