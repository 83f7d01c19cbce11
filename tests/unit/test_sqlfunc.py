"""Date arithmetic in SQL agrees with bot.domain on SQLite (tests/pg: PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from storage.db import create_engine
from tests.conftest import sqlite_url
from tests.sqlfunc_checks import sql_add_months_matches_python


async def test_months_added_in_sqlite_clamp_to_the_month_end_like_python(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "f.db"))
    try:
        await sql_add_months_matches_python(engine)
    finally:
        await engine.dispose()
