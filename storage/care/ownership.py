"""Rules that follow the calendar of ownership: the welcome guide and tips after linking,
warranty ends and renewals, birthdays, anniversaries and inspections, trade-in."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import String, cast, literal, select
from sqlalchemy.sql import Select

from bot.services.ports.care import (
    DeliveredBefore,
    LinkedBetween,
    OnMonthDay,
    VehicleDateBetween,
    YearlyDate,
)
from storage import tables
from storage.care.audience import a, changed_owners, due_now, o, ob, reachable, v
from storage.sqlfunc import json_obj, month_day, unindexed

FIRST_YEAR = 1900


def dates_on(month_days: tuple[str, ...], first_year: int, last_year: int) -> list[date]:
    """Every date from `first_year` to `last_year` falling on one of `month_days`."""
    found = []
    for month_day_text in month_days:
        month, day = (int(part) for part in month_day_text.split("-"))
        for year in range(first_year, last_year + 1):
            try:
                found.append(date(year, month, day))
            except ValueError:  # 29 February of a common year
                continue
    return found


def linked_between(query: LinkedBetween) -> Select[Any]:
    """Owners who linked a chat in the window (once ever: the occurrence is "1")."""
    linked = select(a.owner_id).where(a.linked_at > query.after, a.linked_at <= query.until)
    if query.only_changed:  # inside: the window may hold a month of links
        linked = linked.where(a.owner_id.in_(changed_owners(query)))
    return select(
        o.id.label("owner_id"),
        literal("1").label("occurrence"),
        *due_now(query.now),
        json_obj().label("payload"),
    ).where(reachable(query), o.id.in_(linked))


def vehicle_date_between(query: VehicleDateBetween) -> Select[Any]:
    day = v[query.which.value]
    occurrence = cast(v.id, String) + literal(f":{query.occurrence}")
    if query.with_date:
        occurrence = occurrence + literal(":") + cast(day, String)
    conditions = [
        reachable(query),
        day > query.after,
        day <= query.until,
    ]
    if query.model is not None:
        conditions.append(v.model == query.model)
    return (
        select(
            o.id.label("owner_id"),
            occurrence.label("occurrence"),
            *due_now(query.now),
            json_obj(literal("vehicle_id"), v.id).label("payload"),
        )
        .join(tables.vehicles, v.owner_id == o.id)
        .where(*conditions)
    )


def on_month_day(query: OnMonthDay) -> Select[Any]:
    if query.yearly is YearlyDate.BIRTHDAY:
        day = o.birthday
        base = select(o.id.label("owner_id"), json_obj().label("payload"))
        occurrence: Any = literal(query.occurrence)
    else:
        day = v.delivery_date
        base = select(
            o.id.label("owner_id"), json_obj(literal("vehicle_id"), v.id).label("payload")
        ).join(tables.vehicles, v.owner_id == o.id)
        occurrence = cast(v.id, String) + literal(f":{query.occurrence}")
    conditions = [
        reachable(query),
        month_day(day).in_(list(query.month_days)),
    ]
    if query.born_before is not None:
        conditions.append(day <= query.born_before)
    # The same days as dates (every year a person or a car may have been born), so an
    # index on the date finds them instead of a scan of every row.
    last_year = (query.born_before or query.now.date()).year
    conditions.append(day.in_(dates_on(query.month_days, FIRST_YEAR, last_year)))
    return base.add_columns(
        occurrence.label("occurrence"),
        literal(query.due_at, ob.due_at.type).label("due_at"),
        literal(query.expires_at, ob.expires_at.type).label("expires_at"),
    ).where(*conditions)


def delivered_before(query: DeliveredBefore) -> Select[Any]:
    day: Any = v.delivery_date
    if query.delivered_after is None:
        # Every car delivered years ago is a large share of them: SQLite reads the cars
        # in order rather than jump to each from the date index.
        day = unindexed(day, type_=day.type)
    return (
        select(
            o.id.label("owner_id"),
            (cast(v.id, String) + literal(f":{query.occurrence}")).label("occurrence"),
            *due_now(query.now),
            json_obj(literal("vehicle_id"), v.id).label("payload"),
        )
        .join(tables.vehicles, v.owner_id == o.id)
        .where(
            reachable(query),
            day.is_not(None),
            day <= query.delivered_before,
            *([day > query.delivered_after] if query.delivered_after is not None else []),
        )
    )
