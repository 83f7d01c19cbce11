"""Button codes of club events (handlers/events.py, handlers/event_survey.py,
handlers/events_wizard.py, handlers/events_staff.py)."""

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


@dataclass(frozen=True)
class WizardMarket(ButtonCode, prefix="evw:mk"):
    market: str


@dataclass(frozen=True)
class WizardClub(ButtonCode, prefix="evw:club"):
    club: int  # a linked club's id; 0: no club


@dataclass(frozen=True)
class WizardPriority(ButtonCode, prefix="evw:prio"):
    """Switches Co-creators-first on or off on the preview."""

    pass


@dataclass(frozen=True)
class WizardCreate(ButtonCode, prefix="evw:ok"):
    pass


@dataclass(frozen=True)
class StopWizard(ButtonCode, prefix="evw:stop"):
    pass


@dataclass(frozen=True)
class CallOffEvent(ButtonCode, prefix="evc:yes"):
    event: int


@dataclass(frozen=True)
class KeepEvent(ButtonCode, prefix="evc:keep"):
    event: int
