"""Only one care planner at a time, whatever the number of workers: a PostgreSQL
advisory lock held by the planning process, released when it finishes or dies."""

from __future__ import annotations

import asyncio
import sys

from bot.app import App, build_app, job_deps
from bot.clock import FixedClock
from bot.config import Settings
from bot.scheduler.jobs import PLANNER, plan_job
from tests.conftest import NOW


async def test_a_second_worker_skips_planning_while_the_first_plans(
    pg_app: App, pg_database_url: str
) -> None:
    other = build_app(Settings(database_url=pg_database_url), FixedClock(NOW))
    try:
        async with pg_app.database.alone(PLANNER) as first:
            assert first is True
            assert await plan_job(job_deps(other)) is None
        report = await plan_job(job_deps(other))
        assert report is not None
        async with pg_app.database.uow() as uow:
            assert await uow.outbox.pending_count() == report.total > 0
    finally:
        await other.close()


async def test_planners_released_together_on_two_workers_plan_each_message_once(
    pg_app: App, pg_database_url: str
) -> None:
    workers = [pg_app] + [
        build_app(Settings(database_url=pg_database_url), FixedClock(NOW)) for _ in range(3)
    ]
    try:
        start = asyncio.Event()

        async def worker(app: App) -> int | None:
            await start.wait()
            report = await plan_job(job_deps(app))
            return None if report is None else report.total

        runs = [asyncio.create_task(worker(app)) for app in workers]
        await asyncio.sleep(0.05)
        start.set()
        totals = await asyncio.gather(*runs)
        ran = [t for t in totals if t is not None]
        async with pg_app.database.uow() as uow:
            queued = await uow.outbox.pending_count()
        assert len(ran) >= 1
        assert sum(ran) == queued > 0  # whoever ran, nothing was planned twice
    finally:
        for app in workers[1:]:
            await app.close()


HOLD_THE_LOCK = """
import asyncio, sys
from bot.app import build_app
from bot.config import Settings
from bot.scheduler.jobs import PLANNER

async def main():
    app = build_app(Settings(database_url=sys.argv[1]))
    async with app.database.alone(PLANNER) as alone:
        print("held" if alone else "refused", flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""


async def test_a_planner_killed_mid_plan_frees_the_lock_for_the_others(
    pg_app: App, pg_database_url: str
) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD_THE_LOCK, pg_database_url, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 60) == b"held\n"
        assert await plan_job(job_deps(pg_app)) is None
    finally:
        holder.kill()  # SIGKILL: no unlock, the connection just drops
        await holder.wait()
    for _ in range(50):  # the server notices the dropped connection at once, or nearly
        if await plan_job(job_deps(pg_app)) is not None:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the lock outlived the process that held it")
