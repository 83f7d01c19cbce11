"""Where a chat stands in booking a visit, and in changing one (handlers/booking*.py,
my_bookings.py). Step values are stored with the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from handlers.states import FlowData


class BookingStep(StrEnum):
    """Booking a visit, or moving one (then the draft names the booking it moves)."""

    VEHICLE = "bk.vehicle"
    MILEAGE = "bk.mileage"
    SERVICES = "bk.services"
    CENTER = "bk.center"
    DATE = "bk.date"  # the calendar, a day's times, or alternatives to a time that went
    TRANSPORT = "bk.transport"
    NOTES = "bk.notes"
    SUMMARY = "bk.summary"


@dataclass
class BookingDraft(FlowData):
    """What the owner has chosen so far; fields fill in as the steps go by."""

    vehicle: int
    services: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)  # empty until services were offered
    dealer: str | None = None
    start: datetime | None = None  # UTC
    transport: str | None = None
    notes: str = ""
    token: str | None = None  # the summary's confirm token; dropped when the time changes
    move: int | None = None  # the booking being moved
    day: date | None = None  # the day whose free times are on screen
    pending_km: int | None = None  # an odometer reading waiting for "is that right?"


class MyBookingsStep(StrEnum):
    CANCEL_REASON = "bk.cancel_reason"  # the owner writes why they cancel
    MOVED = "bk.moved"  # a booking was just moved: its confirm button is spent


@dataclass
class CancelDraft(FlowData):
    cancel: int  # the booking


@dataclass
class MovedBooking(FlowData):
    token: str  # the move's confirm token: a second tap is "already done"
