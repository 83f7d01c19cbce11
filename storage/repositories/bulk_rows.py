"""Many rows at once, past SQLAlchemy's per-row work: values converted a column at a
time as the driver takes them, and PostgreSQL's new rows sent with COPY.

COPY is PostgreSQL's fastest way in: rows go over in its binary format, with no
statement to parse and no array to unpack (an `INSERT ... SELECT FROM unnest(...)`
took twice as long for 100,000 owners and their cars). It fires the tables' triggers
as INSERT does, the care planner's statement-level ones included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Dialect, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

Converter = Callable[[Any], Any] | None


@lru_cache(maxsize=64)  # a few column lists for each engine's dialect
def converters(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> tuple[Converter, ...]:
    """Each column's conversion to what the driver takes (dates as text on SQLite,
    enums as their values, aware datetimes in UTC); None where there is nothing to do."""
    return tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    )


def driver_values(values: Sequence[Any], convert: Converter) -> Sequence[Any]:
    """One column's values as the driver takes them. An import repeats a few values
    down a column (today, the file's delivery dates and birthdays): each distinct one
    is converted once. Keyed by type too: a StrEnum equals its value as a str."""
    if convert is None:
        return values
    keys = list(zip(map(type, values), values, strict=True))
    done = {key: convert(key[1]) for key in set(keys)}
    return list(map(done.__getitem__, keys))


async def copy_new_rows(
    session: AsyncSession, table: Table, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> list[int]:
    """PostgreSQL: `rows` (values in `columns` order) into `table` with one COPY, in the
    session's transaction; returns their ids, in the rows' order. The ids are taken
    from the table's sequence first, in one query, as a serial column would take them:
    COPY returns nothing, and the caller needs a new owner's id for its cars."""
    if not rows:
        return []
    # as one array: one row to read, not one an id
    taken = await session.scalar(
        select(
            func.array_agg(func.nextval(func.pg_get_serial_sequence(table.name, "id")))
        ).select_from(func.generate_series(1, len(rows)))
    )
    ids = sorted(taken or ())
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    # The query above began the transaction (SQLAlchemy begins it on the first
    # statement): COPY outside it would commit on its own, whatever came after.
    assert driver is not None
    assert driver.is_in_transaction(), "COPY outside the session's transaction"
    named = ("id", *columns)
    by_column = [ids, *zip(*rows, strict=True)]
    records = zip(
        *(
            driver_values(values, convert)
            for values, convert in zip(
                by_column, converters(connection.dialect, table, named), strict=True
            )
        ),
        strict=True,
    )
    await driver.copy_records_to_table(table.name, records=records, columns=named)
    return ids
