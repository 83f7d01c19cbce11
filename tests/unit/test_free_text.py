"""One cleaning rule for what people write (bot/domain/text.py)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import clean_text, isolate
from handlers.types import Event, EventKind

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_nul_and_other_c0_controls_are_removed_but_newline_and_tab_stay() -> None:
    assert clean_text("Car\x00los\x07\x1b[31m\r\nline two\tend") == "Carlos[31m\nline two\tend"


def test_del_and_c1_controls_are_removed() -> None:
    assert clean_text("a\x7fb\x80c\x85d\x9fe") == "abcde"


def test_every_bidirectional_control_and_mark_is_removed() -> None:
    assert clean_text(f"Ali{BIDI_CONTROLS}ce") == "Alice"


def test_text_is_composed_so_one_name_is_stored_one_way() -> None:
    decomposed = "Jose\u0301 Mu\u0308ller"
    assert clean_text(decomposed) == "José Müller"
    assert clean_text(decomposed) == unicodedata.normalize("NFC", decomposed)


def test_a_control_between_a_letter_and_its_accent_does_not_keep_them_apart() -> None:
    assert clean_text("e\x00\u0301") == "é"


def test_scripts_emoji_and_joiners_people_use_are_kept() -> None:
    for text in ("สมชาย", "أحمد المنصوري", "陈伟", "Zoë 👩‍👩‍👧", "Ayşe"):
        assert clean_text(text) == text


def test_length_is_measured_after_cleaning() -> None:
    padded = "\u202e" * 500 + "Nok"
    assert len(clean_text(padded)) == 3


@given(st.text())
def test_cleaning_twice_changes_nothing_and_leaves_no_control(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    for ch in once:
        assert ch in "\n\t" or unicodedata.category(ch) != "Cc"
        assert ch not in BIDI_CONTROLS


def test_isolate_wraps_in_first_strong_isolate_and_pop_and_leaves_empty_alone() -> None:
    assert isolate("أحمد") == "\u2068أحمد\u2069"
    assert isolate("") == ""


def test_what_a_person_sends_reaches_the_flows_cleaned() -> None:
    event = Event(
        channel="console",
        update_id="1",
        user_id=1,
        chat_id=1,
        kind=EventKind.TEXT,
        text="Bob\x00 \u202eSmith",
        first_name="Bo\u2066b",
    )
    assert (event.text, event.first_name) == ("Bob Smith", "Bob")
