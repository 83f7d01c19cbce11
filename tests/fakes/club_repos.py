"""In-memory owner clubs and their members."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.clubs import Club, ClubMember
from tests.fakes.store import Store, Table


class FakeClubRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Club] = store.table("clubs", lambda c: (c.channel, c.chat_id))

    def add(self, club: Club) -> None:
        self.table.add(club)

    async def in_chat(self, channel: str, chat_id: int) -> Club | None:
        self.store.flush()
        return next((c for c in self.table if (c.channel, c.chat_id) == (channel, chat_id)), None)

    async def get(self, club_id: int) -> Club | None:
        self.store.flush()
        return next((c for c in self.table if c.id == club_id), None)

    async def linked(self) -> Sequence[Club]:
        self.store.flush()
        return sorted((c for c in self.table if c.linked), key=lambda c: c.id or 0)


class FakeClubMemberRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[ClubMember] = store.table(
            "club_members", lambda m: (m.club_id, m.user_id)
        )

    def add(self, member: ClubMember) -> None:
        self.table.add(member)

    async def find(self, club_id: int, user_id: int) -> ClubMember | None:
        self.store.flush()
        return next((m for m in self.table if (m.club_id, m.user_id) == (club_id, user_id)), None)

    async def of_owner(self, owner_id: int) -> Sequence[ClubMember]:
        self.store.flush()
        return sorted((m for m in self.table if m.owner_id == owner_id), key=lambda m: m.id or 0)

    async def verified(self, club_id: int) -> Sequence[ClubMember]:
        self.store.flush()
        found = (m for m in self.table if m.club_id == club_id and m.owner_id is not None)
        return sorted(found, key=lambda m: (m.joined_at, m.id or 0))
