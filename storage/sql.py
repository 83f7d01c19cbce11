"""Small helpers for statements that differ by dialect."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Executable, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


@cache
def _insert_or_nothing(dialect: str, table: Table) -> Executable:
    # Built once per table: building and hashing a statement costs more than running
    # it on SQLite, and this one runs for every update (the processed-updates log).
    module = postgresql if dialect == "postgresql" else sqlite
    statement: Executable = module.insert(table).on_conflict_do_nothing()
    return statement


async def insert_ignoring_duplicates(
    session: AsyncSession, table: Table, values: dict[str, Any]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True if the row was new."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    result = await session.execute(_insert_or_nothing(dialect, table), values)
    return bool(getattr(result, "rowcount", 0))
