"""Club events and the owners' answers to them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.club_events import ClubEvent, EventFeedback, Rsvp


class ClubEventRepository(Protocol):
    def add(self, event: ClubEvent) -> None: ...
    async def get(self, event_id: int) -> ClubEvent | None: ...
    async def lock(self, event_id: int) -> ClubEvent | None:
        """The event, locked until the transaction ends: seats are counted under it."""
        ...

    async def starting_after(self, moment: datetime, market: str | None) -> Sequence[ClubEvent]:
        """Events not called off that start after `moment` (of one market, or all),
        soonest first."""
        ...


class RsvpRepository(Protocol):
    def add(self, rsvp: Rsvp) -> None: ...
    async def find(self, event_id: int, owner_id: int) -> Rsvp | None: ...
    async def by_code(self, code: str) -> Rsvp | None: ...
    async def of_event(self, event_id: int) -> Sequence[Rsvp]:
        """Every answer to the event, in the order they were given."""
        ...

    async def going(self, event_id: int) -> int:
        """Seats taken."""
        ...

    async def of_owner(self, owner_id: int) -> Sequence[Rsvp]:
        """The owner's answers to every event, oldest first."""
        ...


class EventFeedbackRepository(Protocol):
    def add(self, feedback: EventFeedback) -> None: ...
    async def for_rsvp(self, rsvp_id: int) -> EventFeedback | None: ...
    async def of_event(self, event_id: int) -> Sequence[EventFeedback]:
        """Oldest first."""
        ...

    async def of_owner(self, owner_id: int) -> Sequence[EventFeedback]:
        """Oldest first."""
        ...
