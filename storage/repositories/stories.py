"""Owners' stories and expert Q&A sessions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from bot.domain.stories import ExpertQuestion, ExpertSession, SessionStatus, Story
from storage import tables
from storage.repositories.base import SqlRepository


class SqlStoryRepository(SqlRepository[Story]):
    async def get(self, story_id: int) -> Story | None:
        return await self.session.get(Story, story_id)

    async def lock(self, story_id: int) -> Story | None:
        result = await self.session.execute(
            select(Story)
            .where(tables.stories.c.id == story_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def of_owner(self, owner_id: int) -> Sequence[Story]:
        c = tables.stories.c
        result = await self.session.execute(
            select(Story).where(c.owner_id == owner_id).order_by(c.submitted_at, c.id)
        )
        return result.scalars().all()

    async def forget(self, owner_id: int) -> int:
        await self.session.flush()
        t = tables.stories
        result = await self.session.execute(delete(t).where(t.c.owner_id == owner_id))
        return int(getattr(result, "rowcount", 0) or 0)


class SqlExpertSessionRepository(SqlRepository[ExpertSession]):
    async def get(self, session_id: int) -> ExpertSession | None:
        return await self.session.get(ExpertSession, session_id)

    async def lock(self, session_id: int) -> ExpertSession | None:
        result = await self.session.execute(
            select(ExpertSession)
            .where(tables.expert_sessions.c.id == session_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def open_in(self, club_ids: Sequence[int]) -> Sequence[ExpertSession]:
        if not club_ids:
            return []
        c = tables.expert_sessions.c
        result = await self.session.execute(
            select(ExpertSession)
            .where(c.club_id.in_(club_ids), c.status == SessionStatus.OPEN)
            .order_by(c.held_on, c.id)
        )
        return result.scalars().all()


class SqlExpertQuestionRepository(SqlRepository[ExpertQuestion]):
    async def get(self, question_id: int) -> ExpertQuestion | None:
        return await self.session.get(ExpertQuestion, question_id)

    async def of_session(self, session_id: int) -> Sequence[ExpertQuestion]:
        c = tables.expert_questions.c
        result = await self.session.execute(
            select(ExpertQuestion).where(c.session_id == session_id).order_by(c.asked_at, c.id)
        )
        return result.scalars().all()

    async def of_owner(self, owner_id: int) -> Sequence[ExpertQuestion]:
        c = tables.expert_questions.c
        result = await self.session.execute(
            select(ExpertQuestion).where(c.owner_id == owner_id).order_by(c.asked_at, c.id)
        )
        return result.scalars().all()

    async def forget(self, owner_id: int) -> int:
        await self.session.flush()
        t = tables.expert_questions
        result = await self.session.execute(delete(t).where(t.c.owner_id == owner_id))
        return int(getattr(result, "rowcount", 0) or 0)
