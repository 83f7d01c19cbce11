"""Button codes of club events (handlers/events.py)."""

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
