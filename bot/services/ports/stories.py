"""Owners' stories and expert Q&A sessions (bot/domain/stories.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.domain.stories import ExpertQuestion, ExpertSession, Story


class StoryRepository(Protocol):
    def add(self, story: Story) -> None: ...
    async def get(self, story_id: int) -> Story | None: ...
    async def lock(self, story_id: int) -> Story | None:
        """The story, locked until the unit of work ends (two moderators pressing at
        once: the second finds it decided)."""
        ...

    async def of_owner(self, owner_id: int) -> Sequence[Story]:
        """Oldest first."""
        ...

    async def forget(self, owner_id: int) -> int:
        """Delete the owner's stories; how many went."""
        ...


class ExpertSessionRepository(Protocol):
    def add(self, session: ExpertSession) -> None: ...
    async def get(self, session_id: int) -> ExpertSession | None: ...
    async def lock(self, session_id: int) -> ExpertSession | None: ...
    async def open_in(self, club_ids: Sequence[int]) -> Sequence[ExpertSession]:
        """The open sessions of these clubs, soonest first."""
        ...


class ExpertQuestionRepository(Protocol):
    def add(self, question: ExpertQuestion) -> None: ...
    async def get(self, question_id: int) -> ExpertQuestion | None: ...
    async def of_session(self, session_id: int) -> Sequence[ExpertQuestion]:
        """In the order they were asked."""
        ...

    async def of_owner(self, owner_id: int) -> Sequence[ExpertQuestion]: ...
    async def forget(self, owner_id: int) -> int:
        """Delete the owner's questions; how many went."""
        ...
