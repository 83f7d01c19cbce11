"""The outbox: set-based planning statements, claiming for senders, send-time facts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from bot.domain.care import CapState, Category, OutboxMessage, OutboxStatus
from storage import tables
from storage.sql import insert_ignoring_duplicates
from storage.sqlfunc import json_obj, month_day

o = tables.owners.c
v = tables.vehicles.c
a = tables.accounts.c
ob = tables.outbox.c

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


class SqlCareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.bind.dialect.name if self.session.bind else "sqlite"

    # --- planning ---------------------------------------------------------------------

    def _reachable(self, market: str, category: Category) -> Any:
        """Owners of `market` we can and may message in this category."""
        conditions = [
            o.market == market,
            o.erased_at.is_(None),
            exists().where(a.owner_id == o.id, a.unreachable_at.is_(None)),
        ]
        if category is Category.SERVICE:
            conditions.append(o.consent_service.is_(True))
        elif category is Category.MARKETING:
            conditions.append(o.consent_marketing.is_(True))
        return and_(*conditions)

    async def _insert(
        self,
        rule: str,
        category: Category,
        candidates: Select[Any],
        *,
        now: datetime,
    ) -> int:
        """INSERT ... SELECT ... ON CONFLICT DO NOTHING: one statement per rule, however
        many owners are due. `candidates` yields owner_id, occurrence, due_at,
        expires_at, payload."""
        sub = candidates.subquery()
        rows = select(
            sub.c.owner_id,
            literal(rule),
            sub.c.occurrence,
            literal(category.value),
            sub.c.due_at,
            sub.c.expires_at,
            sub.c.payload,
            literal(OutboxStatus.PENDING.value),
            literal(0),
            literal(""),
            literal(now, tables.outbox.c.created_at.type),
        )
        module = postgresql if self._dialect == "postgresql" else sqlite
        statement = module.insert(tables.outbox).from_select(_OUTBOX_COLUMNS, rows)
        if self._dialect == "sqlite":
            # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT.
            statement = module.insert(tables.outbox).from_select(
                _OUTBOX_COLUMNS, rows.where(literal(True))
            )
        result = await self.session.execute(statement.on_conflict_do_nothing())
        return int(getattr(result, "rowcount", 0) or 0)

    async def plan_linked(
        self,
        rule: str,
        category: Category,
        market: str,
        *,
        linked_after: datetime,
        linked_before: datetime,
        now: datetime,
    ) -> int:
        """Owners whose chat was linked in a window (welcome guide, day-7 and day-30 tips)."""
        linked = (
            select(a.owner_id, func.min(a.linked_at).label("linked_at"))
            .where(a.linked_at > linked_after, a.linked_at <= linked_before)
            .group_by(a.owner_id)
            .subquery()
        )
        candidates = (
            select(
                o.id.label("owner_id"),
                literal("1").label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj().label("payload"),
            )
            .join(linked, linked.c.owner_id == o.id)
            .where(
                self._reachable(market, category),
                linked.c.linked_at > linked_after,
                linked.c.linked_at <= linked_before,
            )
        )
        return await self._insert(rule, category, candidates, now=now)

    async def plan_vehicle_dates(
        self,
        rule: str,
        category: Category,
        market: str,
        *,
        column: str,
        after: date,
        until: date,
        occurrence: str,
        now: datetime,
        model: str | None = None,
        with_date: bool = False,
    ) -> int:
        """Vehicles whose date `column` lies in (after, until]: warranty ends, renewals.

        The occurrence is "<vehicle id>:<occurrence>" (plus the date itself when
        `with_date`, so a renewal next year is a new occurrence)."""
        day = v[column]
        occurrence_sql = cast(v.id, String) + literal(f":{occurrence}")
        if with_date:
            occurrence_sql = occurrence_sql + literal(":") + cast(day, String)
        conditions = [self._reachable(market, category), day > after, day <= until]
        if model is not None:
            conditions.append(v.model == model)
        candidates = (
            select(
                o.id.label("owner_id"),
                occurrence_sql.label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj(literal("vehicle_id"), v.id).label("payload"),
            )
            .join(tables.vehicles, v.owner_id == o.id)
            .where(*conditions)
        )
        return await self._insert(rule, category, candidates, now=now)

    async def plan_month_day(
        self,
        rule: str,
        category: Category,
        market: str,
        *,
        source: str,
        month_days: Sequence[str],
        occurrence: str,
        due_at: datetime,
        expires_at: datetime,
        now: datetime,
        born_before: date | None = None,
    ) -> int:
        """Birthdays (source "birthday") or delivery anniversaries (source "delivery")
        falling on one of `month_days` ("MM-DD")."""
        if source == "birthday":
            day = o.birthday
            base = select(o.id.label("owner_id"), json_obj().label("payload"))
        else:
            day = v.delivery_date
            base = select(
                o.id.label("owner_id"), json_obj(literal("vehicle_id"), v.id).label("payload")
            ).join(tables.vehicles, v.owner_id == o.id)
        occurrence_sql = (
            literal(occurrence)
            if source == "birthday"
            else cast(v.id, String) + literal(f":{occurrence}")
        )
        conditions = [self._reachable(market, category), month_day(day).in_(list(month_days))]
        if born_before is not None:
            conditions.append(day <= born_before)
        candidates = base.add_columns(
            occurrence_sql.label("occurrence"),
            literal(due_at, tables.outbox.c.due_at.type).label("due_at"),
            literal(expires_at, tables.outbox.c.expires_at.type).label("expires_at"),
        ).where(*conditions)
        return await self._insert(rule, category, candidates, now=now)

    async def plan_old_vehicles(
        self,
        rule: str,
        category: Category,
        market: str,
        *,
        delivered_before: date,
        occurrence: str,
        now: datetime,
    ) -> int:
        """Vehicles delivered before a date (trade-in suggestions), once per occurrence."""
        candidates = (
            select(
                o.id.label("owner_id"),
                (cast(v.id, String) + literal(f":{occurrence}")).label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj(literal("vehicle_id"), v.id).label("payload"),
            )
            .join(tables.vehicles, v.owner_id == o.id)
            .where(
                self._reachable(market, category),
                v.delivery_date.is_not(None),
                v.delivery_date <= delivered_before,
            )
        )
        return await self._insert(rule, category, candidates, now=now)

    async def plan_points_expiring(
        self, market: str, *, until: datetime, occurrence: str, now: datetime
    ) -> int:
        """One message per owner whose points expire within the window."""
        lots = tables.point_lots.c
        expiring = (
            select(lots.owner_id)
            .where(lots.remaining > 0, lots.expires_at > now, lots.expires_at <= until)
            .group_by(lots.owner_id)
            .subquery()
        )
        candidates = (
            select(
                o.id.label("owner_id"),
                literal(occurrence).label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj().label("payload"),
            )
            .join(expiring, expiring.c.owner_id == o.id)
            .where(self._reachable(market, Category.SERVICE))
        )
        return await self._insert("points_expiring", Category.SERVICE, candidates, now=now)

    async def add(self, message: OutboxMessage) -> bool:
        """Plan one message (event-driven rules); False if it was planned before."""
        return await insert_ignoring_duplicates(
            self.session,
            tables.outbox,
            {
                "owner_id": message.owner_id,
                "rule": message.rule,
                "occurrence": message.occurrence,
                "category": message.category,
                "due_at": message.due_at,
                "expires_at": message.expires_at,
                "payload": message.payload,
                "status": message.status,
                "attempts": 0,
                "last_error": "",
                "created_at": message.created_at,
            },
        )

    # --- sending ------------------------------------------------------------------------

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[int]:
        """Take up to `limit` due messages (and any whose sender died: lease expired)."""
        due = or_(
            and_(ob.status == OutboxStatus.PENDING.value, ob.due_at <= now),
            and_(ob.status == OutboxStatus.SENDING.value, ob.lease_until < now),
        )
        pick = select(ob.id).where(due).order_by(ob.due_at, ob.id).limit(limit)
        if self._dialect == "postgresql":
            # Several senders share the outbox: each skips rows another has locked.
            pick = pick.with_for_update(skip_locked=True)
        result = await self.session.execute(
            update(tables.outbox)
            .where(ob.id.in_(pick.scalar_subquery()))
            .values(
                status=OutboxStatus.SENDING.value,
                lease_until=now + lease,
                attempts=ob.attempts + 1,
            )
            .returning(ob.id)
        )
        return sorted(result.scalars().all())

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, message_id)

    async def lock_owner(self, owner_id: int) -> None:
        """Serialize send decisions per owner (caps), across senders on PostgreSQL."""
        if self._dialect == "postgresql":
            await self.session.execute(select(o.id).where(o.id == owner_id).with_for_update())

    async def caps(self, owner_id: int, now: datetime) -> CapState:
        """Marketing messages sent (or reserved for sending) in the last day and week."""
        sent = and_(
            ob.owner_id == owner_id,
            ob.category == Category.MARKETING.value,
            ob.sent_at.is_not(None),
            ob.status.in_([OutboxStatus.SENT.value, OutboxStatus.SENDING.value]),
        )
        week = (
            await self.session.execute(
                select(func.count(), func.min(ob.sent_at)).where(
                    sent, ob.sent_at > now - timedelta(days=7)
                )
            )
        ).one()
        day = (
            await self.session.execute(
                select(func.count(), func.max(ob.sent_at)).where(
                    sent, ob.sent_at > now - timedelta(days=1)
                )
            )
        ).one()
        return CapState(
            sent_last_day=int(day[0]),
            sent_last_week=int(week[0]),
            oldest_in_week=_aware(week[1]),
            latest_in_day=_aware(day[1]),
        )

    async def of_owner(self, owner_id: int) -> Sequence[OutboxMessage]:
        result = await self.session.execute(
            select(OutboxMessage).where(ob.owner_id == owner_id).order_by(ob.due_at, ob.id)
        )
        return result.scalars().all()

    async def stats(self, market: str | None, since: datetime) -> Sequence[Any]:
        """Messages per rule and status since a date (the KPI report)."""
        query = (
            select(ob.rule, ob.status, func.count().label("count"))
            .join(tables.owners, o.id == ob.owner_id)
            .where(ob.created_at >= since)
            .group_by(ob.rule, ob.status)
            .order_by(ob.rule, ob.status)
        )
        if market:
            query = query.where(o.market == market)
        return (await self.session.execute(query)).all()

    async def pending_count(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).where(
                    ob.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value])
                )
            )
            or 0
        )


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
