"""Ask the dealer: question threads and their messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.domain.questions import DealerQuestion, QuestionMessage


class QuestionRepository(Protocol):
    """An owner's question threads with a dealer (one aggregate: a thread and its
    messages)."""

    def add(self, question: DealerQuestion) -> None: ...
    def add_message(self, message: QuestionMessage) -> None: ...
    async def get(self, question_id: int) -> DealerQuestion | None: ...
    async def of_owner(self, owner_id: int) -> Sequence[DealerQuestion]:
        """Oldest first."""
        ...

    async def messages(self, question_ids: Sequence[int]) -> Sequence[QuestionMessage]:
        """The threads' messages, in the order they were written."""
        ...

    async def forget_messages(self, owner_id: int) -> int:
        """Delete what was written in the owner's threads (the threads stay, anonymous,
        for response times); how many messages went."""
        ...
