"""Where a staff member stands while linking a group as a club (handlers/clubs.py).
Step values are stored with the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from handlers.states import FlowData


class ClubStep(StrEnum):
    MARKET = "club.market"
    LANGUAGES = "club.languages"
    MODEL = "club.model"
    INTEREST = "club.interest"
    ACCESS = "club.access"


@dataclass
class ClubDraft(FlowData):
    market: str = ""
    languages: list[str] = field(default_factory=list)
    model: str | None = None
    interest: str | None = None
    # The administrator rights the bot held when /link was sent (None: not known).
    # Comma separated, as the platform names them.
    rights: str | None = None
