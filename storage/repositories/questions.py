"""Ask the dealer: question threads and their messages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from bot.domain.questions import DealerQuestion, QuestionMessage
from storage import tables
from storage.repositories.base import SqlRepository


class SqlQuestionRepository(SqlRepository[DealerQuestion]):
    def add_message(self, message: QuestionMessage) -> None:
        self.session.add(message)

    async def get(self, question_id: int) -> DealerQuestion | None:
        return await self.session.get(DealerQuestion, question_id)

    async def of_owner(self, owner_id: int) -> Sequence[DealerQuestion]:
        c = tables.dealer_questions.c
        result = await self.session.execute(
            select(DealerQuestion).where(c.owner_id == owner_id).order_by(c.asked_at, c.id)
        )
        return result.scalars().all()

    async def messages(self, question_ids: Sequence[int]) -> Sequence[QuestionMessage]:
        if not question_ids:
            return []
        c = tables.question_messages.c
        result = await self.session.execute(
            select(QuestionMessage).where(c.question_id.in_(question_ids)).order_by(c.sent_at, c.id)
        )
        return result.scalars().all()

    async def forget_messages(self, owner_id: int) -> int:
        q = tables.dealer_questions.c
        m = tables.question_messages
        await self.session.flush()
        owned = select(q.id).where(q.owner_id == owner_id)
        result = await self.session.execute(delete(m).where(m.c.question_id.in_(owned)))
        return int(getattr(result, "rowcount", 0) or 0)
