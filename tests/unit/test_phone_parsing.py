"""The faster parse and validity check give phonenumbers' own answers: on example
numbers of every type of every shipped market (and of regions sharing a country
code with one), on those numbers changed a digit at a time, and on random digits."""

from __future__ import annotations

import random
from collections.abc import Iterator

import phonenumbers
import pytest

from bot.data import load_reference
from bot.domain import phone, phone_parsing
from bot.domain.phone import PhoneError, normalize_phone
from bot.domain.phone_parsing import is_valid_number, parse_number

# Beside the markets: country codes several regions share, Italy's leading zero,
# numbers of no region (+800) and a code that is no country's.
OTHER_REGIONS = ("US", "CA", "RU", "IM", "JE", "VA", "SM", "IT", "CI", "AR", "MX")
NON_GEOGRAPHIC = ("+80012345678", "+882345678901", "+8708123456789", "+99912345678")


def regions() -> list[str]:
    markets = load_reference().markets.values()
    return sorted({m.phone_region for m in markets} | set(OTHER_REGIONS))


def numbers_of(region: str, rng: random.Random) -> Iterator[str]:
    cc = str(phonenumbers.country_code_for_region(region))
    for kind in phonenumbers.PhoneNumberType.values():
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        nsn = phonenumbers.national_significant_number(example)
        yield f"+{cc}{nsn}"
        yield f"+{cc}0{nsn}"  # the national prefix written after the country code
        yield f"+{cc}{nsn[:-1]}"
        yield f"+{cc}{nsn}0"
        yield f"+{cc}{nsn}12"
        yield from (f"+{cc}{d}{nsn[1:]}" for d in "0123456789")
        yield from (f"+{cc}{nsn[:2]}{d}{nsn[3:]}" for d in "0123456789")
        yield phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        yield phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        yield f"{cc}{nsn}"  # a Telegram contact: no "+"
    for _ in range(300):
        digits = "".join(rng.choices("0123456789", k=rng.randint(1, 16)))
        yield f"+{cc}{digits}"
        yield f"+{digits}"


def every_number() -> list[tuple[str, str]]:
    rng = random.Random(17)
    found = [(text, region) for region in regions() for text in numbers_of(region, rng)]
    return found + [(text, "TH") for text in NON_GEOGRAPHIC]


def phonenumbers_parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def fast_parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return parse_number(text, region)
    except phonenumbers.NumberParseException:
        return None


def test_parsing_gives_phonenumbers_own_numbers_and_failures() -> None:
    numbers = every_number()
    assert len(numbers) > 10_000
    for text, region in numbers:
        for asked in (region, "TH", None):
            assert fast_parse(text, asked) == phonenumbers_parse(text, asked), (text, asked)


def test_validity_is_phonenumbers_own_for_valid_and_invalid_numbers() -> None:
    parsed = [phonenumbers_parse(text, region) for text, region in every_number()]
    numbers = [n for n in parsed if n is not None]
    valid = [is_valid_number(n) for n in numbers]
    assert valid == [phonenumbers.is_valid_number(n) for n in numbers]
    assert 1_000 < sum(valid) < len(valid) - 1_000  # both kinds, many of each


def normalized(text: str, region: str | None, **required: bool) -> str:
    try:
        return normalize_phone(text, region, **required)
    except PhoneError as error:
        return str(error.problem)


def test_normalize_phone_answers_as_with_phonenumbers_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    numbers = every_number()
    options: tuple[dict[str, bool], ...] = ({}, {"require_region": True, "require_mobile": True})
    fast = [normalized(t, asked, **o) for t, r in numbers for asked in (r, None) for o in options]
    monkeypatch.setattr(phone, "parse_number", phonenumbers.parse)
    monkeypatch.setattr(phone, "is_valid_number", phonenumbers.is_valid_number)
    alone = [normalized(t, asked, **o) for t, r in numbers for asked in (r, None) for o in options]
    assert fast == alone
    assert len(set(fast)) > 1_000  # numbers, and every kind of problem


def test_the_fast_path_is_on_with_the_pinned_phonenumbers() -> None:
    # A phonenumbers release without one of its private helpers turns it off: this
    # says so, where the speed would otherwise drop without a word.
    assert phone_parsing.FAST_PATH
