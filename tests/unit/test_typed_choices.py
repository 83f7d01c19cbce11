"""Reading typed text as one of the offered choices (bot.domain.choices)."""

from __future__ import annotations

import pytest

from bot.domain.choices import Choice, Match, match_choice, normalise

MODELS = [
    Choice("S5", ("Aurora S5", "S5")),
    Choice("X7", ("Aurora X7", "X7")),
    Choice("E3", ("Aurora E3", "E3")),
]
CENTERS = [
    Choice("GB-LON-01", ("Aurora Park Royal London", "London")),
    Choice("GB-MAN-01", ("Aurora Trafford Park Manchester", "Manchester")),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Señor  ÉLAN! ", "senor elan"),
        ("✅ First service", "first service"),
        ("١٤\u200f/١٢", "14 12"),  # Arabic-Indic digits, a right-to-left mark
        ("๑๔", "14"),  # Thai digits
        ("İSTANBUL", "istanbul"),
        ("ıstanbul", "istanbul"),  # a dotless i typed on a Turkish keyboard
        ("أحمد", "احمد"),  # hamza seats fold
        ("عَرَبِيّ", "عربي"),  # vowel marks are dropped
        ("مـرحبا", "مرحبا"),  # so is the tatweel
        ("พรุ่งนี้", "พรุ่งนี้"),  # Thai vowels and tones are letters, kept
        ("Ｘ７", "x7"),  # full-width
        ("Straße", "strasse"),
    ],
)
def test_normalising_folds_case_accents_digits_and_decoration(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


def test_a_label_typed_in_any_case_is_that_choice() -> None:
    assert match_choice("aurora x7", MODELS) == Match("X7", ("X7",))


def test_a_label_inside_a_sentence_is_that_choice() -> None:
    assert match_choice("I'd like the X7, please", MODELS).value == "X7"


def test_the_start_of_a_word_of_a_label_names_it() -> None:
    assert match_choice("manch", CENTERS).value == "GB-MAN-01"


def test_text_fitting_several_choices_is_ambiguous_not_a_guess() -> None:
    match = match_choice("aurora", MODELS)
    assert match.value is None
    assert match.ambiguous
    assert set(match.candidates) == {"S5", "X7", "E3"}


def test_text_naming_nothing_matches_nothing() -> None:
    for typed in ("", "   ", "🚗", "7", "hello", "x"):
        assert match_choice(typed, MODELS) == Match(), typed


def test_a_label_inside_a_longer_word_is_not_named() -> None:
    choices = [Choice("no", ("No",)), Choice("yes", ("Yes",))]
    assert match_choice("I don't know", choices).value is None


def test_thai_has_no_spaces_so_a_label_inside_a_sentence_still_counts() -> None:
    services = [
        Choice("maintenance", ("บำรุงรักษาตามระยะ", "น้ำมันเครื่อง")),
        Choice("tyres", ("เปลี่ยนยาง",)),
    ]
    assert match_choice("อยากเปลี่ยนน้ำมันเครื่อง", services).value == "maintenance"


def test_the_longest_label_found_wins_over_a_shorter_one_inside_it() -> None:
    services = [Choice("first", ("First service",)), Choice("any", ("Service",))]
    assert match_choice("a first service please", services).value == "first"


def test_an_exact_label_wins_over_prefixes() -> None:
    choices = [Choice("a", ("Bangkok",)), Choice("b", ("Bangkok Noi",))]
    assert match_choice("bangkok", choices).value == "a"


def test_arabic_typed_without_vowel_marks_matches_a_marked_label() -> None:
    choices = [Choice("nodate", ("لا أتذكّر",)), Choice("other", ("إلغاء",))]
    assert match_choice("لا اتذكر", choices).value == "nodate"
