from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.vin import (
    VinError,
    VinProblem,
    check_digit,
    clean_vin,
    mask_vin,
    validate_vin,
    with_check_digit,
)

VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
vins = st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17)


def test_a_known_north_american_vin_has_a_valid_check_digit() -> None:
    assert check_digit("1M8GDM9AXKP042788") == "X"
    assert validate_vin("1M8GDM9AXKP042788", check_digit_required=True) == "1M8GDM9AXKP042788"


def test_spaces_dashes_and_lower_case_are_cleaned() -> None:
    assert clean_vin(" 1m8gdm9a-xkp 042788 ") == "1M8GDM9AXKP042788"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("1M8GDM9AXKP04278", VinProblem.LENGTH),
        ("1M8GDM9AXKP0427888", VinProblem.LENGTH),
        ("1M8GDM9AXKPO42788", VinProblem.FORBIDDEN_LETTER),
        ("1M8GDM9AXKP04278Ä", VinProblem.BAD_CHARACTER),
        ("1M8GDM9A1KP042788", VinProblem.CHECK_DIGIT),
    ],
)
def test_each_kind_of_typo_is_named(raw: str, problem: VinProblem) -> None:
    with pytest.raises(VinError) as caught:
        validate_vin(raw, check_digit_required=True)
    assert caught.value.problem is problem


def test_markets_without_check_digits_accept_any_ninth_character() -> None:
    assert validate_vin("LAUX7AAA5SC000777", check_digit_required=False)


@given(vins)
def test_a_vin_with_its_check_digit_always_validates(vin: str) -> None:
    fixed = with_check_digit(vin)
    assert validate_vin(fixed, check_digit_required=True) == fixed


@given(vins, st.integers(min_value=0, max_value=16), st.sampled_from(VIN_ALPHABET))
def test_changing_one_character_breaks_the_check_digit_or_changes_nothing(
    vin: str, position: int, replacement: str
) -> None:
    fixed = with_check_digit(vin)
    typo = fixed[:position] + replacement + fixed[position + 1 :]
    if typo == fixed or position == 8:
        return
    if check_digit(typo) == fixed[8]:
        return  # a substitution with the same weighted value modulo 11 is undetectable
    with pytest.raises(VinError) as caught:
        validate_vin(typo, check_digit_required=True)
    assert caught.value.problem is VinProblem.CHECK_DIGIT


def test_masking_keeps_the_maker_and_the_serial_tail() -> None:
    assert mask_vin("LAUX7AAA1SC000001") == "LAU••••••••000001"


def test_the_vin_names_the_model_after_the_brands_manufacturer_code() -> None:
    from bot.domain.vin import model_from_vin

    codes = {"S5": "S5", "X7": "X7"}
    assert model_from_vin("LAUX7AAA1SC000001", ("LAU", "LA9"), codes) == "X7"
    assert model_from_vin("LA9S5AAA1SC000001", ("LAU", "LA9"), codes) == "S5"
    assert model_from_vin("LAUZZAAA1SC000001", ("LAU", "LA9"), codes) is None, "unknown code"
    assert model_from_vin("WVWX7AAA1SC000001", ("LAU", "LA9"), codes) is None, "another brand"
