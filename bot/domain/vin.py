"""Vehicle identification numbers (ISO 3779)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

VIN_LENGTH = 17
_FORBIDDEN = frozenset("IOQ")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


class VinProblem(StrEnum):
    LENGTH = "length"
    FORBIDDEN_LETTER = "forbidden_letter"
    BAD_CHARACTER = "bad_character"
    CHECK_DIGIT = "check_digit"


@dataclass(frozen=True)
class VinError(Exception):
    problem: VinProblem
    length: int = 0
    character: str = ""


_DROPPED = str.maketrans("", "", " -\t")
_ALLOWED = frozenset(_TRANSLITERATION) - _FORBIDDEN


def clean_vin(raw: str) -> str:
    """Upper case without spaces or dashes, as people type VINs off a registration card."""
    return raw.upper().translate(_DROPPED)


def check_digit(vin: str) -> str:
    total = sum(_TRANSLITERATION[ch] * weight for ch, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_vin(raw: str, *, check_digit_required: bool) -> str:
    """The cleaned VIN, or VinError naming the first problem a person can fix."""
    vin = clean_vin(raw)
    if len(vin) != VIN_LENGTH:
        raise VinError(VinProblem.LENGTH, length=len(vin))
    if not _ALLOWED.issuperset(vin):  # name the first wrong character
        for ch in vin:
            if ch in _FORBIDDEN:
                raise VinError(VinProblem.FORBIDDEN_LETTER, character=ch)
            if ch not in _TRANSLITERATION:
                raise VinError(VinProblem.BAD_CHARACTER, character=ch)
    if check_digit_required and vin[8] != check_digit(vin):
        raise VinError(VinProblem.CHECK_DIGIT)
    return vin


def with_check_digit(vin17: str) -> str:
    """The same VIN with position 9 set to its check digit (demo data, tests)."""
    return vin17[:8] + check_digit(vin17) + vin17[9:]


def mask_vin(vin: str) -> str:
    return vin[:3] + "•" * 8 + vin[-6:]


def model_from_vin(vin: str, wmis: Collection[str], model_codes: Mapping[str, str]) -> str | None:
    """The model a VIN names, or None: the brand's world manufacturer identifier
    (positions 1-3) followed by a model's code at the start of the vehicle descriptor
    section (positions 4 on; `model_codes`: model -> code, from bot/data/models.toml)."""
    if vin[:3] not in wmis:
        return None
    descriptor = vin[3:9]
    found = [
        (len(code), model)
        for model, code in model_codes.items()
        if code and descriptor.startswith(code)
    ]
    return max(found)[1] if found else None
