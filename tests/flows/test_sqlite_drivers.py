"""SQLite runs its statements on the event loop by default (storage/sqlite_inline.py);
OWNERBOT_SQLITE_INLINE=false hands them to aiosqlite's thread. Both must hold the same
guarantees, so the booking race runs on both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import build_app
from bot.clock import FixedClock
from bot.config import Settings
from tests.booking_scenarios import check_race, race_for_the_last_free_slot
from tests.conftest import NOW, sqlite_url


def test_sqlite_statements_run_inline_unless_configured_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_url(tmp_path / "x.db")
    assert build_app(Settings(database_url=url)).database.engine.dialect.driver == (
        "ownerbot_inline"
    )
    monkeypatch.setenv("OWNERBOT_SQLITE_INLINE", "false")
    assert build_app(Settings(database_url=url)).database.engine.dialect.driver == "aiosqlite"


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "aiosqlite thread"])
async def test_owners_racing_for_the_last_slot_book_it_once_on_either_sqlite_driver(
    tmp_path: Path, seeded_template: Path, inline: bool
) -> None:
    path = tmp_path / "ownerbot.db"
    shutil.copy(seeded_template, path)
    settings = Settings(database_url=sqlite_url(path), care_scheduler=False, sqlite_inline=inline)
    app = build_app(settings, FixedClock(NOW))
    try:
        check_race(await race_for_the_last_free_slot(app, racers=20))
    finally:
        await app.close()
