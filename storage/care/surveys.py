"""Post-visit survey answers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.care import SurveyAnswer
from storage import tables

answers_c = tables.survey_answers.c


class SqlSurveyAnswerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, answer: SurveyAnswer) -> None:
        self.session.add(answer)

    async def for_visit(self, visit_id: int) -> SurveyAnswer | None:
        result = await self.session.execute(
            select(SurveyAnswer).where(answers_c.visit_id == visit_id)
        )
        return result.scalar_one_or_none()

    async def of_owner(self, owner_id: int) -> Sequence[SurveyAnswer]:
        result = await self.session.execute(
            select(SurveyAnswer)
            .where(answers_c.owner_id == owner_id)
            .order_by(answers_c.answered_at, answers_c.id)
        )
        return result.scalars().all()
