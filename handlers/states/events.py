"""Where a chat stands in the survey after a club event (handlers/event_survey.py) and
in the staff's event wizard (handlers/events_wizard.py). Step values are stored with
the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from handlers.states import FlowData


class EventSurveyStep(StrEnum):
    COMMENT = "ev.comment"


@dataclass
class EventSurveyComment(FlowData):
    event_id: int


class EventWizardStep(StrEnum):
    """Staff creating a club event in private chat (handlers/events_wizard.py)."""

    MARKET = "evw.market"  # admins only: the others create events of their country
    TITLE = "evw.title"  # once per language of the country, its first language first
    WHEN = "evw.when"
    PLACE = "evw.place"
    LOCATION = "evw.location"
    CAPACITY = "evw.capacity"
    CLUB = "evw.club"
    PREVIEW = "evw.preview"


@dataclass
class EventDraft(FlowData):
    market: str = ""
    titles: list[str] = field(default_factory=list)  # in the order of the market's languages
    starts: datetime | None = None  # UTC
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    capacity: int = 0
    club: int = 0  # the linked club's chat id; 0: none
    co_creators_first: bool = False
