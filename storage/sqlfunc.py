"""Date arithmetic that SQLite and PostgreSQL spell differently, as SQL functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Date, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class days_between(GenericFunction[int]):
    """Whole days from `start` to `end` (dates)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)}) AS INTEGER)"
    )


@compiles(days_between, "postgresql")
def _days_between_pg(element: Any, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    end_sql, start_sql = compiler.process(end, **kw), compiler.process(start, **kw)
    return f"(CAST({end_sql} AS DATE) - CAST({start_sql} AS DATE))"


class add_days(GenericFunction[Any]):
    """`day` plus a whole number of days (may be a column expression)."""

    type = Date()
    inherit_cache = True


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    day, days = list(element.clauses)
    return (
        f"date({compiler.process(day, **kw)}, printf('%+d days', "
        f"CAST({compiler.process(days, **kw)} AS INTEGER)))"
    )


@compiles(add_days, "postgresql")
def _add_days_pg(element: Any, compiler: Any, **kw: Any) -> str:
    day, days = list(element.clauses)
    day_sql, days_sql = compiler.process(day, **kw), compiler.process(days, **kw)
    return f"(CAST({day_sql} AS DATE) + CAST({days_sql} AS INTEGER))"


class month_day(GenericFunction[str]):
    """'MM-DD' of a date, for birthdays and anniversaries."""

    type = String()
    inherit_cache = True


@compiles(month_day, "sqlite")
def _month_day_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (day,) = list(element.clauses)
    return f"strftime('%m-%d', {compiler.process(day, **kw)})"


@compiles(month_day, "postgresql")
def _month_day_pg(element: Any, compiler: Any, **kw: Any) -> str:
    (day,) = list(element.clauses)
    return f"to_char({compiler.process(day, **kw)}, 'MM-DD')"


class json_obj(GenericFunction[Any]):
    """A JSON object from alternating keys and values."""

    type = JSON()
    inherit_cache = True


@compiles(json_obj, "sqlite")
def _json_obj_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


@compiles(json_obj, "postgresql")
def _json_obj_pg(element: Any, compiler: Any, **kw: Any) -> str:
    return f"json_build_object({compiler.process(element.clauses, **kw)})"


class add_months(GenericFunction[Any]):
    """`day` plus whole calendar months (a bound number)."""

    type = Date()
    inherit_cache = True


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # SQLite's '+N months' rolls 31 August + 6 months over to 3 March; like PostgreSQL
    # and bot.domain.months, clamp to the target month's last day instead.
    day_sql, months_sql = (compiler.process(c, **kw) for c in element.clauses)
    months = f"CAST({months_sql} AS INTEGER)"
    last_day = (
        f"CAST(strftime('%d', date({day_sql}, 'start of month', "
        f"printf('%+d months', {months} + 1), '-1 day')) AS INTEGER)"
    )
    day_of_month = f"CAST(strftime('%d', {day_sql}) AS INTEGER)"
    return (
        f"date({day_sql}, 'start of month', printf('%+d months', {months}), "
        f"printf('%+d days', min({day_of_month}, {last_day}) - 1))"
    )


@compiles(add_months, "postgresql")
def _add_months_pg(element: Any, compiler: Any, **kw: Any) -> str:
    day, months = list(element.clauses)
    day_sql, months_sql = compiler.process(day, **kw), compiler.process(months, **kw)
    return f"CAST(CAST({day_sql} AS DATE) + make_interval(months => {months_sql}) AS DATE)"


class as_date(GenericFunction[Any]):
    """The date part of a timestamp."""

    type = Date()
    inherit_cache = True


@compiles(as_date, "sqlite")
def _as_date_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(as_date, "postgresql")
def _as_date_pg(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


class unindexed(GenericFunction[str]):
    """A column SQLite's planner must not use an index for (`+column`): the owners'
    country index would lead it to walk every owner of the countries a statement plans
    for, when a date or an event names the few who matter. Pass `type_=` for a column
    that is not text."""

    type = String()
    inherit_cache = True


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"+{compiler.process(column, **kw)}"


@compiles(unindexed, "postgresql")
def _unindexed_pg(element: Any, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return str(compiler.process(column, **kw))
