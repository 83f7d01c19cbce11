from __future__ import annotations

import pytest

from bot.domain.phone import PhoneError, PhoneProblem, display_phone, normalize_phone, region_of


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("081 234 5678", "TH", "+66812345678"),
        ("+66 81 234 5678", "TH", "+66812345678"),
        ("66812345678", None, "+66812345678"),  # Telegram contacts come without "+"
        ("050 123 4567", "AE", "+971501234567"),
        ("(11) 98765-4321", "BR", "+5511987654321"),
        ("07911 123456", "GB", "+447911123456"),
        ("0151 12345678", "DE", "+4915112345678"),
    ],
)
def test_local_and_international_numbers_become_e164(
    raw: str, region: str | None, expected: str
) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", PhoneProblem.EMPTY),
        ("call me", PhoneProblem.NOT_A_NUMBER),
        ("0812", PhoneProblem.INVALID),
    ],
)
def test_bad_numbers_are_named(raw: str, problem: PhoneProblem) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_phone(raw, "TH")
    assert caught.value.problem is problem


def test_a_foreign_number_is_refused_when_the_region_is_required() -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_phone("+447911123456", "TH", require_region=True)
    assert caught.value.problem is PhoneProblem.WRONG_REGION


def test_region_and_display() -> None:
    assert region_of("+971501234567") == "AE"
    assert display_phone("+66812345678") == "+66 81 234 5678"
