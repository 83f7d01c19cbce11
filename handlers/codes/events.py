"""Button codes of club events (handlers/events.py, handlers/event_survey.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class EventGoing(ButtonCode, prefix="ev:go"):
    event: int


@dataclass(frozen=True)
class EventNotGoing(ButtonCode, prefix="ev:no"):
    event: int


@dataclass(frozen=True)
class EventCalendar(ButtonCode, prefix="ev:ics"):
    event: int


@dataclass(frozen=True)
class EventTicket(ButtonCode, prefix="ev:qr"):
    """The QR code of the owner's seat, to show at the door."""

    event: int


@dataclass(frozen=True)
class EventRating(ButtonCode, prefix="ev:rate"):
    event: int
    rating: int


@dataclass(frozen=True)
class SkipEventComment(ButtonCode, prefix="ev:skip"):
    event: int
