"""Button codes of the service desk in a center's staff chat (handlers/booking_staff.py).

Each names the booking it acts on; the desk re-reads it and checks the presser's role
at its center before doing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class DeskConfirm(ButtonCode, prefix="bks:ok"):
    booking: int


@dataclass(frozen=True)
class DeskOfferTimes(ButtonCode, prefix="bks:alt"):
    """List free times the desk could propose instead."""

    booking: int


@dataclass(frozen=True)
class DeskPropose(ButtonCode, prefix="bks:pt"):
    booking: int
    start: datetime  # UTC, to the minute


@dataclass(frozen=True)
class DeskDecline(ButtonCode, prefix="bks:no"):
    booking: int


@dataclass(frozen=True)
class DeskArrived(ButtonCode, prefix="bks:arr"):
    booking: int


@dataclass(frozen=True)
class DeskNoShow(ButtonCode, prefix="bks:ns"):
    booking: int


@dataclass(frozen=True)
class DeskCompleted(ButtonCode, prefix="bks:done"):
    """The work is done: ask the advisor for the invoice amount."""

    booking: int


@dataclass(frozen=True)
class DeskShowCard(ButtonCode, prefix="bks:show"):
    booking: int
