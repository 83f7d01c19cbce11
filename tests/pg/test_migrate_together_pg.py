"""Workers started together on an empty PostgreSQL database migrate it once, in turn."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bench.scratch_pg import scratch_database
from storage.db import create_engine
from storage.migrate import is_up_to_date, upgrade
from tests.pg.conftest import PG_URL


@pytest.mark.skipif(not PG_URL, reason="OWNERBOT_TEST_PG_URL is not set")
async def test_four_workers_starting_at_once_migrate_an_empty_database_without_error() -> None:
    async with scratch_database(PG_URL) as url:
        engines = [create_engine(url) for _ in range(4)]
        try:
            # Without the lock, two of them deadlock on the DDL or collide on alembic_version.
            await asyncio.wait_for(asyncio.gather(*(upgrade(engine) for engine in engines)), 90)
            assert await is_up_to_date(engines[0])
            async with engines[0].connect() as connection:
                versions = await connection.scalar(text("SELECT count(*) FROM alembic_version"))
            assert versions == 1
        finally:
            for engine in engines:
                await engine.dispose()
