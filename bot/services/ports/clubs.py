"""Owner clubs and their members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.domain.clubs import Club, ClubMember


class ClubRepository(Protocol):
    def add(self, club: Club) -> None: ...
    async def in_chat(self, channel: str, chat_id: int) -> Club | None:
        """The club of a group, linked or not (a relinked group keeps its row)."""
        ...

    async def get(self, club_id: int) -> Club | None: ...
    async def linked(self) -> Sequence[Club]:
        """Every linked club, oldest first."""
        ...


class ClubMemberRepository(Protocol):
    def add(self, member: ClubMember) -> None: ...
    async def find(self, club_id: int, user_id: int) -> ClubMember | None: ...
    async def of_owner(self, owner_id: int) -> Sequence[ClubMember]: ...
    async def verified(self, club_id: int) -> Sequence[ClubMember]:
        """The members the bot let in as owners, in the order they joined."""
        ...
