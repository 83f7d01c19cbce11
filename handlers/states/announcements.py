"""Where a staff member stands while writing an announcement in private chat
(handlers/announcements.py). Step values are stored with the conversation: never
change them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from handlers.states import FlowData


class AnnounceStep(StrEnum):
    MARKET = "ann.market"  # admins: which country
    AUDIENCE = "ann.audience"
    TEXT = "ann.text"  # one language at a time, in `languages` order
    PHOTO = "ann.photo"
    PREVIEW = "ann.preview"
    CORRECTION = "ann.correction"  # the corrected text of one language of a sent one


@dataclass
class AnnounceDraft(FlowData):
    market: str = ""
    dealer: str | None = None  # a dealer's staff reach their dealer's clubs only
    clubs: bool = False
    owners: bool = False
    languages: list[str] = field(default_factory=list)  # the variants the audience needs
    texts: list[str] = field(default_factory=list)  # written so far, in `languages` order
    photo: str | None = None
    pin: bool = True
    models: list[str] = field(default_factory=list)  # owners and clubs of these; none: all
    clubs_reached: int = 0  # counted for the preview (a pin tap does not count again)
    owners_reached: int = 0


@dataclass
class CorrectionDraft(FlowData):
    announcement: int
    locale: str
