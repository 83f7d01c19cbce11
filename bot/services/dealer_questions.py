"""Ask the dealer: an owner's question becomes a thread with their dealer; staff of
that dealer answer in it, the owner follows up in it. Who may write is checked here:
the owner of the thread, or active staff serving its dealer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.domain.owners import Owner
from bot.domain.questions import QUESTION_LIMIT, Author, DealerQuestion, QuestionMessage
from bot.domain.reference import Dealer
from bot.domain.staff import Role, StaffMember
from bot.services.ports import UnitOfWork
from bot.services.staff import NotStaff, actor_id, audit, require_staff

# Everyone on a dealer's staff may answer owners (managers and admins may anyway).
ANSWERING_ROLES = (Role.ADVISOR, Role.SALES, Role.MODERATOR)


class UnknownQuestion(Exception):
    """No such thread, or not this owner's."""


class TooLong(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class Answered:
    question: DealerQuestion
    member: StaffMember
    first: bool  # the thread's first answer: its first-response time is now known


def _checked(text: str) -> str:
    text = text.strip()
    if len(text) > QUESTION_LIMIT:
        raise TooLong(QUESTION_LIMIT)
    return text


async def ask(
    uow: UnitOfWork,
    owner: Owner,
    *,
    dealer_code: str,
    vehicle_id: int | None,
    locale: str,
    text: str,
    now: datetime,
) -> DealerQuestion:
    """Open a thread with the owner's first message in it."""
    assert owner.id is not None
    text = _checked(text)
    question = DealerQuestion(
        owner_id=owner.id,
        dealer_code=dealer_code,
        vehicle_id=vehicle_id,
        locale=locale,
        asked_at=now,
        last_message_at=now,
    )
    uow.questions.add(question)
    await uow.flush()
    assert question.id is not None
    uow.questions.add_message(QuestionMessage(question.id, Author.OWNER, text, now))
    return question


async def owners_question(uow: UnitOfWork, owner: Owner, question_id: int) -> DealerQuestion:
    """The thread, if it is this owner's (ids come back from the client)."""
    question = await uow.questions.get(question_id)
    if question is None or question.owner_id != owner.id:
        raise UnknownQuestion
    return question


async def follow_up(
    uow: UnitOfWork, owner: Owner, question_id: int, text: str, now: datetime
) -> DealerQuestion:
    """The owner writes again in their thread."""
    question = await owners_question(uow, owner, question_id)
    assert question.id is not None
    uow.questions.add_message(QuestionMessage(question.id, Author.OWNER, _checked(text), now))
    question.last_message_at = now
    return question


async def staff_question(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    question_id: int,
) -> tuple[StaffMember, DealerQuestion]:
    """The thread and the staff member about to answer it; NotStaff unless they serve
    its dealer, UnknownQuestion when there is no such thread."""
    question = await uow.questions.get(question_id)
    if question is None:
        raise UnknownQuestion
    dealer = dealers.get(question.dealer_code)
    if dealer is None:  # a dealer no longer in the reference data: nobody may answer
        raise NotStaff
    member = await require_staff(uow, channel, user_id, *ANSWERING_ROLES, dealer=dealer)
    return member, question


async def answer(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    question_id: int,
    text: str,
    now: datetime,
) -> Answered:
    """A staff member's answer in the thread (role and dealer checked)."""
    member, question = await staff_question(
        uow, dealers, channel=channel, user_id=user_id, question_id=question_id
    )
    text = _checked(text)
    assert question.id is not None
    first = question.first_answer_at is None
    uow.questions.add_message(
        QuestionMessage(question.id, Author.STAFF, text, now, staff_id=member.id)
    )
    question.answered(now)
    audit(uow, actor_id(channel, user_id), "question.answer", f"question:{question.id}", "", now)
    return Answered(question, member, first)
