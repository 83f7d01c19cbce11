"""What the bot keeps about the platforms and the shipped reference data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.reference import Dealer


class UpdateLog(Protocol):
    async def first_time(self, channel: str, update_id: str, now: datetime) -> bool:
        """Record the update; False if it was already processed."""
        ...


class DealerDirectory(Protocol):
    async def sync(self, dealers: Sequence[Dealer]) -> None: ...


@dataclass(frozen=True)
class ShownButtons:
    """The inline buttons of a console chat's last screen, in `#N` order, kept so a
    new console process can press them."""

    message_id: int
    buttons: tuple[tuple[str, str], ...]  # (callback code or URL, label)


class ConsoleScreenRepository(Protocol):
    async def last(self, chat_id: int) -> ShownButtons | None: ...
    async def remember(self, chat_id: int, shown: ShownButtons, now: datetime) -> None: ...
