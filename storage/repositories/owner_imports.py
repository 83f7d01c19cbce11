"""Owner imports, set-based: a chunk's owners and vehicles read in one query a kind,
written with one multi-row statement a kind: on SQLite executemany (the new owners'
ids come back in one query by phone), on PostgreSQL COPY for new rows (bulk_rows.py)
and an UPDATE from arrays for changed ones. No ORM object per row: building, tracking
and flushing them cost most of a large import's time."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any

from sqlalchemy import (
    Column,
    Dialect,
    Select,
    Table,
    any_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from bot.domain.owner_merge import OWNER_COLUMNS, VEHICLE_COLUMNS, StoredOwner, StoredVehicle
from bot.domain.owners import DEFAULT_SEND_FROM_HOUR, DEFAULT_SEND_UNTIL_HOUR, OwnerSource
from storage import tables
from storage.repositories.base import SessionBound, dialect
from storage.repositories.bulk_rows import converters, copy_new_rows, driver_values

_owners = tables.owners
_vehicles = tables.vehicles
# What an imported owner is given beyond the file's columns follows them.
_OWNER_INSERT = (
    "phone",
    *OWNER_COLUMNS,
    "created_at",
    "source",
    "send_from_hour",
    "send_until_hour",
)
_owner_values = attrgetter("phone", *OWNER_COLUMNS)
_VEHICLE_INSERT = ("vin", *VEHICLE_COLUMNS)
_vehicle_values = attrgetter(*_VEHICLE_INSERT)


class SqlOwnerImportStore(SessionBound):
    async def owners_by_phones(self, phones: Collection[str]) -> dict[str, StoredOwner]:
        c = _owners.c
        rows = await self._rows_where(
            select(c.id, c.phone, *(c[name] for name in OWNER_COLUMNS)), c.phone, phones
        )
        return {row.phone: StoredOwner(*row) for row in rows}

    async def vehicles_by_vins(self, vins: Collection[str]) -> dict[str, StoredVehicle]:
        c = _vehicles.c
        rows = await self._rows_where(
            select(c.id, c.vin, *(c[name] for name in VEHICLE_COLUMNS)), c.vin, vins
        )
        # the owner's phone is the importing row's: the merge sets it
        return {
            vin: StoredVehicle(vehicle_id, vin, "", *columns) for vehicle_id, vin, *columns in rows
        }

    async def _rows_where(
        self, query: Select[Any], key: Column[str], values: Collection[str]
    ) -> list[Any]:
        """The rows of `query` whose `key` is one of `values`, all given as one value:
        an array on PostgreSQL (`= ANY`), a JSON array on SQLite (`IN json_each`). One
        statement, compiled and prepared once, where an `IN` list of 1,000 values is
        rendered anew each time (and prepared anew by asyncpg, a length a statement)."""
        if not values:
            return []
        if dialect(self.session) == "postgresql":
            keys = bindparam("keys", sorted(values), type_=ARRAY(key.type))
            matching = key == any_(keys)
        else:
            each = func.json_each(bindparam("keys", json.dumps(sorted(values))))
            matching = key.in_(select(each.table_valued("value").c.value))
        return list((await self.session.execute(query.where(matching))).all())

    async def add_owners(self, owners: Sequence[StoredOwner], created_at: datetime) -> None:
        if not owners:
            return
        imported = (created_at, OwnerSource.IMPORT, DEFAULT_SEND_FROM_HOUR, DEFAULT_SEND_UNTIL_HOUR)
        rows = [(*_owner_values(o), *imported) for o in owners]
        if dialect(self.session) == "postgresql":
            taken = await copy_new_rows(self.session, _owners, _OWNER_INSERT, rows)
            for owner, owner_id in zip(owners, taken, strict=True):
                owner.id = owner_id
            return
        # Then the ids by phone (unique): cheaper than RETURNING, which SQLite's
        # driver answers one row at a time when the rows' order must be kept.
        await self._write_many(_insert_statement, _owners, _OWNER_INSERT, _OWNER_INSERT, rows)
        ids = await self.owner_ids(o.phone for o in owners)
        for owner in owners:
            owner.id = ids[owner.phone]

    async def owner_ids(self, phones: Iterable[str]) -> dict[str, int]:
        c = _owners.c
        rows = await self._rows_where(select(c.phone, c.id), c.phone, set(phones))
        return dict(rows)

    async def change_owners(self, owners: Collection[StoredOwner]) -> None:
        await self._change(_owners, OWNER_COLUMNS, owners)

    async def add_vehicles(self, vehicles: Sequence[StoredVehicle]) -> None:
        if not vehicles:
            return
        rows = [_vehicle_values(v) for v in vehicles]
        if dialect(self.session) == "postgresql":
            await copy_new_rows(self.session, _vehicles, _VEHICLE_INSERT, rows)
            return
        await self._write_many(_insert_statement, _vehicles, _VEHICLE_INSERT, _VEHICLE_INSERT, rows)

    async def change_vehicles(self, vehicles: Collection[StoredVehicle]) -> None:
        await self._change(_vehicles, VEHICLE_COLUMNS, vehicles)

    async def _change(
        self, table: Table, columns: Sequence[str], items: Collection[StoredOwner | StoredVehicle]
    ) -> None:
        """Every column an import may change, for each changed row by its id: the values
        it did not change are written back as they were."""
        if not items:
            return
        values = attrgetter(*columns)
        rows = [(item.id, *values(item)) for item in items]
        keys = ("row_id", *(f"new_{name}" for name in columns))
        await self._write_many(_update_statement, table, tuple(columns), keys, rows)

    async def _write_many(
        self,
        build: Callable[[Table, tuple[str, ...]], Any],
        table: Table,
        columns: tuple[str, ...],
        keys: tuple[str, ...],
        rows: list[tuple[Any, ...]],
    ) -> None:
        """One statement (`build` for `columns`), many rows (values named by `keys`):
        straight to the driver's executemany, each column's conversion applied here.
        SQLAlchemy's executemany builds and checks a parameter dict per row, which cost
        as much as the database's own work. PostgreSQL gets every row at once, a column
        an array (one UPDATE, not one a row; new rows go by COPY: bulk_rows.py)."""
        if not rows:
            return
        connection = await self.session.connection()
        by_column = list(zip(*rows, strict=True))
        if connection.dialect.name == "postgresql":
            assert build is _update_statement, "new rows go by COPY"
            names = ("id", *columns)
            arrays = [
                list(driver_values(values, convert))
                for values, convert in zip(
                    by_column, converters(connection.dialect, table, names), strict=True
                )
            ]
            await connection.exec_driver_sql(
                _unnest_update(connection.dialect, table, columns), tuple(arrays)
            )
            return
        raw = _driver_statement(connection.dialect, build, table, columns)
        if raw is None:  # a named paramstyle: SQLAlchemy's own executemany
            await connection.execute(
                build(table, columns), [dict(zip(keys, r, strict=True)) for r in rows]
            )
            return
        sql, order = raw
        named = tuple("id" if n == "row_id" else n.removeprefix("new_") for n in order)
        in_order = [
            driver_values(by_column[keys.index(key)], convert)
            for key, convert in zip(
                order, converters(connection.dialect, table, named), strict=True
            )
        ]
        await connection.exec_driver_sql(sql, list(zip(*in_order, strict=True)))


def _insert_statement(table: Table, columns: tuple[str, ...]) -> Any:
    return insert(table).values({name: bindparam(name) for name in columns})


def _update_statement(table: Table, columns: tuple[str, ...]) -> Any:
    """By id (the `row_id` parameter); `new_<column>`: a column's new value (a
    parameter may not take its column's own name in SET)."""
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({name: bindparam(f"new_{name}") for name in columns})
    )


@lru_cache(maxsize=64)  # a few statements for each engine's dialect
def _driver_statement(
    dialect: Dialect,
    build: Callable[[Table, tuple[str, ...]], Any],
    table: Table,
    columns: tuple[str, ...],
) -> tuple[str, tuple[str, ...]] | None:
    """The SQL text for the driver and the parameter names in the driver's order; None
    for a named paramstyle."""
    compiled = build(table, columns).compile(dialect=dialect)
    order = compiled.positiontup
    if order is None:
        return None
    return str(compiled), tuple(order)


@lru_cache(maxsize=64)
def _unnest_update(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> str:
    """PostgreSQL: UPDATE ... FROM unnest(arrays) by id (the first array holds the ids)."""
    names = ("id", *columns)
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(
        f"${n}::{table.c[name].type.compile(dialect=dialect)}[]"
        for n, name in enumerate(names, start=1)
    )
    target = quote(table.name)
    sets = ", ".join(f"{quote(name)} = v.{quote(name)}" for name in columns)
    aliases = ", ".join(quote(name) for name in names)
    return (
        f"UPDATE {target} SET {sets} FROM unnest({arrays}) AS v({aliases}) WHERE {target}.id = v.id"
    )
