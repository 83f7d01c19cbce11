"""Button codes of service booking, owner side (handlers/booking*.py, my_bookings.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class StartBooking(ButtonCode, prefix="bk:start"):
    pass


@dataclass(frozen=True)
class MoveBooking(ButtonCode, prefix="bk:rs"):
    booking: int


@dataclass(frozen=True)
class CancelBooking(ButtonCode, prefix="bk:cx"):
    booking: int
