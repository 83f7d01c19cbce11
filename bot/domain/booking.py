"""Service bookings, their history, service visits and safety recalls.

Plain dataclasses (mapped in `storage/mapping.py`) and the rules that move a booking
through its life: requested -> confirmed -> arrived -> completed, or no-show, or
cancelled. Every change is a `BookingChange` row: who, when, what and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class BookingStatus(StrEnum):
    REQUESTED = "requested"  # the owner booked; the center has not confirmed yet
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


# Bookings that hold their slot and may still be moved or cancelled.
OPEN_STATUSES = frozenset({BookingStatus.REQUESTED, BookingStatus.CONFIRMED})

_TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.REQUESTED: frozenset(
        {BookingStatus.CONFIRMED, BookingStatus.ARRIVED, BookingStatus.CANCELLED}
    ),
    BookingStatus.CONFIRMED: frozenset(
        {BookingStatus.ARRIVED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED}
    ),
    BookingStatus.ARRIVED: frozenset({BookingStatus.COMPLETED}),
    BookingStatus.COMPLETED: frozenset(),
    BookingStatus.NO_SHOW: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
}

# How the car gets to the center and the owner gets on with the day.
TRANSPORT_OPTIONS = ("wait", "courtesy_car", "pickup")
MAX_NOTES = 500


class InvalidTransition(Exception):
    def __init__(self, current: BookingStatus, wanted: BookingStatus) -> None:
        super().__init__(f"{current} -> {wanted}")
        self.current = current
        self.wanted = wanted


@dataclass(eq=False)
class Booking:
    owner_id: int
    vehicle_id: int
    dealer_code: str
    services: list[str]
    starts_at: datetime  # UTC; shown in the center's zone
    ends_at: datetime
    transport: str
    status: BookingStatus
    request_key: str  # the confirm token: a second tap finds this booking instead
    created_at: datetime
    updated_at: datetime
    bay: int = 1
    notes: str = ""
    proposed: bool = False  # the center proposed this time; the owner's accept confirms it
    id: int | None = None

    @property
    def state(self) -> BookingStatus:
        return self.status

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_upcoming(self, now: datetime) -> bool:
        return self.is_open and self.ends_at > now

    def change_status(
        self, wanted: BookingStatus, *, actor: str, reason: str, now: datetime, action: str = ""
    ) -> BookingChange:
        current = self.state
        if wanted not in _TRANSITIONS[current]:
            raise InvalidTransition(current, wanted)
        self.status = wanted
        self.updated_at = now
        if wanted is not BookingStatus.REQUESTED:
            self.proposed = False
        return self._change(action or wanted.value, current, actor, reason, now)

    def move(
        self,
        starts_at: datetime,
        ends_at: datetime,
        bay: int,
        *,
        actor: str,
        reason: str,
        now: datetime,
        proposed: bool = False,
    ) -> BookingChange:
        """A new time; the center confirms again (or, for its own proposal, the owner)."""
        if not self.is_open:
            raise InvalidTransition(self.state, BookingStatus.REQUESTED)
        before = self.state
        self.starts_at, self.ends_at, self.bay = starts_at, ends_at, bay
        self.status = BookingStatus.REQUESTED
        self.proposed = proposed
        self.updated_at = now
        return self._change("proposed" if proposed else "rescheduled", before, actor, reason, now)

    def opened(self, actor: str) -> BookingChange:
        return self._change("requested", None, actor, "", self.created_at)

    def _change(
        self, action: str, before: BookingStatus | None, actor: str, reason: str, now: datetime
    ) -> BookingChange:
        if self.id is None:
            raise ValueError("booking must be stored before its history")
        return BookingChange(
            booking_id=self.id,
            at=now,
            actor=actor,
            action=action,
            from_status=before,
            to_status=self.status,
            starts_at=self.starts_at,
            reason=reason[:500],
        )


@dataclass(eq=False)
class BookingChange:
    """One line of a booking's history. Never edited, never deleted."""

    booking_id: int
    at: datetime
    actor: str  # "telegram:12345" (owner or staff) or "cli:<os user>"
    action: str  # requested, confirmed, rescheduled, proposed, cancelled, ...
    from_status: BookingStatus | None
    to_status: BookingStatus
    starts_at: datetime
    reason: str = ""
    id: int | None = None


class VisitSource(StrEnum):
    BOOKING = "booking"  # a completed booking
    STAFF = "staff"  # recorded at the desk (a walk-in, the dealer system)
    DEMO = "demo"  # the demo's service history


@dataclass(eq=False)
class ServiceVisit:
    """A visit to a service center: a completed booking, or one staff recorded."""

    owner_id: int
    vehicle_id: int
    dealer_code: str
    visited_on: date  # in the center's zone
    invoice_minor: int  # what the owner paid, in minor units of `currency`
    currency: str
    recorded_at: datetime
    mileage_km: int | None = None
    services: list[str] = field(default_factory=list)
    booking_id: int | None = None
    source: VisitSource = VisitSource.BOOKING
    id: int | None = None


class RecallState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(eq=False)
class VehicleRecall:
    """A safety recall campaign as it concerns one vehicle (matched by VIN)."""

    vin: str
    campaign_code: str
    title: str  # the manufacturer's English title
    published_on: date
    imported_at: datetime
    titles: dict[str, str] = field(default_factory=dict)  # locale -> localized title
    state: RecallState = RecallState.OPEN
    closed_at: datetime | None = None
    vehicle_id: int | None = None
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.state is RecallState.OPEN

    def title_in(self, locale: str) -> str:
        return self.titles.get(locale) or self.title

    def close(self, now: datetime) -> None:
        self.state = RecallState.CLOSED
        self.closed_at = now
