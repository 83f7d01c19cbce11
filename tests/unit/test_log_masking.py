"""Personal data never reaches a log line whole: phone numbers as people write them in
each market, VINs in any case, e-mail addresses."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import configure_logging, mask_personal_data


def test_an_international_number_keeps_only_its_last_two_digits() -> None:
    assert mask_personal_data("contact +66812345678 shared") == "contact +*********78 shared"


def test_a_number_written_with_dots_is_masked() -> None:
    assert mask_personal_data("typed 081.234.5678") == "typed ********78"


def test_the_area_code_in_parentheses_is_masked_too() -> None:
    assert mask_personal_data("typed (081) 234-5678.") == "typed ********78."


def test_a_lower_case_vin_is_masked_like_an_upper_case_one() -> None:
    assert mask_personal_data("vin laus5aaa1sc100001 / LAUS5AAA1SC100001") == (
        "vin lau**********0001 / LAU**********0001"
    )


@pytest.mark.parametrize(
    ("market", "written"),
    [
        ("GB", "07911 123456"),
        ("GB", "+44 7911 123456"),
        ("DE", "0151 12345678"),
        ("DE", "+49 (0)151 1234 5678"),
        ("BR", "(11) 98765-4321"),
        ("MX", "55 8765 4321"),
        ("AE", "050 123 4567"),
        ("TR", "0532 123 45 67"),
        ("ID", "0812-3456-7890"),
        ("KZ", "8 (701) 123-45-67"),
        ("MY", "012-345 6789"),
        ("SA", "+966 50 123 4567"),
    ],
)
def test_numbers_as_each_market_writes_them_leave_two_digits(market: str, written: str) -> None:
    masked = mask_personal_data(f"owner typed {written} as their number")
    digits = [c for c in written if c.isdigit()]
    assert masked.startswith("owner typed ")
    assert masked.endswith(" as their number")
    kept = [c for c in masked if c.isdigit()]
    assert kept == digits[-2:], (market, masked)


def test_text_without_personal_data_is_left_alone() -> None:
    line = "update console:42 handled in 12 ms; booking #1234 confirmed"
    assert mask_personal_data(line) == line


def test_an_e_mail_address_keeps_its_first_letter_and_domain() -> None:
    assert mask_personal_data("from nok.s@example.co.th") == "from n***@example.co.th"


def test_the_log_handler_masks_messages_and_their_arguments() -> None:
    configure_logging("INFO")
    handler = logging.getLogger().handlers[0]
    out = io.StringIO()
    handler.setStream(out)  # type: ignore[attr-defined]
    logging.getLogger("test").warning("owner %s typed %s", "laus5aaa1sc100001", "(081) 234-5678")
    assert "lau**********0001" in out.getvalue()
    assert "(081)" not in out.getvalue()
    assert "********78" in out.getvalue()
