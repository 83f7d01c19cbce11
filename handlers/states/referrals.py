"""Where recommending a friend in chat can stand; each step's data class extends the
one before it with the answer the step took."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.states import FlowData


class FriendStep(StrEnum):
    NAME = "ref.name"
    PHONE = "ref.phone"
    MODEL = "ref.model"
    DEALER = "ref.dealer"
    CONSENT = "ref.consent"


@dataclass
class FriendNamed(FlowData):
    name: str


@dataclass
class FriendPhone(FriendNamed):
    phone: str


@dataclass
class FriendModelChosen(FriendPhone):
    model: str | None  # None: not decided yet


@dataclass
class FriendDealerChosen(FriendModelChosen):
    dealer: str
