"""In-memory question threads (ask the dealer) and their messages."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.questions import DealerQuestion, QuestionMessage
from tests.fakes.store import Store, Table


class FakeQuestions:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[DealerQuestion] = store.table("dealer_questions")
        self.texts: Table[QuestionMessage] = store.table("question_messages")

    def add(self, question: DealerQuestion) -> None:
        self.table.add(question)

    def add_message(self, message: QuestionMessage) -> None:
        self.texts.add(message)

    async def get(self, question_id: int) -> DealerQuestion | None:
        self.store.flush()
        return next((q for q in self.table if q.id == question_id), None)

    async def of_owner(self, owner_id: int) -> Sequence[DealerQuestion]:
        self.store.flush()
        mine = (q for q in self.table if q.owner_id == owner_id)
        return sorted(mine, key=lambda q: (q.asked_at, q.id or 0))

    async def messages(self, question_ids: Sequence[int]) -> Sequence[QuestionMessage]:
        self.store.flush()
        wanted = set(question_ids)
        found = (m for m in self.texts if m.question_id in wanted)
        return sorted(found, key=lambda m: (m.sent_at, m.id or 0))

    async def forget_messages(self, owner_id: int) -> int:
        threads = {q.id for q in await self.of_owner(owner_id)}
        gone = [m for m in self.texts if m.question_id in threads]
        for message in gone:
            self.texts.delete(message)
        return len(gone)
