"""The outbox: one row per planned message, claimed by senders, settled after sending."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.care import CapState, Category, OutboxMessage, OutboxStatus, Rule
from storage import leases, tables
from storage.sql import insert_ignoring_duplicates

o = tables.owners.c
ob = tables.outbox.c


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _postgres(self) -> bool:
        return bool(self.session.bind and self.session.bind.dialect.name == "postgresql")

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

    async def claim(self, now: datetime, lease: timedelta, limit: int, token: str) -> list[int]:
        """Take up to `limit` due messages (and any whose sender died: lease expired).
        They come back most urgent first: what expires soonest (a birthday greeting is
        only good today) goes before what can wait, so it gets the day's marketing cap."""
        due = or_(
            and_(ob.status == OutboxStatus.PENDING, ob.due_at <= now),
            and_(ob.status == OutboxStatus.SENDING, ob.lease_until < now),
        )
        pick = select(ob.id).where(due).order_by(ob.due_at, ob.id).limit(limit)
        if self._postgres:
            # Several senders share the outbox: each skips rows another has locked.
            pick = pick.with_for_update(skip_locked=True)
        result = await self.session.execute(
            update(tables.outbox)
            .where(ob.id.in_(pick.scalar_subquery()))
            .values(
                status=OutboxStatus.SENDING,
                lease_until=now + lease,
                lease_token=token,
                attempts=ob.attempts + 1,
            )
            .returning(ob.id, ob.expires_at, ob.due_at)
        )
        never = datetime.max.replace(tzinfo=UTC)
        rows = sorted(
            result.all(), key=lambda r: (_aware(r.expires_at) or never, _aware(r.due_at), r.id)
        )
        return [row.id for row in rows]

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, message_id)

    async def extend(self, ids: Sequence[int], token: str, until: datetime) -> int:
        return await leases.extend(self.session, tables.outbox, ids, token, until)

    async def leased(self, message_id: int, token: str) -> OutboxMessage | None:
        return await leases.leased(
            self.session, OutboxMessage, message_id, token, lock=self._postgres
        )

    async def lock_owner(self, owner_id: int) -> None:
        """Serialize send decisions per owner (caps), across senders on PostgreSQL."""
        if self._postgres:
            await self.session.execute(select(o.id).where(o.id == owner_id).with_for_update())

    async def caps(self, owner_id: int, now: datetime) -> CapState:
        """Marketing messages sent (or reserved for sending) in the last day and week."""
        sent = and_(
            ob.owner_id == owner_id,
            ob.category == Category.MARKETING,
            ob.sent_at.is_not(None),
            ob.status.in_([OutboxStatus.SENT, OutboxStatus.SENDING]),
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

    async def outcomes(
        self, market: str | None, since: datetime
    ) -> list[tuple[Rule, OutboxStatus, str, int]]:
        """(rule, status, reason, count) of messages planned since a date (KPI report)."""
        query = (
            select(ob.rule, ob.status, ob.last_error, func.count())
            .join(tables.owners, o.id == ob.owner_id)
            .where(ob.created_at >= since)
            .group_by(ob.rule, ob.status, ob.last_error)
        )
        if market:
            query = query.where(o.market == market)
        return [
            (rule, status, str(reason), int(count))
            for rule, status, reason, count in (await self.session.execute(query)).all()
        ]

    async def pending_count(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).where(
                    ob.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
                )
            )
            or 0
        )

    async def oldest_due(self, now: datetime) -> datetime | None:
        return _aware(
            await self.session.scalar(
                select(func.min(ob.due_at)).where(
                    ob.status == OutboxStatus.PENDING, ob.due_at <= now
                )
            )
        )


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
