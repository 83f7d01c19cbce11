"""The durable deliveries (staff cards, alerts) and the chats that moved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.deliveries import DurableMessage


class DeliveryRepository(Protocol):
    def add(self, message: DurableMessage) -> None:
        """Queue it in this unit of work: it exists only if the change commits."""
        ...

    async def claim(self, now: datetime, lease: timedelta, limit: int, token: str) -> list[int]:
        """Take up to `limit` due messages (and any whose relay died), oldest first."""
        ...

    async def extend(self, ids: Sequence[int], token: str, until: datetime) -> int:
        """Renew the lease of the messages the claim `token` still holds; how many."""
        ...

    async def leased(self, message_id: int, token: str) -> DurableMessage | None:
        """The message if the claim `token` still holds it (locked on PostgreSQL)."""
        ...

    async def waiting(self) -> Sequence[DurableMessage]:
        """Messages not delivered yet (pending or being sent), oldest first."""
        ...


class ChatMoves(Protocol):
    async def record(self, channel: str, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
        """The chat has a new id from now on (a Telegram group became a supergroup)."""
        ...

    async def current(self, channel: str, chat_id: int) -> int:
        """Where the chat is now: its new id if it moved (following every move)."""
        ...
