"""SQLite runs its statements on the event loop by default (storage/sqlite_inline.py);
OWNERBOT_SQLITE_INLINE=false hands them to aiosqlite's thread. Both must hold the same
guarantees, so the booking race runs on both. Inline, a wait for another process's
write lock must not stop the event loop."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy.util.concurrency import greenlet_spawn

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from storage.sqlite_inline import begin_immediate
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


async def test_while_another_process_holds_the_write_lock_the_bot_keeps_running(app: App) -> None:
    other = sqlite3.connect(str(app.database.engine.url.database), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # an import in another process, say
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    # Only a loop that is not stuck in SQLite's busy handler can run this.
    release = asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")
    ticking = asyncio.create_task(ticker())
    started = time.monotonic()
    try:
        async with app.database.uow() as uow:
            assert await uow.updates.first_time("test", "lock-1", NOW)
            await uow.commit()
        waited = time.monotonic() - started
    finally:
        ticking.cancel()
        release.cancel()
        other.close()
    assert waited >= 0.29
    assert ticks >= 3, "the event loop ran on while the transaction waited for the lock"


async def test_a_write_lock_held_too_long_ends_in_an_error_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, isolation_level=None, timeout=0.001)
    started = time.monotonic()
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await greenlet_spawn(begin_immediate, waiter, 0.2)
        assert 0.1 <= time.monotonic() - started < 2
    finally:
        holder.close()
        waiter.close()
