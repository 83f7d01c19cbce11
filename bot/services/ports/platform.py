"""What the bot keeps about the platforms and the shipped reference data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.reference import Dealer


class UpdateLog(Protocol):
    async def first_time(self, channel: str, update_id: str, now: datetime) -> bool:
        """Record the update; False if it was already processed."""
        ...


class DealerDirectory(Protocol):
    async def sync(self, dealers: Sequence[Dealer]) -> None: ...
