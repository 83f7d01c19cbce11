"""The SQL spellings of date arithmetic must agree with the Python rules they mirror,
on every database (tests/unit: SQLite; tests/pg: PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Column, Date, Integer, MetaData, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.months import add_months
from storage.sqlfunc import add_months as sql_add_months

MONTHS = (-25, -13, -6, -1, 0, 1, 2, 6, 12, 24)
# every day of a leap year and the year before: all month ends, 29 February included
DAYS = [date(2027, 1, 1) + timedelta(days=n) for n in range(731)]


async def sql_add_months_matches_python(engine: AsyncEngine) -> None:
    metadata = MetaData()
    cases = Table(
        "sqlfunc_cases",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("day", Date, nullable=False),
        Column("months", Integer, nullable=False),
    )
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(
            insert(cases), [{"day": d, "months": m} for d in DAYS for m in MONTHS]
        )
        rows = await connection.execute(
            select(cases.c.day, cases.c.months, sql_add_months(cases.c.day, cases.c.months))
        )
        wrong = []
        for day, months, moved in rows:
            moved_day = moved if isinstance(moved, date) else date.fromisoformat(moved)
            if moved_day != add_months(day, months):
                wrong.append((day, months, moved_day))
        await connection.run_sync(metadata.drop_all)
    assert wrong == [], wrong[:10]
