"""PostgreSQL suites: run when OWNERBOT_TEST_PG_URL reaches a server, skip otherwise.

Each test session gets its own database, created and dropped here, so parallel
workers and CI runs never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.scratch_pg import admin_sql
from bot.app import App, build_app, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from tests.conftest import NOW

PG_URL = os.environ.get("OWNERBOT_TEST_PG_URL", "")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/pg/" in str(item.fspath):
            item.add_marker(pytest.mark.pg)


async def _admin(sql: str) -> None:
    await admin_sql(PG_URL, sql)


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip(
            "OWNERBOT_TEST_PG_URL is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
        )
    name = f"ownerbot_{secrets.token_hex(4)}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except OSError as error:
        pytest.skip(f"PostgreSQL at OWNERBOT_TEST_PG_URL is unreachable: {error}")
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def pg_app(pg_database_url: str) -> AsyncIterator[App]:
    app = build_app(Settings(database_url=pg_database_url), FixedClock(NOW))
    await prepare_database(app, seed_demo_if_empty=True)
    yield app
    async with app.database.engine.begin() as connection:
        tables = (
            await connection.execute(
                text(
                    "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
        ).scalar_one()
        if tables:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await app.close()
