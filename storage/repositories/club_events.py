"""Club events and the owners' answers to them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from bot.domain.club_events import ClubEvent, EventFeedback, Rsvp, RsvpStatus
from storage import tables
from storage.repositories.base import SqlRepository

ev = tables.club_events.c
rs = tables.event_rsvps.c
fb = tables.event_feedback.c


class SqlClubEventRepository(SqlRepository[ClubEvent]):
    async def get(self, event_id: int) -> ClubEvent | None:
        return await self.session.get(ClubEvent, event_id)

    async def lock(self, event_id: int) -> ClubEvent | None:
        """PostgreSQL: SELECT ... FOR UPDATE. SQLite: the transaction already holds the
        database's write lock (BEGIN IMMEDIATE)."""
        result = await self.session.execute(
            select(ClubEvent)
            .where(ev.id == event_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def starting_after(self, moment: datetime, market: str | None) -> Sequence[ClubEvent]:
        query = select(ClubEvent).where(ev.starts_at > moment, ev.cancelled_at.is_(None))
        if market is not None:
            query = query.where(ev.market == market)
        result = await self.session.execute(query.order_by(ev.starts_at, ev.id))
        return result.scalars().all()


class SqlRsvpRepository(SqlRepository[Rsvp]):
    async def find(self, event_id: int, owner_id: int) -> Rsvp | None:
        result = await self.session.execute(
            select(Rsvp).where(rs.event_id == event_id, rs.owner_id == owner_id)
        )
        return result.scalar_one_or_none()

    async def by_code(self, code: str) -> Rsvp | None:
        result = await self.session.execute(select(Rsvp).where(rs.checkin_code == code))
        return result.scalar_one_or_none()

    async def of_event(self, event_id: int) -> Sequence[Rsvp]:
        result = await self.session.execute(
            select(Rsvp).where(rs.event_id == event_id).order_by(rs.created_at, rs.id)
        )
        return result.scalars().all()

    async def going(self, event_id: int) -> int:
        result = await self.session.execute(
            select(func.count())
            .select_from(tables.event_rsvps)
            .where(rs.event_id == event_id, rs.status == RsvpStatus.GOING)
        )
        return int(result.scalar_one())

    async def of_owner(self, owner_id: int) -> Sequence[Rsvp]:
        result = await self.session.execute(
            select(Rsvp).where(rs.owner_id == owner_id).order_by(rs.created_at, rs.id)
        )
        return result.scalars().all()


class SqlEventFeedbackRepository(SqlRepository[EventFeedback]):
    async def for_rsvp(self, rsvp_id: int) -> EventFeedback | None:
        result = await self.session.execute(select(EventFeedback).where(fb.rsvp_id == rsvp_id))
        return result.scalar_one_or_none()

    async def of_event(self, event_id: int) -> Sequence[EventFeedback]:
        result = await self.session.execute(
            select(EventFeedback).where(fb.event_id == event_id).order_by(fb.answered_at, fb.id)
        )
        return result.scalars().all()

    async def of_owner(self, owner_id: int) -> Sequence[EventFeedback]:
        result = await self.session.execute(
            select(EventFeedback).where(fb.owner_id == owner_id).order_by(fb.answered_at, fb.id)
        )
        return result.scalars().all()
