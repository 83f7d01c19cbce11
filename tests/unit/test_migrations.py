from __future__ import annotations

from pathlib import Path

from sqlalchemy import StaticPool, text

from storage.db import create_engine
from storage.migrate import downgrade, is_up_to_date, upgrade
from tests.conftest import sqlite_url
from tests.migrations_check import schema_differences


async def test_migrations_build_exactly_the_schema_in_tables_py(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "m.db"))
    await upgrade(engine)
    assert await is_up_to_date(engine)
    assert await schema_differences(engine) == []
    await engine.dispose()


async def test_migrations_downgrade_to_nothing_and_upgrade_again(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "m.db"))
    await upgrade(engine)
    await downgrade(engine, "base")
    assert not await is_up_to_date(engine)
    await upgrade(engine)
    assert await schema_differences(engine) == []
    await engine.dispose()


async def test_an_in_memory_database_is_one_shared_connection() -> None:
    # each new connection to :memory: would be another, empty database
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    assert isinstance(engine.pool, StaticPool)
    await upgrade(engine)
    async with engine.connect() as connection:
        tables = await connection.execute(text("SELECT name FROM sqlite_master"))
        assert "owners" in set(tables.scalars())
    await engine.dispose()
