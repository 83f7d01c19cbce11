"""What channels beyond Telegram need kept: the platform's own ids of users and chats
(LINE's are strings, flows speak ints), files served by URL (LINE shows images and
documents only from an HTTPS address), and the attempts to prove a typed phone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.linking import LinkAttempt


class AddressBook(Protocol):
    """A platform's string ids as the ints flows use (Event.user_id and chat_id):
    users get positive numbers, groups negative ones, the same on every worker."""

    async def number(self, channel: str, address: str, *, group: bool, now: datetime) -> int:
        """The number of `address`, given on first sight."""
        ...

    async def address(self, channel: str, number: int) -> str | None: ...

    async def mark_gone(self, channel: str, number: int, now: datetime) -> None:
        """The bot left the group (or was removed): nothing more is sent there."""
        ...

    async def gone(self, channel: str, number: int) -> bool: ...


@dataclass(frozen=True)
class StoredFile:
    """A file served at /media/<token> until it expires."""

    token: str  # random and unguessable: the URL is the only key
    filename: str
    content_type: str
    data: bytes
    created_at: datetime
    expires_at: datetime


class MediaShelf(Protocol):
    async def put(self, stored: StoredFile) -> None: ...
    async def get(self, token: str, now: datetime) -> StoredFile | None:
        """The file, unless it is unknown or expired."""
        ...

    async def purge(self, now: datetime) -> int:
        """Drop expired files; returns how many."""
        ...


class LinkAttempts(Protocol):
    def add(self, attempt: LinkAttempt) -> None: ...
    async def failures_by_user(
        self, channel: str, user_id: int, since: datetime
    ) -> Sequence[datetime]: ...
    async def failures_for_owner(self, owner_id: int, since: datetime) -> Sequence[datetime]: ...
