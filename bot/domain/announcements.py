"""Announcements: one message in several languages to owners' clubs (groups) and to a
segment of owners (private chats), now or at a local time in each recipient's zone.

Pure rules: who is in the audience, which language variant each recipient reads, when
it is due. The service (bot/services/announcements.py) stores and queues; the group
poster (bot/scheduler/announcements.py) and the care outbox deliver.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.clubs import Club


class AnnouncementStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # queued, nothing due yet
    SENDING = "sending"  # some of it is out, some still to go
    SENT = "sent"  # nothing left to send
    CANCELLED = "cancelled"


class PostStatus(StrEnum):
    """One group's copy of an announcement."""

    PENDING = "pending"
    SENDING = "sending"  # claimed under a lease
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it (the bot was removed, no right to post)
    CANCELLED = "cancelled"


class ButtonKind(StrEnum):
    LINK = "link"  # a URL
    BOOK = "book"  # start a service booking (private chat only)
    RSVP = "rsvp"  # "I'm going" to a club event


@dataclass(frozen=True)
class AnnouncementButton:
    kind: ButtonKind
    url: str = ""  # LINK
    labels: Mapping[str, str] = field(default_factory=dict)  # LINK: locale -> label
    event_id: int | None = None  # RSVP

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "url": self.url,
            "labels": dict(self.labels),
            "event_id": self.event_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnnouncementButton:
        event = data.get("event_id")
        return cls(
            kind=ButtonKind(str(data["kind"])),
            url=str(data.get("url") or ""),
            labels={str(k): str(v) for k, v in dict(data.get("labels") or {}).items()},
            event_id=int(event) if event is not None else None,
        )


@dataclass(frozen=True)
class ClubAudience:
    """Linked clubs; an empty tuple means "any"."""

    markets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    dealers: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    chats: tuple[int, ...] = ()  # named groups

    def matches(self, club: Club) -> bool:
        return (
            club.linked
            and _any(self.markets, club.market)
            and (not self.languages or bool(set(self.languages) & set(club.locales)))
            and _any(self.models, club.model)
            and _any(self.dealers, club.dealer_code)
            and _any(self.interests, club.interest.value if club.interest else None)
            and _any(self.chats, club.chat_id)
        )


@dataclass(frozen=True)
class OwnerAudience:
    """Owners by segment; an empty tuple means "any". Marketing consent is always
    required: an announcement is marketing."""

    markets: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()  # life-cycle segments (bot/domain/care.py)
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Audience:
    clubs: ClubAudience | None = None
    owners: OwnerAudience | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "clubs": _fields(self.clubs),
            "owners": _fields(self.owners),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Audience:
        clubs, owners = data.get("clubs"), data.get("owners")
        return cls(
            clubs=ClubAudience(**_tuples(clubs)) if isinstance(clubs, dict) else None,
            owners=OwnerAudience(**_tuples(owners)) if isinstance(owners, dict) else None,
        )


def _fields(part: ClubAudience | OwnerAudience | None) -> dict[str, list[Any]] | None:
    if part is None:
        return None
    return {name: list(value) for name, value in vars(part).items()}


def _tuples(raw: Mapping[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {str(name): tuple(value) for name, value in raw.items()}


def _any(allowed: Collection[object], value: object) -> bool:
    return not allowed or value in allowed


@dataclass(eq=False)
class Announcement:
    texts: dict[str, str]  # locale -> text (HTML-escaped when shown)
    audience: dict[str, Any]  # Audience.to_json()
    buttons: list[dict[str, Any]]  # AnnouncementButton.to_json() each
    created_by: str
    created_at: datetime
    status: AnnouncementStatus = AnnouncementStatus.DRAFT
    market: str | None = None  # the staff member's scope, if any
    photo: str | None = None  # a Telegram file id
    send_at_local: str | None = None  # "YYYY-MM-DDTHH:MM" in each recipient's zone; None: now
    pin: bool = False
    edited_at: datetime | None = None
    cancelled_at: datetime | None = None
    id: int | None = None

    @property
    def target(self) -> Audience:
        return Audience.from_json(self.audience)

    @property
    def button_list(self) -> list[AnnouncementButton]:
        return [AnnouncementButton.from_json(b) for b in self.buttons]

    def text_for(self, locale: str, market_default: str) -> tuple[str, str]:
        """The variant a reader of `locale` gets, and its language: theirs, else the
        market's default language, else the first written."""
        for code in (locale, market_default):
            if code in self.texts:
                return code, self.texts[code]
        first = next(iter(self.texts))
        return first, self.texts[first]

    def due_in(self, zone: str, now: datetime) -> datetime:
        """When it is due for someone in `zone`: the local time given, or now (a time
        already past there is due now)."""
        if self.send_at_local is None:
            return now
        local = datetime.fromisoformat(self.send_at_local).replace(tzinfo=ZoneInfo(zone))
        return max(local.astimezone(now.tzinfo), now)

    @property
    def open(self) -> bool:
        return self.status in (AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING)


# Between the variants of a group's copy (a club of several languages reads them all).
VARIANT_SEPARATOR = "\n\n———\n\n"
TEXT_LIMIT = 4096  # Telegram's limit on a message
CAPTION_LIMIT = 1024  # and on a photo's caption


def copy_length(texts: Mapping[str, str], locales: tuple[str, ...]) -> int:
    """How long a copy showing these variants is, as Telegram counts it."""
    return sum(len(texts[code]) for code in locales) + len(VARIANT_SEPARATOR) * (len(locales) - 1)


def per_text_limit(photo: bool, variants: int) -> int:
    """How long each of `variants` texts shown together may be."""
    limit = CAPTION_LIMIT if photo else TEXT_LIMIT
    return (limit - len(VARIANT_SEPARATOR) * (variants - 1)) // max(variants, 1)


def group_locales(
    announcement: Announcement, club_locales: tuple[str, ...], market_default: str
) -> tuple[str, ...]:
    """The variants a club reads, in the club's order: each of its languages the
    announcement is written in, else the market's default variant."""
    written = tuple(code for code in club_locales if code in announcement.texts)
    if written:
        return written
    return (announcement.text_for(market_default, market_default)[0],)


@dataclass(eq=False)
class AnnouncementPost:
    """An announcement's copy in one group: its Telegram message id, to edit and pin."""

    announcement_id: int
    channel: str
    chat_id: int
    locales: str  # the variants shown, comma separated
    due_at: datetime
    status: PostStatus = PostStatus.PENDING
    club_id: int | None = None
    message_id: int | None = None
    pinned: bool = False
    needs_edit: bool = False  # the announcement was corrected after this was sent
    attempts: int = 0
    lease_until: datetime | None = None
    lease_token: str | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class OwnerTarget:
    """One owner in the audience, with what picks their variant and due time."""

    owner_id: int
    market: str
    locale: str  # the language they read
    zone: str


@dataclass
class Report:
    """What became of an announcement, channel by channel."""

    groups: dict[str, int] = field(default_factory=dict)  # post status -> count
    owners: dict[str, int] = field(default_factory=dict)  # outcome -> count


class OwnerOutcome(StrEnum):
    """An owner's copy, as the report counts it."""

    DELIVERED = "delivered"
    WAITING = "waiting"  # not due yet, or held until the owner's quiet hours end
    FAILED = "failed"  # gave up after errors
    BLOCKED = "blocked"  # blocked the bot, or no chat left to reach them on
    OPTED_OUT = "opted out"  # withdrew marketing consent since it was queued
    CAPPED = "not sent: marketing caps"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"  # anything else (erased since)


def owner_outcome(status: str, last_error: str) -> OwnerOutcome:
    """Reads an outbox row of the announcement (bot/domain/care.py's statuses and hold
    reasons)."""
    if status == "sent":
        return OwnerOutcome.DELIVERED
    if status in ("pending", "sending"):
        return OwnerOutcome.WAITING
    if status == "dead":
        return OwnerOutcome.FAILED
    if status == "failed" or last_error == "no reachable chat":
        return OwnerOutcome.BLOCKED
    return {
        "no marketing consent": OwnerOutcome.OPTED_OUT,
        "marketing cap": OwnerOutcome.CAPPED,
        CANCELLED_REASON: OwnerOutcome.CANCELLED,
    }.get(last_error, OwnerOutcome.SKIPPED)


CANCELLED_REASON = "announcement cancelled"
