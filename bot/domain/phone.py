"""Phone numbers in E.164, validated for a market's region."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from bot.domain.phone_parsing import is_valid_number, parse_number


class PhoneProblem(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    INVALID = "invalid"
    WRONG_REGION = "wrong_region"
    LANDLINE = "landline"  # a fixed line where a mobile number was asked for


@dataclass(frozen=True)
class PhoneError(Exception):
    problem: PhoneProblem


def normalize_phone(
    raw: str, region: str | None, *, require_region: bool = False, require_mobile: bool = False
) -> str:
    """E.164 for `raw`, read as a local number of `region` unless it has a country code.

    Telegram contacts arrive without the leading "+" ("66812345678"): with no region the
    digits are read as international. `require_mobile` refuses the numbers the numbering
    plan knows are fixed lines; where it can't tell (FIXED_LINE_OR_MOBILE: the US,
    Mexico) the number is taken.
    """
    text = raw.strip()
    if not text:
        raise PhoneError(PhoneProblem.EMPTY)
    if region is None and not text.startswith("+"):
        text = "+" + text.lstrip("0")
    try:
        number = parse_number(text, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(PhoneProblem.NOT_A_NUMBER) from exc
    if not is_valid_number(number):
        raise PhoneError(PhoneProblem.INVALID)
    if require_region and region and phonenumbers.region_code_for_number(number) != region:
        raise PhoneError(PhoneProblem.WRONG_REGION)
    if (
        require_mobile
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE
    ):
        raise PhoneError(PhoneProblem.LANDLINE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def display_phone(e164: str) -> str:
    """International format for showing a number back to its owner."""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def example_phone(region: str) -> str:
    """A made-up mobile number as people write it locally ("081 234 5678"), for hints."""
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def example_international_phone(region: str) -> str:
    """The same made-up number with its country code ("+66 81 234 5678"): what to type
    where the reader's country is not known yet."""
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
