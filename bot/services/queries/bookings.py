"""An owner's bookings and visits, as the booking flows read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.booking import Booking, ServiceVisit
from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Reference
from bot.services.booking_perks import loyalty_tier
from bot.services.ports import UnitOfWork

# Changes after which an owner's calendar file must replace the one they saved.
_CALENDAR_CHANGES = ("rescheduled", "proposed", "cancelled")


@dataclass(frozen=True)
class BookingOverview:
    upcoming: Sequence[Booking]  # soonest first
    past: Sequence[ServiceVisit]  # newest first


async def overview(
    uow: UnitOfWork, owner_id: int, now: datetime, *, upcoming: int, past: int
) -> BookingOverview:
    """At most `upcoming` open bookings still ahead and `past` visits."""
    bookings = [b for b in await uow.bookings.of_owner(owner_id) if b.is_upcoming(now)]
    visits = list(await uow.visits.of_owner(owner_id))
    return BookingOverview(bookings[:upcoming], visits[:past])


async def upcoming_bookings(uow: UnitOfWork, owner_id: int, now: datetime) -> list[Booking]:
    """The owner's open bookings still ahead, soonest first."""
    return [b for b in await uow.bookings.of_owner(owner_id) if b.is_upcoming(now)]


async def booked_for(
    uow: UnitOfWork, owner_id: int, vehicle_id: int, services: Sequence[str], now: datetime
) -> Booking | None:
    """The car's upcoming open booking that already holds one of `services`, if any."""
    wanted = set(services)
    for booking in await upcoming_bookings(uow, owner_id, now):
        if booking.vehicle_id == vehicle_id and wanted & set(booking.services):
            return booking
    return None


async def owned_booking(uow: UnitOfWork, owner_id: int, booking_id: int) -> Booking | None:
    """The booking, if it is this owner's (ids come back from the client)."""
    found = await uow.bookings.get(booking_id)
    return found if found is not None and found.owner_id == owner_id else None


async def upcoming_booking(
    uow: UnitOfWork, owner_id: int, booking_id: int, now: datetime
) -> Booking | None:
    """The owner's booking while it is still open and ahead."""
    found = await owned_booking(uow, owner_id, booking_id)
    return found if found is not None and found.is_upcoming(now) else None


async def has_upcoming_booking(
    uow: UnitOfWork, owner_id: int, now: datetime, *, vehicle_id: int | None = None
) -> bool:
    """Whether the owner (for this car, if given) has an open booking still ahead."""
    return any(
        b.is_upcoming(now) and (vehicle_id is None or b.vehicle_id == vehicle_id)
        for b in await uow.bookings.of_owner(owner_id)
    )


async def by_confirm_token(uow: UnitOfWork, token: str) -> Booking | None:
    """The booking a summary's confirm button already made, if it made one."""
    return await uow.bookings.by_request_key(token)


async def last_center(uow: UnitOfWork, owner_id: int) -> str | None:
    """The center the owner last booked, else the one they last visited."""
    booked = await uow.bookings.last_dealer_of(owner_id)
    if booked is not None:
        return booked
    visits = await uow.visits.of_owner(owner_id)  # newest first
    return visits[0].dealer_code if visits else None


async def calendar_sequence(uow: UnitOfWork, booking_id: int) -> int:
    """How many times the booking's time changed or it was cancelled: its calendar
    file's sequence number (a cancellation is the event's last version)."""
    return sum(
        1 for c in await uow.booking_changes.of_booking(booking_id) if c.action in _CALENDAR_CHANGES
    )


@dataclass(frozen=True)
class CardSubjects:
    owner: Owner | None
    vehicle: Vehicle | None


async def card_subjects(uow: UnitOfWork, booking: Booking) -> CardSubjects:
    """Whose car a booking is for, as a staff card shows it."""
    return CardSubjects(
        await uow.owners.get(booking.owner_id), await uow.vehicles.get(booking.vehicle_id)
    )


async def service_discount_percent(uow: UnitOfWork, reference: Reference, owner_id: int) -> int:
    """The owner's tier discount on service labour, in percent (0 for Explorers)."""
    owner = await uow.owners.get(owner_id)
    if owner is None or owner.market not in reference.loyalty:
        return 0
    tier = await loyalty_tier(uow, owner_id)
    return reference.rules(owner.market).perks[tier].service_discount_percent
