"""Button codes of service booking, owner side (handlers/booking*.py, my_bookings.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from handlers.codes import ButtonCode


class CancelReason(StrEnum):
    """Why an owner cancels a visit (stored as the cancellation's reason)."""

    PLANS = "plans"
    ELSEWHERE = "elsewhere"
    FIXED = "fixed"
    OTHER = "other"  # the owner writes it


# --- entry points other flows link to ----------------------------------------------------


@dataclass(frozen=True)
class StartBooking(ButtonCode, prefix="bk:start"):
    pass


@dataclass(frozen=True)
class MoveBooking(ButtonCode, prefix="bk:rs"):
    booking: int


@dataclass(frozen=True)
class CancelBooking(ButtonCode, prefix="bk:cx"):
    booking: int


@dataclass(frozen=True)
class MyBookings(ButtonCode, prefix="bk:list"):
    pass


@dataclass(frozen=True)
class AcceptProposal(ButtonCode, prefix="bk:acc"):
    """The owner takes the time the center proposed."""

    booking: int


# --- the booking flow --------------------------------------------------------------------


@dataclass(frozen=True)
class ChooseVehicle(ButtonCode, prefix="bk:veh"):
    vehicle: int


@dataclass(frozen=True)
class VehiclePage(ButtonCode, prefix="bk:vpg"):
    """Another page of a fleet owner's cars."""

    page: int


@dataclass(frozen=True)
class SkipMileage(ButtonCode, prefix="bk:km"):
    pass


@dataclass(frozen=True)
class ConfirmMileage(ButtonCode, prefix="bk:kmok"):
    """The surprising odometer reading held in the draft is right."""


@dataclass(frozen=True)
class RetypeMileage(ButtonCode, prefix="bk:kmre"):
    pass


@dataclass(frozen=True)
class ToggleService(ButtonCode, prefix="bk:svc"):
    service: str  # an operation code of the catalogue


@dataclass(frozen=True)
class ServicesChosen(ButtonCode, prefix="bk:svok"):
    pass


@dataclass(frozen=True)
class BookOtherServices(ButtonCode, prefix="bk:other"):
    """The car is booked already for some of the chosen services: book only the rest."""


@dataclass(frozen=True)
class ChooseCenter(ButtonCode, prefix="bk:ctr"):
    center: str  # a dealer code


@dataclass(frozen=True)
class CalendarPage(ButtonCode, prefix="bk:cal"):
    month: date  # its first day


@dataclass(frozen=True)
class ChooseDay(ButtonCode, prefix="bk:day"):
    day: date


@dataclass(frozen=True)
class CalendarBlank(ButtonCode, prefix="bk:nop"):
    """A calendar cell that can't be booked: a header, a closed or full day."""


@dataclass(frozen=True)
class ChooseTime(ButtonCode, prefix="bk:tm"):
    start: datetime  # UTC, to the minute


@dataclass(frozen=True)
class ChooseTransport(ButtonCode, prefix="bk:tr"):
    option: str  # one of the center's transport options


@dataclass(frozen=True)
class SkipNotes(ButtonCode, prefix="bk:nt"):
    pass


@dataclass(frozen=True)
class ConfirmBooking(ButtonCode, prefix="bk:ok"):
    token: str  # becomes the booking's request key: a second tap books nothing twice


@dataclass(frozen=True)
class StopBooking(ButtonCode, prefix="bk:stop"):
    pass


# --- moving and cancelling -----------------------------------------------------------------


@dataclass(frozen=True)
class ConfirmMove(ButtonCode, prefix="bk:mv"):
    token: str


@dataclass(frozen=True)
class CancelFor(ButtonCode, prefix="bk:cxr"):
    """Cancel the booking, for this reason."""

    booking: int
    reason: CancelReason
