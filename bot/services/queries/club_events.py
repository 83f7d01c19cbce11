"""Club events as flows look them up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.club_events import ClubEvent, Rsvp
from bot.services.ports import UnitOfWork


async def event_by_id(uow: UnitOfWork, event_id: int) -> ClubEvent | None:
    return await uow.club_events.get(event_id)


async def upcoming_events(uow: UnitOfWork, market: str, now: datetime) -> Sequence[ClubEvent]:
    return await uow.club_events.starting_after(now, market)


async def seats_taken(uow: UnitOfWork, event_id: int) -> int:
    return await uow.rsvps.going(event_id)


async def answer_of(uow: UnitOfWork, event_id: int, owner_id: int) -> Rsvp | None:
    return await uow.rsvps.find(event_id, owner_id)


async def owner_models(uow: UnitOfWork, owner_id: int) -> set[str]:
    return {vehicle.model for vehicle in await uow.vehicles.of_owner(owner_id)}
