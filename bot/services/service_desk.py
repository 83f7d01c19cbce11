"""What service-center staff do with bookings: confirm, propose another time, decline,
mark arrived or no-show, and complete with the invoice amount.

Every action re-reads the booking, checks the person's role at the booking's center
(`require_staff`) and is audited. Completing a visit records a `ServiceVisit` and raises
`VisitCompleted` for whoever subscribes (the loyalty feature will).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain.booking import Booking, BookingStatus, ServiceVisit, VisitSource
from bot.domain.events import VisitCompleted
from bot.domain.odometer import record_dealer_reading
from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Reference
from bot.domain.service_catalog import RECALL
from bot.domain.slots import local_day
from bot.domain.staff import Role, StaffMember
from bot.services import booking as booking_service
from bot.services.ports import UnitOfWork
from bot.services.staff import actor_id, audit, require_staff

MAX_INVOICE_MINOR = 10**11  # a sanity bound, far above any service invoice


class UnknownBooking(Exception):
    """No booking has this id (a forged or stale button)."""


async def desk_booking(
    uow: UnitOfWork, reference: Reference, *, channel: str, user_id: int, booking_id: int
) -> tuple[StaffMember, Booking]:
    """The booking and the advisor acting on it; NotStaff unless they serve its center."""
    booking = await uow.bookings.get(booking_id)
    if booking is None:
        raise UnknownBooking(booking_id)
    member = await require_staff(
        uow, channel, user_id, Role.ADVISOR, dealer=reference.dealers.get(booking.dealer_code)
    )
    return member, booking


def _actor(member: StaffMember) -> str:
    return actor_id(member.channel, member.user_id)


def _target(booking: Booking) -> str:
    return f"booking:{booking.id}"


# The states in which the desk offers each action (its buttons): a press is a
# compare-and-set from one of them, so a card pressed after someone else acted is stale.
_FROM: dict[BookingStatus, tuple[BookingStatus, ...]] = {
    BookingStatus.CONFIRMED: (BookingStatus.REQUESTED,),
    BookingStatus.ARRIVED: (BookingStatus.CONFIRMED, BookingStatus.REQUESTED),
    BookingStatus.NO_SHOW: (BookingStatus.CONFIRMED,),
    BookingStatus.COMPLETED: (BookingStatus.ARRIVED,),
}


async def _set_status(
    uow: UnitOfWork,
    member: StaffMember,
    booking: Booking,
    status: BookingStatus,
    *,
    reason: str,
    now: datetime,
) -> None:
    booking = await booking_service.claim(uow, booking, *_FROM[status])
    before = booking.status
    uow.booking_changes.add(
        booking.change_status(status, actor=_actor(member), reason=reason, now=now)
    )
    audit(
        uow,
        _actor(member),
        f"booking.{status.value}",
        _target(booking),
        reason,
        now,
        dealer=booking.dealer_code,
        before=before,
    )


async def confirm(uow: UnitOfWork, member: StaffMember, booking: Booking, now: datetime) -> None:
    await _set_status(uow, member, booking, BookingStatus.CONFIRMED, reason="", now=now)


class TooEarly(Exception):
    """A car can't arrive before the day of its visit, nor miss a time still to come."""


async def mark_arrived(
    uow: UnitOfWork, reference: Reference, member: StaffMember, booking: Booking, now: datetime
) -> None:
    """Checked in: from the start of the visit's day at the center (early is fine)."""
    zone = reference.dealers[booking.dealer_code].timezone
    if local_day(now, zone) < local_day(booking.starts_at, zone):
        raise TooEarly
    await _set_status(uow, member, booking, BookingStatus.ARRIVED, reason="", now=now)


async def mark_no_show(
    uow: UnitOfWork, member: StaffMember, booking: Booking, now: datetime
) -> None:
    """Didn't come: only once the booked time has begun."""
    if now < booking.starts_at:
        raise TooEarly
    await _set_status(uow, member, booking, BookingStatus.NO_SHOW, reason="", now=now)


async def decline(
    uow: UnitOfWork, member: StaffMember, booking: Booking, *, reason: str, now: datetime
) -> None:
    """Only a booking not yet confirmed: a Decline pressed while another advisor
    confirmed it loses (the owner is never told both)."""
    booking = await booking_service.claim(uow, booking, BookingStatus.REQUESTED)
    before = booking.status
    await booking_service.cancel(
        uow,
        booking,
        actor=_actor(member),
        reason=reason,
        now=now,
        expected=(BookingStatus.REQUESTED,),
    )
    audit(
        uow,
        _actor(member),
        "booking.decline",
        _target(booking),
        reason,
        now,
        dealer=booking.dealer_code,
        before=before,
    )


async def propose(
    uow: UnitOfWork,
    reference: Reference,
    member: StaffMember,
    booking: Booking,
    start: datetime,
    now: datetime,
) -> None:
    """Move the booking to a time the center can do; the owner accepts or picks another."""
    booking = await booking_service.claim(uow, booking, BookingStatus.REQUESTED)
    before = booking.starts_at
    await booking_service.reschedule(
        uow,
        reference,
        booking,
        start,
        actor=_actor(member),
        now=now,
        reason="proposed by the center",
        proposed=True,
        expected=(BookingStatus.REQUESTED,),
    )
    audit(
        uow,
        _actor(member),
        "booking.propose",
        _target(booking),
        "",
        now,
        dealer=booking.dealer_code,
        before=before.isoformat(),
        after=start.isoformat(),
    )


async def complete(
    uow: UnitOfWork,
    reference: Reference,
    member: StaffMember,
    booking: Booking,
    invoice_minor: int,
    now: datetime,
) -> ServiceVisit:
    """Completed and invoiced: a service visit, a closed recall if one was fixed, and a
    VisitCompleted event in this unit of work."""
    if not 0 <= invoice_minor <= MAX_INVOICE_MINOR:
        raise ValueError("invoice amount out of range")
    await _set_status(uow, member, booking, BookingStatus.COMPLETED, reason="", now=now)
    dealer = reference.dealers[booking.dealer_code]
    vehicle = await uow.vehicles.get(booking.vehicle_id)
    assert booking.id is not None
    visit = await record_visit(
        uow,
        reference,
        owner_id=booking.owner_id,
        vehicle_id=booking.vehicle_id,
        dealer_code=booking.dealer_code,
        visited_on=local_day(booking.starts_at, dealer.timezone),
        invoice_minor=invoice_minor,
        mileage_km=vehicle.mileage_km if vehicle else None,
        services=list(booking.services),
        source=VisitSource.BOOKING,
        booking_id=booking.id,
        now=now,
    )
    audit(
        uow,
        _actor(member),
        "visit.record",
        _target(booking),
        "",
        now,
        visit=visit.id,
        invoice_minor=invoice_minor,
        currency=visit.currency,
    )
    return visit


async def record_visit(
    uow: UnitOfWork,
    reference: Reference,
    *,
    owner_id: int,
    vehicle_id: int,
    dealer_code: str,
    visited_on: date,
    invoice_minor: int,
    mileage_km: int | None,
    services: list[str],
    source: VisitSource,
    now: datetime,
    booking_id: int | None = None,
    announce: bool = True,
) -> ServiceVisit:
    """A visit at a center, completed from a booking or recorded by staff. `announce`
    raises VisitCompleted (history loaded for a demo is not announced)."""
    dealer = reference.dealers[dealer_code]
    visit = ServiceVisit(
        owner_id=owner_id,
        vehicle_id=vehicle_id,
        dealer_code=dealer_code,
        visited_on=visited_on,
        invoice_minor=invoice_minor,
        currency=reference.market(dealer.market).currency,
        recorded_at=now,
        mileage_km=mileage_km,
        services=services,
        booking_id=booking_id,
        source=source,
    )
    uow.visits.add(visit)
    await uow.flush()
    assert visit.id is not None
    if RECALL in services:
        vehicle = await uow.vehicles.get(vehicle_id)
        if vehicle is not None:
            for recall in await booking_service.open_recalls(uow, vehicle):
                recall.close(now)
    if announce:
        uow.events.append(
            VisitCompleted(
                visit_id=visit.id,
                owner_id=owner_id,
                vehicle_id=vehicle_id,
                dealer_code=dealer_code,
                invoice_minor=invoice_minor,
                currency=visit.currency,
                completed_at=now,
                booking_id=booking_id,
            )
        )
    return visit


class VisitRefusal(StrEnum):
    UNKNOWN_VEHICLE = "unknown_vehicle"
    UNKNOWN_DEALER = "unknown_dealer"
    UNKNOWN_SERVICES = "unknown_services"
    NO_SERVICES = "no_services"
    OUT_OF_RANGE = "out_of_range"  # the invoice amount or the date


class VisitRefused(ValueError):
    """A visit the desk tried to record names an unknown vehicle, center or service.
    `why` says which; the message says it to a person at the terminal."""

    def __init__(self, why: VisitRefusal, message: str) -> None:
        super().__init__(message)
        self.why = why


async def record_desk_visit(
    uow: UnitOfWork,
    reference: Reference,
    *,
    vin: str,
    dealer_code: str,
    visited_on: date,
    invoice_minor: int,
    mileage_km: int | None,
    services: list[str],
    actor: str,
    now: datetime,
) -> ServiceVisit:
    """A visit staff record without a booking (a walk-in, a visit from the dealer
    system). Announced like a completed booking, and audited."""
    vehicle = await uow.vehicles.by_vin(vin)
    if vehicle is None or vehicle.id is None:
        raise VisitRefused(VisitRefusal.UNKNOWN_VEHICLE, f"no vehicle with VIN {vin}")
    if dealer_code not in reference.dealers:
        raise VisitRefused(VisitRefusal.UNKNOWN_DEALER, f"unknown dealer {dealer_code}")
    unknown = [code for code in services if reference.catalog.get(code) is None]
    if unknown:
        raise VisitRefused(VisitRefusal.UNKNOWN_SERVICES, f"unknown services {unknown}")
    if not services:
        raise VisitRefused(VisitRefusal.NO_SERVICES, "no services")
    if not 0 <= invoice_minor <= MAX_INVOICE_MINOR or visited_on > now.date():
        raise VisitRefused(VisitRefusal.OUT_OF_RANGE, "invoice amount or date out of range")
    if mileage_km is not None:
        record_dealer_reading(vehicle, mileage_km, visited_on, visit=True)
    visit = await record_visit(
        uow,
        reference,
        owner_id=vehicle.owner_id,
        vehicle_id=vehicle.id,
        dealer_code=dealer_code,
        visited_on=visited_on,
        invoice_minor=invoice_minor,
        mileage_km=mileage_km,
        services=services,
        source=VisitSource.STAFF,
        now=now,
    )
    audit(
        uow,
        actor,
        "visit.record",
        f"vehicle:{vehicle.id}",
        "",
        now,
        visit=visit.id,
        dealer=dealer_code,
        invoice_minor=invoice_minor,
        currency=visit.currency,
    )
    return visit


# --- the service desk's lists (CLI) ---------------------------------------------------


@dataclass(frozen=True)
class DeskRow:
    booking: Booking
    owner: Owner | None
    vehicle: Vehicle | None


async def desk_rows(
    uow: UnitOfWork,
    reference: Reference,
    *,
    start: datetime,
    end: datetime,
    dealer_code: str | None = None,
    day: date | None = None,
) -> list[DeskRow]:
    """Bookings starting in [start, end) (optionally on one local `day` of each center),
    with their owners and vehicles."""
    if day is not None:
        # A local day is within a day either side of the same UTC date.
        start = datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=start.tzinfo)
        end = start + timedelta(days=3)
    bookings = await uow.bookings.between(start, end, dealer_code)
    owners: dict[int, Owner | None] = {}
    vehicles: dict[int, Vehicle | None] = {}
    rows: list[DeskRow] = []
    for booking in bookings:
        dealer = reference.dealers.get(booking.dealer_code)
        if day is not None and (
            dealer is None or local_day(booking.starts_at, dealer.timezone) != day
        ):
            continue
        if booking.owner_id not in owners:
            owners[booking.owner_id] = await uow.owners.get(booking.owner_id)
        if booking.vehicle_id not in vehicles:
            vehicles[booking.vehicle_id] = await uow.vehicles.get(booking.vehicle_id)
        rows.append(DeskRow(booking, owners[booking.owner_id], vehicles[booking.vehicle_id]))
    return rows
