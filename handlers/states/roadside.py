"""Where a chat stands in roadside help and in a trade-in valuation
(handlers/roadside.py). Step values are stored with the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from handlers.states import FlowData


class RoadsideStep(StrEnum):
    LOCATION = "sos.location"


class TradeInStep(StrEnum):
    MILEAGE = "tv.mileage"
    PHOTOS = "tv.photos"


@dataclass
class TradeInDraft(FlowData):
    vehicle: int
    photos: list[str] = field(default_factory=list)  # Telegram file ids
    pending_km: int | None = None  # an odometer reading waiting for "is that right?"
