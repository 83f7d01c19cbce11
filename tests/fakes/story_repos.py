"""In-memory owners' stories and expert Q&A sessions."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.stories import ExpertQuestion, ExpertSession, SessionStatus, Story
from tests.fakes.store import Store, Table


class FakeStories:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Story] = store.table("stories")

    def add(self, story: Story) -> None:
        self.table.add(story)

    async def get(self, story_id: int) -> Story | None:
        self.store.flush()
        return next((s for s in self.table if s.id == story_id), None)

    async def lock(self, story_id: int) -> Story | None:
        return await self.get(story_id)

    async def of_owner(self, owner_id: int) -> Sequence[Story]:
        self.store.flush()
        mine = (s for s in self.table if s.owner_id == owner_id)
        return sorted(mine, key=lambda s: (s.submitted_at, s.id or 0))

    async def forget(self, owner_id: int) -> int:
        gone = list(await self.of_owner(owner_id))
        for story in gone:
            self.table.delete(story)
        return len(gone)


class FakeExpertSessions:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[ExpertSession] = store.table("expert_sessions")

    def add(self, session: ExpertSession) -> None:
        self.table.add(session)

    async def get(self, session_id: int) -> ExpertSession | None:
        self.store.flush()
        return next((s for s in self.table if s.id == session_id), None)

    async def lock(self, session_id: int) -> ExpertSession | None:
        return await self.get(session_id)

    async def open_in(self, club_ids: Sequence[int]) -> Sequence[ExpertSession]:
        self.store.flush()
        wanted = set(club_ids)
        found = (s for s in self.table if s.club_id in wanted and s.status is SessionStatus.OPEN)
        return sorted(found, key=lambda s: (s.held_on, s.id or 0))


class FakeExpertQuestions:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[ExpertQuestion] = store.table("expert_questions")

    def add(self, question: ExpertQuestion) -> None:
        self.table.add(question)

    async def get(self, question_id: int) -> ExpertQuestion | None:
        self.store.flush()
        return next((q for q in self.table if q.id == question_id), None)

    async def of_session(self, session_id: int) -> Sequence[ExpertQuestion]:
        self.store.flush()
        found = (q for q in self.table if q.session_id == session_id)
        return sorted(found, key=lambda q: (q.asked_at, q.id or 0))

    async def of_owner(self, owner_id: int) -> Sequence[ExpertQuestion]:
        self.store.flush()
        found = (q for q in self.table if q.owner_id == owner_id)
        return sorted(found, key=lambda q: (q.asked_at, q.id or 0))

    async def forget(self, owner_id: int) -> int:
        gone = list(await self.of_owner(owner_id))
        for question in gone:
            self.table.delete(question)
        return len(gone)
