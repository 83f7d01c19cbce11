"""Club events as flows look them up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.club_events import ClubEvent, EventFeedback, Rsvp, RsvpStatus
from bot.services.club_events import holds_a_place
from bot.services.ports import UnitOfWork


async def event_by_id(uow: UnitOfWork, event_id: int) -> ClubEvent | None:
    return await uow.club_events.get(event_id)


async def upcoming_events(uow: UnitOfWork, market: str, now: datetime) -> Sequence[ClubEvent]:
    return await uow.club_events.starting_after(now, market)


async def seats_taken(uow: UnitOfWork, event_id: int) -> int:
    return await uow.rsvps.going(event_id)


async def to_be_told_if_cancelled(uow: UnitOfWork, event_id: int) -> int:
    """The owners with a seat or on the waitlist: whom calling the event off tells."""
    return sum(1 for rsvp in await uow.rsvps.of_event(event_id) if holds_a_place(rsvp))


async def answer_of(uow: UnitOfWork, event_id: int, owner_id: int) -> Rsvp | None:
    return await uow.rsvps.find(event_id, owner_id)


async def owner_models(uow: UnitOfWork, owner_id: int) -> set[str]:
    return {vehicle.model for vehicle in await uow.vehicles.of_owner(owner_id)}


async def seats_of(uow: UnitOfWork, owner_id: int, now: datetime) -> list[tuple[ClubEvent, Rsvp]]:
    """The owner's confirmed seats at events still to come (not called off), soonest first."""
    seats = []
    for rsvp in await uow.rsvps.of_owner(owner_id):
        if rsvp.status is not RsvpStatus.GOING:
            continue
        event = await uow.club_events.get(rsvp.event_id)
        if event is not None and event.starts_at > now and event.cancelled_at is None:
            seats.append((event, rsvp))
    return sorted(seats, key=lambda seat: (seat[0].starts_at, seat[0].id or 0))


async def feedback_of(uow: UnitOfWork, rsvp_id: int) -> EventFeedback | None:
    return await uow.event_feedback.for_rsvp(rsvp_id)
