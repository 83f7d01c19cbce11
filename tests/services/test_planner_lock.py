"""On SQLite too, two processes never plan at once: a lock file beside the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import App, build_app, job_deps
from bot.clock import FixedClock
from bot.config import Settings
from bot.scheduler.jobs import PLANNER, plan_job
from tests.conftest import NOW


async def test_a_second_process_on_the_same_sqlite_file_skips_planning(app: App) -> None:
    database = app.database.engine.url.database
    assert database is not None
    other = build_app(Settings(database_url=f"sqlite+aiosqlite:///{database}"), FixedClock(NOW))
    try:
        async with app.database.alone(PLANNER) as first:
            assert first is True
            assert await plan_job(job_deps(other)) is None
        assert await plan_job(job_deps(other)) is not None
        assert await asyncio.to_thread(Path(f"{database}.{PLANNER}.lock").exists)
    finally:
        await other.close()
