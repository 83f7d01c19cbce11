"""The incremental planner on PostgreSQL, where the change triggers are statement-level
(transition tables): random histories on twin databases, one planned incrementally and
one from scratch, compared after every run."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from bench.scratch_pg import admin_sql
from bot.app import App, build_app, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from tests.care_history import CLOCK_ONLY, play
from tests.conftest import NOW
from tests.pg.conftest import PG_URL


@pytest.fixture
async def pg_twins(pg_database_url: str) -> AsyncIterator[tuple[App, App]]:
    names = [f"ownerbot_twin_{secrets.token_hex(3)}" for _ in range(2)]
    urls = [make_url(PG_URL).set(database=n).render_as_string(hide_password=False) for n in names]
    await admin_sql(PG_URL, f'CREATE DATABASE "{names[0]}"')
    seeding = build_app(Settings(database_url=urls[0]), FixedClock(NOW))
    await prepare_database(seeding, seed_demo_if_empty=True)
    await seeding.close()
    await admin_sql(PG_URL, f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')
    apps = [
        build_app(Settings(database_url=url, care_scheduler=False), FixedClock(NOW)) for url in urls
    ]
    try:
        yield apps[0], apps[1]
    finally:
        for app in apps:
            await app.close()
        for name in names:
            await admin_sql(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_on_postgresql_what_the_clock_alone_brings_in_is_planned_as_from_scratch(
    pg_twins: tuple[App, App],
) -> None:
    incremental, scratch = pg_twins
    await play(
        incremental, scratch, 7, rounds=len(CLOCK_ONLY), start=NOW, burst=80, steps=CLOCK_ONLY
    )


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(50, 54))
async def test_on_postgresql_many_random_histories_plan_as_from_scratch(
    pg_twins: tuple[App, App], seed: int
) -> None:
    incremental, scratch = pg_twins
    await play(incremental, scratch, seed, rounds=20, start=NOW, burst=30 if seed % 2 else 0)
