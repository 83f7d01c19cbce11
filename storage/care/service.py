"""Rules that keep the car in service: maintenance due (first service and after),
safety recalls, reminders before a booked visit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.sql import ColumnElement, Select

from bot.services.ports.care import BookingsStarting, OpenRecalls, ServiceDueBetween
from storage import tables
from storage.care.audience import (
    OPEN_BOOKING_STATUSES,
    due_now,
    no_open_booking,
    o,
    ob,
    reachable,
    v,
)
from storage.sqlfunc import add_days, add_months, as_date, days_between, json_obj

sv = tables.service_visits.c


def service_due_between(query: ServiceDueBetween) -> Select[Any]:
    """Mileage is estimated from the odometer readings: the kilometres driven since the
    reference (the last visit, or delivery), over the days it took. One statement for
    every model."""
    last_visit = (
        select(sv.id)
        .where(sv.vehicle_id == v.id)
        .order_by(sv.visited_on.desc(), sv.id.desc())
        .limit(1)
        .correlate(tables.vehicles)
        .scalar_subquery()
    )
    if query.first_service:
        reference_on = v.delivery_date
        reference_km: Any = literal(0)
        joined = select(o.id).join(tables.vehicles, v.owner_id == o.id)
        extra = [~exists().where(sv.vehicle_id == v.id), v.delivery_date.is_not(None)]
        cycle: Any = literal("first")
    else:
        last = tables.service_visits.alias("last_visit")
        reference_on = last.c.visited_on
        reference_km = last.c.mileage_km
        joined = (
            select(o.id)
            .join(tables.vehicles, v.owner_id == o.id)
            .join(last, last.c.id == last_visit)
        )
        extra = []
        cycle = cast(last.c.id, String)
    due = due_on(reference_on, reference_km, query.intervals)
    occurrence = cast(v.id, String) + literal(":") + cycle + literal(f":{query.occurrence}")
    return joined.with_only_columns(
        o.id.label("owner_id"),
        occurrence.label("occurrence"),
        *due_now(query.now),
        json_obj(literal("vehicle_id"), v.id, literal("due_on"), cast(due, String)).label(
            "payload"
        ),
    ).where(
        reachable(query),
        v.model.in_(list(query.intervals)),
        v.vin.is_not(None),
        due > query.due_after,
        due <= query.due_until,
        no_open_booking(v.id, query.now),
        *extra,
        *stored_due_between(query),
    )


def stored_due_between(query: ServiceDueBetween) -> list[ColumnElement[bool]]:
    """The same window on the due date the incremental planner stores for each vehicle
    (care_service_due): redundant with the computed date, but an index can use it."""
    if not query.stored_due:
        return []
    due = tables.care_service_due.c
    stored = select(due.vehicle_id).where(
        due.due_on > query.due_after, due.due_on <= query.due_until
    )
    return [v.id.in_(stored)]


def due_on(reference_on: Any, reference_km: Any, intervals: Mapping[str, tuple[int, int]]) -> Any:
    """When the next service falls due: X months after the reference (the last visit,
    or delivery), or sooner when the kilometres driven since, at the owner's pace, reach
    Y first."""
    months = case(*((v.model == m, mo) for m, (mo, _) in intervals.items()), else_=None)
    km = case(*((v.model == m, k) for m, (_, k) in intervals.items()), else_=None)
    by_time = add_months(reference_on, months)
    driven = v.mileage_km - func.coalesce(reference_km, 0)
    elapsed = days_between(reference_on, func.coalesce(v.mileage_recorded_on, reference_on))
    km_days = case(
        (and_(driven > 0, elapsed > 0), km * elapsed / driven),
        else_=None,
    )
    by_km = add_days(reference_on, km_days)
    return case((and_(km_days.is_not(None), by_km < by_time), by_km), else_=by_time)


def service_due_dates(
    first: Mapping[str, tuple[int, int]], later: Mapping[str, tuple[int, int]]
) -> Select[Any]:
    """Each vehicle's next service date (vehicle_id, due_on) as the planner's statements
    compute it: the first service until a visit is recorded, then maintenance after the
    last visit. The last visit is joined once (its columns are read many times in the
    date's expression), and a vehicle without a date (no visit, no delivery, a model
    without intervals) is left out."""
    last = tables.service_visits.alias("last_visit")
    last_visit = (
        select(sv.id)
        .where(sv.vehicle_id == v.id)
        .order_by(sv.visited_on.desc(), sv.id.desc())
        .limit(1)
        .correlate(tables.vehicles)
        .scalar_subquery()
    )
    computed = case(
        (last.c.id.is_not(None), due_on(last.c.visited_on, last.c.mileage_km, later)),
        else_=due_on(v.delivery_date, literal(0), first),
    )
    return (
        select(v.id.label("vehicle_id"), computed.label("due_on"))
        .select_from(tables.vehicles.outerjoin(last, last.c.id == last_visit))
        .where(
            v.model.in_([model for model in first if model in later]),
            or_(last.c.id.is_not(None), v.delivery_date.is_not(None)),
            computed.is_not(None),  # the column is NOT NULL: a date that can't be made is left out
        )
    )


def open_recalls(query: OpenRecalls) -> Select[Any]:
    """Safety: no consent needed."""
    r = tables.vehicle_recalls.c
    period = days_between(as_date(r.imported_at), literal(query.today)) // query.repeat_days
    return (
        select(
            o.id.label("owner_id"),
            (cast(r.id, String) + literal(":") + cast(period, String)).label("occurrence"),
            *due_now(query.now),
            json_obj(literal("recall_id"), r.id, literal("vehicle_id"), v.id).label("payload"),
        )
        .join(tables.vehicles, v.owner_id == o.id)
        .join(tables.vehicle_recalls, r.vehicle_id == v.id)
        .where(
            reachable(query),
            r.state == "open",
            no_open_booking(v.id, query.now),
        )
    )


def bookings_starting(query: BookingsStarting) -> Select[Any]:
    """A moved booking gets its own reminder: the start time is in the occurrence."""
    b = tables.bookings.c
    hours = query.hours
    return (
        select(
            o.id.label("owner_id"),
            (cast(b.id, String) + literal(f":{hours}h:") + cast(b.starts_at, String)).label(
                "occurrence"
            ),
            literal(query.now, ob.due_at.type).label("due_at"),
            b.starts_at.label("expires_at"),
            json_obj(literal("booking_id"), b.id, literal("hours"), literal(hours)).label(
                "payload"
            ),
        )
        .join(tables.bookings, b.owner_id == o.id)
        .where(
            reachable(query),
            b.status.in_(OPEN_BOOKING_STATUSES),
            b.starts_at > query.now + timedelta(hours=query.after_hours),
            b.starts_at > (query.starts_after or query.now),
            b.starts_at <= query.now + timedelta(hours=hours),
        )
    )
