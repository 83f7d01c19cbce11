"""How the bot addresses an owner, and how staff see the name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.owners import Owner

NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("first", "last", "greeting", "full"),
    [
        ("Lukas", "Becker", "Lukas", "Lukas Becker"),
        ("สมชาย", "ใจดี", "สมชาย", "สมชาย ใจดี"),
        ("伟", "陈", "陈伟", "陈伟"),  # Chinese: the whole name, family name first
        ("Wei", "Chen", "Wei", "Wei Chen"),
        ("Aigerim", "", "Aigerim", "Aigerim"),
        ("", "", "—", ""),
    ],
)
def test_owners_are_addressed_as_their_language_would(
    first: str, last: str, greeting: str, full: str
) -> None:
    owner = Owner(market="TH", first_name=first, last_name=last, created_at=NOW)
    assert owner.display_name == greeting
    assert owner.full_name == full
