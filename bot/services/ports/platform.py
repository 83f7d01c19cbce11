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


class ChatTurns(Protocol):
    """Per-chat order across worker processes (the Telegram webhook on PostgreSQL):
    every worker notes an update as it arrives, and one waits to handle its update
    while an earlier update of the same chat, noted by any worker, is still waiting
    or being handled (bot/channels/telegram/pipeline.py)."""

    async def arrived(self, channel: str, chat_id: int, update_id: int) -> bool:
        """Note the update as received; False when it was noted already (delivered
        twice: the worker that noted it first releases the chat)."""
        ...

    async def earlier_waiting(
        self, channel: str, chat_id: int, update_id: int, hold_seconds: float
    ) -> bool:
        """Whether an earlier update of the chat, noted less than `hold_seconds` ago,
        is not done yet."""
        ...

    async def done(self, channel: str, chat_id: int, update_id: int) -> None:
        """The update was handled (or dropped): later ones may go."""
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
