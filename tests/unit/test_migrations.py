from __future__ import annotations

from pathlib import Path

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
