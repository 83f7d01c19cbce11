"""In-memory club events and RSVPs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.club_events import ClubEvent, EventFeedback, Rsvp, RsvpStatus
from tests.fakes.store import Store, Table


class FakeClubEventRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[ClubEvent] = store.table("club_events")

    def add(self, event: ClubEvent) -> None:
        self.table.add(event)

    async def get(self, event_id: int) -> ClubEvent | None:
        self.store.flush()
        return next((e for e in self.table if e.id == event_id), None)

    async def lock(self, event_id: int) -> ClubEvent | None:
        return await self.get(event_id)

    async def starting_after(self, moment: datetime, market: str | None) -> Sequence[ClubEvent]:
        self.store.flush()
        found = (
            e
            for e in self.table
            if e.starts_at > moment
            and e.cancelled_at is None
            and (market is None or e.market == market)
        )
        return sorted(found, key=lambda e: (e.starts_at, e.id or 0))


class FakeRsvpRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Rsvp] = store.table("event_rsvps", lambda r: (r.event_id, r.owner_id))

    def add(self, rsvp: Rsvp) -> None:
        self.table.add(rsvp)

    async def find(self, event_id: int, owner_id: int) -> Rsvp | None:
        self.store.flush()
        return next(
            (r for r in self.table if (r.event_id, r.owner_id) == (event_id, owner_id)), None
        )

    async def by_code(self, code: str) -> Rsvp | None:
        self.store.flush()
        return next((r for r in self.table if r.checkin_code == code), None)

    async def of_event(self, event_id: int) -> Sequence[Rsvp]:
        self.store.flush()
        found = (r for r in self.table if r.event_id == event_id)
        return sorted(found, key=lambda r: (r.created_at, r.id or 0))

    async def going(self, event_id: int) -> int:
        self.store.flush()
        return sum(r.event_id == event_id and r.status is RsvpStatus.GOING for r in self.table)

    async def of_owner(self, owner_id: int) -> Sequence[Rsvp]:
        self.store.flush()
        found = (r for r in self.table if r.owner_id == owner_id)
        return sorted(found, key=lambda r: (r.created_at, r.id or 0))


class FakeEventFeedbackRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[EventFeedback] = store.table("event_feedback", lambda f: f.rsvp_id)

    def add(self, feedback: EventFeedback) -> None:
        self.table.add(feedback)

    async def for_rsvp(self, rsvp_id: int) -> EventFeedback | None:
        self.store.flush()
        return next((f for f in self.table if f.rsvp_id == rsvp_id), None)

    async def of_event(self, event_id: int) -> Sequence[EventFeedback]:
        self.store.flush()
        found = (f for f in self.table if f.event_id == event_id)
        return sorted(found, key=lambda f: (f.answered_at, f.id or 0))

    async def of_owner(self, owner_id: int) -> Sequence[EventFeedback]:
        self.store.flush()
        found = (f for f in self.table if f.owner_id == owner_id)
        return sorted(found, key=lambda f: (f.answered_at, f.id or 0))
