"""Service booking use cases for owners: find free slots, book, move, cancel.

Every function works inside the caller's unit of work and never commits. Free slots
come from one indexed range query on the reserved units plus the pure rules in
`bot.domain.slots`; a booking holds its units under the database's unique constraint,
so of two owners racing for the last free unit exactly one gets it, on SQLite and on
PostgreSQL alike, and the other is offered the nearest free alternatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.booking import (
    MAX_NOTES,
    OPEN_STATUSES,
    Booking,
    BookingStatus,
    InvalidTransition,
    VehicleRecall,
)
from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Dealer, Reference
from bot.domain.service_catalog import (
    FIRST_SERVICE,
    RECALL,
    SCHEDULED,
    DueService,
    PastService,
    next_service,
)
from bot.domain.slots import (
    MIN_LEAD,
    Slot,
    booking_horizon,
    day_slots,
    local_day,
    nearest,
    slot_at,
)
from bot.services.booking_perks import booking_window_days
from bot.services.ports import UnitOfWork

ALTERNATIVES = 4
ALTERNATIVE_SEARCH_DAYS = 7


class BookingError(Exception):
    """The booking cannot be made as asked."""


class Unbookable(StrEnum):
    """What in a booking request can't be booked."""

    VEHICLE = "vehicle"  # not the owner's vehicle
    CENTER = "center"  # unknown, or another market's
    SERVICES = "services"  # unknown, not offered there, or not for this model
    TRANSPORT = "transport"
    NOTES = "notes"  # too long
    SLOT = "slot"  # not a slot of the center
    REQUEST_KEY = "request key"  # another owner's confirm token
    BEYOND_WINDOW = "beyond the booking window"


class NotBookable(BookingError):
    """The request names something the owner may not book (another market's center, a
    service the center does not offer, a time that is not a slot of the center, a day
    beyond the booking window). Flows only send what they offered, so this means a
    forged or stale button."""

    def __init__(self, why: Unbookable) -> None:
        super().__init__(why.value)
        self.why = why


class SlotGone(BookingError):
    """The slot was free when offered but is not any more; `alternatives` are fresh."""

    def __init__(self, alternatives: Sequence[Slot]) -> None:
        super().__init__(f"{len(alternatives)} alternatives")
        self.alternatives = list(alternatives)


class SlotTaken(SlotGone):
    """Someone else booked it first (the unique constraint said so)."""


class SlotPast(SlotGone):
    """The time passed (or is too close) while the owner hesitated."""


class AlreadyBooked(BookingError):
    """The same confirm token already made this booking (a second tap)."""

    def __init__(self, booking: Booking) -> None:
        super().__init__(f"booking {booking.id}")
        self.booking = booking


@dataclass(frozen=True)
class BookingRequest:
    owner_id: int
    vehicle_id: int
    dealer_code: str
    services: tuple[str, ...]
    start: datetime
    transport: str
    request_key: str
    notes: str = ""


# --- what can be booked --------------------------------------------------------------


def _day_bounds(dealer: Dealer, first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants covering the local days `first`..`last` of the center."""
    tz = ZoneInfo(dealer.timezone)
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


async def window_days(uow: UnitOfWork, reference: Reference, owner_id: int) -> int:
    return await booking_window_days(uow, reference, owner_id)


async def slots_between(
    uow: UnitOfWork,
    dealer: Dealer,
    first: date,
    last: date,
    minutes: int,
    now: datetime,
    *,
    ignore_booking: int | None = None,
) -> dict[date, list[Slot]]:
    """Free slots per local day in `first`..`last`: one range query for the units held."""
    start, end = _day_bounds(dealer, first, last)
    taken = await uow.reservations.taken(dealer.code, start, end, ignore_booking=ignore_booking)
    not_before = now + MIN_LEAD
    found: dict[date, list[Slot]] = {}
    day = first
    while day <= last:
        slots = day_slots(dealer, day, minutes, taken, not_before=not_before)
        if slots:
            found[day] = slots
        day += timedelta(days=1)
    return found


async def free_slots(
    uow: UnitOfWork,
    dealer: Dealer,
    day: date,
    minutes: int,
    now: datetime,
    *,
    window: int,
    ignore_booking: int | None = None,
) -> list[Slot]:
    first, last = booking_horizon(dealer, now, window)
    if not first <= day <= last:
        return []
    found = await slots_between(uow, dealer, day, day, minutes, now, ignore_booking=ignore_booking)
    return found.get(day, [])


async def alternatives(
    uow: UnitOfWork,
    dealer: Dealer,
    wanted: datetime,
    minutes: int,
    now: datetime,
    *,
    window: int,
    ignore_booking: int | None = None,
    count: int = ALTERNATIVES,
) -> list[Slot]:
    """The free slots nearest to `wanted`, searching a week either side."""
    first, last = booking_horizon(dealer, now, window)
    day = local_day(wanted, dealer.timezone)
    low = max(first, day - timedelta(days=ALTERNATIVE_SEARCH_DAYS))
    high = min(last, day + timedelta(days=ALTERNATIVE_SEARCH_DAYS))
    if low > high:
        return []
    found = await slots_between(uow, dealer, low, high, minutes, now, ignore_booking=ignore_booking)
    return nearest((s for slots in found.values() for s in slots), wanted, count)


def bookable_operations(
    reference: Reference,
    dealer: Dealer | None,
    vehicle: Vehicle,
    *,
    first_service_done: bool,
    open_recalls: bool,
) -> list[str]:
    """Operations this vehicle may be booked for (at `dealer`, if given), in catalogue order."""
    model = reference.models.get(vehicle.model)
    codes: list[str] = []
    for code, operation in reference.catalog.operations.items():
        if model is not None and not operation.applies_to(model):
            continue
        if code == FIRST_SERVICE and first_service_done:
            continue
        if code == RECALL and not open_recalls:
            continue
        if dealer is not None and code not in dealer.services:
            continue
        codes.append(code)
    return codes


async def last_scheduled_service(uow: UnitOfWork, vehicle_id: int) -> PastService | None:
    for visit in await uow.visits.of_vehicle(vehicle_id):  # newest first
        if any(code in SCHEDULED for code in visit.services):
            return PastService(visit.visited_on, visit.mileage_km)
    return None


async def due_service(
    uow: UnitOfWork, reference: Reference, vehicle: Vehicle, today: date
) -> DueService | None:
    model = reference.models.get(vehicle.model)
    if model is None or vehicle.id is None:
        return None
    return next_service(
        model,
        delivery_date=vehicle.delivery_date,
        mileage_km=vehicle.mileage_km,
        last_service=await last_scheduled_service(uow, vehicle.id),
        today=today,
    )


async def open_recalls(uow: UnitOfWork, vehicle: Vehicle) -> list[VehicleRecall]:
    assert vehicle.id is not None
    return [r for r in await uow.recalls.of_vehicle(vehicle.id, vehicle.vin) if r.is_open]


def centers_for(reference: Reference, market: str, services: Sequence[str]) -> list[Dealer]:
    return [d for d in reference.dealers_in(market) if d.offers(tuple(services))]


# --- booking ----------------------------------------------------------------------------


def _check_request(
    reference: Reference, owner: Owner, vehicle: Vehicle | None, request: BookingRequest
) -> tuple[Dealer, int, tuple[datetime, ...]]:
    if vehicle is None or vehicle.owner_id != owner.id:
        raise NotBookable(Unbookable.VEHICLE)
    dealer = reference.dealers.get(request.dealer_code)
    if dealer is None or dealer.market != owner.market:
        raise NotBookable(Unbookable.CENTER)
    model = reference.models.get(vehicle.model)
    catalog = reference.catalog
    if (
        not request.services
        or len(set(request.services)) != len(request.services)
        or any(catalog.get(code) is None for code in request.services)
        or not dealer.offers(request.services)
        or (
            model is not None
            and not all(catalog.operations[c].applies_to(model) for c in request.services)
        )
    ):
        raise NotBookable(Unbookable.SERVICES)
    if request.transport not in dealer.transport:
        raise NotBookable(Unbookable.TRANSPORT)
    if len(request.notes) > MAX_NOTES:
        raise NotBookable(Unbookable.NOTES)
    minutes = catalog.duration(request.services, vehicle.model)
    units = slot_at(dealer, request.start, minutes)
    if units is None:
        raise NotBookable(Unbookable.SLOT)
    return dealer, minutes, units


async def book(
    uow: UnitOfWork,
    reference: Reference,
    owner: Owner,
    request: BookingRequest,
    *,
    actor: str,
    now: datetime,
) -> Booking:
    """Book a slot for the owner: status "requested" until the center confirms."""
    assert owner.id is not None
    await uow.owners.lock(owner.id)  # two taps on two workers: the second waits here
    existing = await uow.bookings.by_request_key(request.request_key)
    if existing is not None:
        if existing.owner_id != owner.id:
            raise NotBookable(Unbookable.REQUEST_KEY)
        raise AlreadyBooked(existing)
    vehicle = await uow.vehicles.get(request.vehicle_id)
    dealer, minutes, units = _check_request(reference, owner, vehicle, request)
    window = await window_days(uow, reference, owner.id)
    _first, last = booking_horizon(dealer, now, window)
    if local_day(request.start, dealer.timezone) > last:
        raise NotBookable(Unbookable.BEYOND_WINDOW)
    if request.start < now + MIN_LEAD:
        raise SlotPast(await alternatives(uow, dealer, request.start, minutes, now, window=window))
    booking = Booking(
        owner_id=owner.id,
        vehicle_id=request.vehicle_id,
        dealer_code=dealer.code,
        services=list(request.services),
        starts_at=request.start,
        ends_at=request.start + timedelta(minutes=minutes),
        transport=request.transport,
        status=BookingStatus.REQUESTED,
        request_key=request.request_key,
        notes=request.notes,
        created_at=now,
        updated_at=now,
    )
    uow.bookings.add(booking)
    await uow.flush()
    assert booking.id is not None
    bay = await _reserve(uow, dealer, units, booking.id)
    if bay is None:
        await uow.bookings.delete(booking)
        raise SlotTaken(await alternatives(uow, dealer, request.start, minutes, now, window=window))
    booking.bay = bay
    uow.booking_changes.add(booking.opened(actor))
    return booking


async def _reserve(
    uow: UnitOfWork, dealer: Dealer, units: tuple[datetime, ...], booking_id: int
) -> int | None:
    """Hold the units on the first bay that has them all free; None if none has."""
    step = timedelta(minutes=dealer.slot_minutes)
    taken = await uow.reservations.taken(dealer.code, units[0], units[-1] + step)
    for bay in range(1, dealer.bays + 1):
        if any((bay, unit) in taken for unit in units):
            continue
        if await uow.reservations.reserve(dealer.code, bay, units, booking_id):
            return bay
    return None


async def claim(uow: UnitOfWork, booking: Booking, *expected: BookingStatus) -> Booking:
    """Compare-and-set's first half: lock the booking's row, which re-reads it in place,
    and go on only if it is still in one of the `expected` states (any open one if none
    is named). Of two people changing one booking at once (two advisors, an advisor and
    the owner) the second waits here and then finds the first's change: exactly one
    wins, the other gets InvalidTransition with the state it lost to.

    Returns the locked booking: `booking` itself when this unit of work loaded it (the
    lock refreshes it in place), else the unit of work's own copy."""
    assert booking.id is not None
    current = await uow.bookings.lock(booking.id)
    if current is None:
        raise InvalidTransition(booking.state, BookingStatus.CANCELLED)
    if current.state not in (expected or OPEN_STATUSES):
        raise InvalidTransition(current.state, expected[0] if expected else BookingStatus.REQUESTED)
    return current


async def reschedule(
    uow: UnitOfWork,
    reference: Reference,
    booking: Booking,
    start: datetime,
    *,
    actor: str,
    now: datetime,
    reason: str = "",
    proposed: bool = False,
    window: int | None = None,
    expected: tuple[BookingStatus, ...] = (),
) -> Booking:
    """Move an open booking (one in an `expected` state, if named) to `start`
    atomically: its old units are given back and the new ones taken in this unit of
    work; if the new ones are gone, it keeps the old."""
    booking = await claim(uow, booking, *expected)
    assert booking.id is not None
    dealer = reference.dealers[booking.dealer_code]
    vehicle = await uow.vehicles.get(booking.vehicle_id)
    model_code = vehicle.model if vehicle else ""
    minutes = reference.catalog.duration(booking.services, model_code)
    units = slot_at(dealer, start, minutes)
    if units is None:
        raise NotBookable(Unbookable.SLOT)
    if window is None:
        window = await window_days(uow, reference, booking.owner_id)
    _first, last = booking_horizon(dealer, now, window)
    if local_day(start, dealer.timezone) > last:
        raise NotBookable(Unbookable.BEYOND_WINDOW)
    if start < now + MIN_LEAD:
        raise SlotPast(
            await alternatives(
                uow, dealer, start, minutes, now, window=window, ignore_booking=booking.id
            )
        )
    held = await uow.reservations.held_by(booking.id)
    await uow.reservations.release(booking.id)
    bay = await _reserve(uow, dealer, units, booking.id)
    if bay is None:
        for old_bay in sorted({b for b, _unit in held}):
            old_units = sorted(unit for b, unit in held if b == old_bay)
            if not await uow.reservations.reserve(dealer.code, old_bay, old_units, booking.id):
                raise RuntimeError(f"booking {booking.id} could not take back its own units")
        raise SlotTaken(
            await alternatives(
                uow, dealer, start, minutes, now, window=window, ignore_booking=booking.id
            )
        )
    change = booking.move(
        start,
        start + timedelta(minutes=minutes),
        bay,
        actor=actor,
        reason=reason,
        now=now,
        proposed=proposed,
    )
    uow.booking_changes.add(change)
    return booking


async def cancel(
    uow: UnitOfWork,
    booking: Booking,
    *,
    actor: str,
    reason: str,
    now: datetime,
    expected: tuple[BookingStatus, ...] = (),
) -> None:
    """Cancel an open booking (one in an `expected` state, if named) and give its
    units back."""
    booking = await claim(uow, booking, *expected)
    assert booking.id is not None
    uow.booking_changes.add(
        booking.change_status(BookingStatus.CANCELLED, actor=actor, reason=reason, now=now)
    )
    await uow.reservations.release(booking.id)


async def accept_proposal(uow: UnitOfWork, booking: Booking, *, actor: str, now: datetime) -> None:
    """The owner accepts the time the center proposed: the booking is confirmed."""
    booking = await claim(uow, booking, BookingStatus.REQUESTED)
    if not booking.proposed or booking.state is not BookingStatus.REQUESTED:
        raise InvalidTransition(booking.state, BookingStatus.CONFIRMED)
    uow.booking_changes.add(
        booking.change_status(
            BookingStatus.CONFIRMED, actor=actor, reason="", now=now, action="accepted"
        )
    )


def owner_today(reference: Reference, owner: Owner, now: datetime) -> date:
    zone = owner.timezone or reference.market(owner.market).timezone
    return now.astimezone(ZoneInfo(zone)).date()
