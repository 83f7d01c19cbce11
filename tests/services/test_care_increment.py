"""The incremental planner plans exactly what planning from scratch would, on SQLite:
random histories of changes and clock steps, compared after every run."""

from __future__ import annotations

import asyncio
import functools
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.care import Rule
from bot.services import care_increment
from tests.care_history import CLOCK_ONLY, outbox_keys, play
from tests.conftest import NOW, sqlite_url


@pytest.fixture
async def twins(tmp_path: Path, seeded_template: Path) -> AsyncIterator[tuple[App, App]]:
    apps = []
    for name in ("incremental", "scratch"):
        path = tmp_path / f"{name}.db"
        await asyncio.to_thread(shutil.copy, seeded_template, path)
        apps.append(
            build_app(
                Settings(database_url=sqlite_url(path), care_scheduler=False), FixedClock(NOW)
            )
        )
    yield apps[0], apps[1]
    for app in apps:
        await app.close()


@pytest.mark.slow
async def test_incremental_runs_plan_what_planning_from_scratch_plans(
    twins: tuple[App, App],
) -> None:
    incremental, scratch = twins
    planned = await play(incremental, scratch, 1, rounds=8, start=NOW)
    assert planned > 0


async def test_owners_the_clock_alone_brings_into_a_window_are_planned_as_from_scratch(
    twins: tuple[App, App],
) -> None:
    incremental, scratch = twins
    await play(
        incremental, scratch, 5, rounds=len(CLOCK_ONLY), start=NOW, burst=80, steps=CLOCK_ONLY
    )


async def test_across_a_new_year_and_a_leap_day_the_plans_stay_the_same(
    twins: tuple[App, App],
) -> None:
    incremental, scratch = twins
    await play(incremental, scratch, 11, rounds=4, start=datetime(2027, 12, 30, 8, 0, tzinfo=UTC))
    await play(incremental, scratch, 12, rounds=4, start=datetime(2028, 2, 27, 8, 0, tzinfo=UTC))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20, 30))
async def test_many_random_histories_plan_the_same_as_from_scratch(
    twins: tuple[App, App], seed: int
) -> None:
    incremental, scratch = twins
    await play(incremental, scratch, seed, rounds=25, start=NOW, burst=30 if seed % 2 else 0)


async def test_a_second_run_with_nothing_changed_runs_only_the_club_event_statements(
    twins: tuple[App, App],
) -> None:
    incremental, _ = twins
    first = await care_increment.plan_changes(incremental.database.uow, incremental.reference, NOW)
    again = await care_increment.plan_changes(incremental.database.uow, incremental.reference, NOW)
    assert first.total > 0
    assert again.total == 0
    # Seats at club events are few: those two statements run whole every time.
    assert set(again.planned) == {Rule.EVENT_REMINDER, Rule.EVENT_SURVEY}


async def test_a_change_by_plain_sql_is_planned_on_the_next_run(twins: tuple[App, App]) -> None:
    from sqlalchemy import select, update

    from storage import tables

    incremental, _ = twins
    await care_increment.plan_changes(incremental.database.uow, incremental.reference, NOW)
    before = await outbox_keys(incremental)
    o = tables.owners.c
    linked = select(tables.accounts.c.owner_id).where(tables.accounts.c.owner_id.is_not(None))
    async with incremental.database.engine.begin() as connection:
        changed = set(
            (
                await connection.scalars(
                    update(tables.owners)
                    .where(o.id.in_(linked), o.market == "TH", o.consent_marketing.is_(True))
                    .values(birthday=NOW.date().replace(year=1980))
                    .returning(o.id)
                )
            ).all()
        )
    report = await care_increment.plan_changes(incremental.database.uow, incremental.reference, NOW)
    added = await outbox_keys(incremental) - before
    assert changed
    assert report.total == len(added) >= 1
    assert {key[0] for key in added} <= changed
    assert {key[1] for key in added} == {"birthday"}


async def test_planning_jobs_run_at_most_so_many_at_once_and_each_runs_once() -> None:
    running, most, done = 0, 0, []

    async def job(n: int) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001 * (n % 3))
        running -= 1
        done.append(n)

    jobs = [functools.partial(job, n) for n in range(12)]
    await care_increment._run_together(jobs, 2)
    assert sorted(done) == list(range(12))
    assert most == 2


async def test_a_failing_planning_job_stops_the_run_and_its_error_reaches_the_caller() -> None:
    started = []

    async def job(n: int) -> None:
        started.append(n)
        await asyncio.sleep(0)
        if n == 1:
            raise RuntimeError("statement failed")
        await asyncio.sleep(0.05)

    jobs = [functools.partial(job, n) for n in range(10)]
    with pytest.raises(RuntimeError, match="statement failed"):
        await care_increment._run_together(jobs, 2)
    assert len(started) < 10  # the rest never ran
