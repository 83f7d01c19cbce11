"""Button codes of the announcement wizard (handlers/announcements.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.codes import ButtonCode


class Reach(StrEnum):
    CLUBS = "clubs"
    OWNERS = "owners"
    BOTH = "both"


@dataclass(frozen=True)
class AnnounceMarket(ButtonCode, prefix="ann:mkt"):
    market: str


@dataclass(frozen=True)
class AnnounceAudience(ButtonCode, prefix="ann:aud"):
    reach: Reach


@dataclass(frozen=True)
class SkipAnnouncePhoto(ButtonCode, prefix="ann:nopic"):
    pass


@dataclass(frozen=True)
class AnnouncePin(ButtonCode, prefix="ann:pin"):
    pin: bool


@dataclass(frozen=True)
class AnnounceModel(ButtonCode, prefix="ann:model"):
    """Switch one model's owners (and clubs) in or out of the audience."""

    model: str


@dataclass(frozen=True)
class SendAnnouncement(ButtonCode, prefix="ann:send"):
    tomorrow: bool  # at 10:00 tomorrow in each recipient's zone; else now


@dataclass(frozen=True)
class StopAnnouncing(ButtonCode, prefix="ann:stop"):
    pass


@dataclass(frozen=True)
class CancelAnnouncement(ButtonCode, prefix="ann:cx"):
    """Hold back a scheduled announcement (staff of its country)."""

    announcement: int


@dataclass(frozen=True)
class CorrectAnnouncement(ButtonCode, prefix="ann:fix"):
    """Correct the wording of an announcement already sent (staff of its country)."""

    announcement: int


@dataclass(frozen=True)
class CorrectLanguage(ButtonCode, prefix="ann:fixl"):
    announcement: int
    locale: str
