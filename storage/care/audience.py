"""What every planning statement shares: who may be messaged, and the one INSERT ...
SELECT ... ON CONFLICT DO NOTHING that queues the candidates a rule selects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from bot.domain.care import CATEGORY_OF, Category, OutboxStatus, Rule
from bot.services.ports.care import Planned
from storage import tables
from storage.sqlfunc import unindexed

o = tables.owners.c
v = tables.vehicles.c
a = tables.accounts.c
ob = tables.outbox.c

OPEN_BOOKING_STATUSES = ("requested", "confirmed")
# PostgreSQL's memory for each sort or hash of a planning statement (the default, 4 MB,
# spills a market's owners to disk).
PLANNER_WORK_MEM = "64MB"

_OUTBOX_COLUMNS = [
    "owner_id",
    "rule",
    "occurrence",
    "category",
    "due_at",
    "expires_at",
    "payload",
    "status",
    "attempts",
    "last_error",
    "created_at",
]


def reachable(query: Planned) -> ColumnElement[bool]:
    """Owners of the query's markets we can and may message under its rule's category."""
    category = CATEGORY_OF[query.rule]
    conditions = [
        unindexed(o.market).in_(list(query.markets)),
        o.erased_at.is_(None),
        exists().where(a.owner_id == o.id, a.unreachable_at.is_(None)),
    ]
    if query.only_changed:
        conditions.append(o.id.in_(changed_owners(query)))
    if category is Category.SERVICE:
        conditions.append(o.consent_service.is_(True))
    elif category is Category.MARKETING:
        conditions.append(o.consent_marketing.is_(True))
    return and_(*conditions)


def changed_owners(query: Planned) -> Select[Any]:
    """The ids of the owners of the query's markets whose data changed since the last
    run (the incremental planner's pending owners)."""
    pending = tables.care_pending.c
    return select(pending.owner_id).where(pending.market.in_(list(query.markets)))


def no_open_booking(column: Any, now: datetime, *, by_owner: bool = False) -> ColumnElement[bool]:
    """Neither this vehicle (or, `by_owner`, this owner) has a booking still to come."""
    b = tables.bookings.c
    booked = b.owner_id if by_owner else b.vehicle_id
    return ~exists().where(
        booked == column,
        b.status.in_(OPEN_BOOKING_STATUSES),
        b.ends_at > now,
    )


def due_now(now: datetime) -> tuple[Any, Any]:
    """The due_at and expires_at columns of a message due now that never expires."""
    return (
        literal(now, ob.due_at.type).label("due_at"),
        literal(None, ob.expires_at.type).label("expires_at"),
    )


async def queue(session: AsyncSession, rule: Rule, candidates: Select[Any], now: datetime) -> int:
    """One statement per rule, however many owners are due. `candidates` yields
    owner_id, occurrence, due_at, expires_at, payload. Returns the rows added."""
    sub = candidates.subquery()
    rows = select(
        sub.c.owner_id,
        literal(rule, ob.rule.type),
        sub.c.occurrence,
        literal(CATEGORY_OF[rule], ob.category.type),
        sub.c.due_at,
        sub.c.expires_at,
        sub.c.payload,
        literal(OutboxStatus.PENDING, ob.status.type),
        literal(0),
        literal(""),
        literal(now, ob.created_at.type),
    )
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    if dialect == "postgresql":
        # Room for the hash joins over a market's owners: they don't spill to disk.
        await session.execute(text(f"SET LOCAL work_mem = '{PLANNER_WORK_MEM}'"))
    if dialect == "sqlite":
        # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT.
        rows = rows.where(literal(True))
    statement = module.insert(tables.outbox).from_select(_OUTBOX_COLUMNS, rows)
    result = await session.execute(statement.on_conflict_do_nothing())
    return int(getattr(result, "rowcount", 0) or 0)
