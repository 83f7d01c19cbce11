"""docs/glossary.md says what the code declares."""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from handlers.glossary import render


def test_the_glossary_of_codes_and_steps_matches_the_code() -> None:
    written = (PROJECT_ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert written == render(), "docs/glossary.md is out of date: run `make docs`"


def test_every_button_code_in_the_glossary_has_a_handler() -> None:
    assert "not routed" not in render()
