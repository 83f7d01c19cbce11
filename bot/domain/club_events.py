"""Club events: a meet-up with seats, a waitlist and check-in at the door."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

CHECKIN_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes (0/O, 1/I, 5/S, 8/B)


class RsvpStatus(StrEnum):
    GOING = "going"
    WAITING = "waiting"  # on the waitlist
    CANCELLED = "cancelled"


@dataclass(eq=False)
class ClubEvent:
    market: str
    starts_at: datetime  # UTC
    ends_at: datetime
    timezone: str  # where it happens: shown in local time
    place: str
    latitude: float
    longitude: float
    capacity: int
    texts: dict[str, Any]  # locale -> {"title": ..., "description": ...}
    created_at: datetime
    created_by: str
    co_creators_first: bool = False  # the waitlist moves Co-creators up first
    club_id: int | None = None
    model: str | None = None
    cancelled_at: datetime | None = None  # called off: no reminders, no new answers
    id: int | None = None

    def text_in(self, locale: str, fallback: str) -> tuple[str, str]:
        """Title and description in `locale`, else `fallback`, else the first given."""
        chosen = self.texts.get(locale) or self.texts.get(fallback)
        if chosen is None:
            chosen = next(iter(self.texts.values()))
        return str(chosen["title"]), str(chosen.get("description", ""))


@dataclass(eq=False)
class Rsvp:
    event_id: int
    owner_id: int
    status: RsvpStatus
    created_at: datetime  # the place in the waitlist: when they last said yes
    checkin_code: str
    co_creator: bool = False  # the owner's tier when they said yes
    attended_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class EventFeedback:
    """An attendee's answer to the short survey the day after the event."""

    event_id: int
    owner_id: int
    rsvp_id: int
    rating: int  # 1 to 5 stars
    answered_at: datetime
    comment: str = ""
    id: int | None = None


RATINGS = range(1, 6)


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(6))


@dataclass(frozen=True)
class WaitlistOrder:
    """Who moves up first: Co-creators when the event gives them priority, then the
    earliest to ask."""

    co_creators_first: bool

    def key(self, rsvp: Rsvp) -> tuple[int, datetime, int]:
        first = 0 if (self.co_creators_first and rsvp.co_creator) else 1
        return (first, rsvp.created_at, rsvp.id or 0)


@dataclass
class Seats:
    capacity: int
    going: int = field(default=0)

    @property
    def left(self) -> int:
        return max(self.capacity - self.going, 0)
