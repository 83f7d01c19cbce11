"""Ask the expert: staff open a Q&A session for a club (a topic, an expert, a date);
owners of the club send questions ahead; moderators pick the ones for the expert;
staff write the answers; the answers go to the club as one digest and each asker is
told. Staff actions check the role (moderator or above) and the club's market."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clubs import Club
from bot.domain.owners import Owner
from bot.domain.reference import Dealer
from bot.domain.staff import Role, StaffMember
from bot.domain.stories import (
    EXPERT_ANSWER_LIMIT,
    EXPERT_NAME_LIMIT,
    EXPERT_QUESTION_LIMIT,
    TOPIC_LIMIT,
    ExpertQuestion,
    ExpertQuestionStatus,
    ExpertSession,
    SessionStatus,
)
from bot.services.dealer_questions import TooLong
from bot.services.ports import UnitOfWork
from bot.services.staff import NotStaff, actor_id, audit, require_staff

EXPERT_ROLES = (Role.MODERATOR,)  # managers and admins may too


class UnknownSession(Exception):
    """No such open session, or not one of the owner's clubs."""


class UnknownExpertQuestion(Exception):
    pass


class SessionClosed(Exception):
    """The digest went out: the session takes no more questions or answers."""


class NothingAnswered(Exception):
    pass


@dataclass(frozen=True)
class OpenSession:
    session: ExpertSession
    club: Club


@dataclass(frozen=True)
class StaffQuestion:
    member: StaffMember
    question: ExpertQuestion
    session: ExpertSession
    club: Club


@dataclass(frozen=True)
class Digest:
    session: ExpertSession
    club: Club
    answered: Sequence[ExpertQuestion]


def _checked(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) > limit:
        raise TooLong(limit)
    return text


async def club_moderator(
    uow: UnitOfWork, dealers: Mapping[str, Dealer], *, channel: str, user_id: int, club: Club
) -> StaffMember:
    """A moderator (or above) acting for the club's market; NotStaff otherwise."""
    member = await require_staff(uow, channel, user_id, *EXPERT_ROLES)
    if not member.serves_market(club.market, dealers):
        raise NotStaff
    return member


async def open_session(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    club: Club,
    topic: str,
    expert: str,
    held_on: date,
    now: datetime,
) -> ExpertSession:
    await club_moderator(uow, dealers, channel=channel, user_id=user_id, club=club)
    return await create_session(
        uow,
        club,
        topic=topic,
        expert=expert,
        held_on=held_on,
        actor=actor_id(channel, user_id),
        now=now,
    )


async def create_session(
    uow: UnitOfWork,
    club: Club,
    *,
    topic: str,
    expert: str,
    held_on: date,
    actor: str,
    now: datetime,
) -> ExpertSession:
    """A session as operations open it (`ownerbot expert open`: the server's operators
    are trusted, as with `ownerbot events create`); staff go through open_session."""
    assert club.id is not None
    session = ExpertSession(
        club_id=club.id,
        topic=_checked(topic, TOPIC_LIMIT),
        expert=_checked(expert, EXPERT_NAME_LIMIT),
        held_on=held_on,
        opened_by=actor,
        opened_at=now,
    )
    uow.expert_sessions.add(session)
    await uow.flush()
    audit(uow, actor, "expert.open", f"expert_session:{session.id}", "", now, club=club.id)
    return session


async def sessions_for(uow: UnitOfWork, owner: Owner) -> list[OpenSession]:
    """The open sessions of the linked clubs that admit the owner, soonest first."""
    assert owner.id is not None
    models = {v.model for v in await uow.vehicles.of_owner(owner.id)}
    clubs = {
        club.id: club
        for club in await uow.clubs.linked()
        if club.id is not None and club.admits(owner.market, models)
    }
    found = await uow.expert_sessions.open_in(list(clubs))
    return [OpenSession(session, clubs[session.club_id]) for session in found]


async def owners_session(uow: UnitOfWork, owner: Owner, session_id: int) -> OpenSession:
    """The session, if it is open in one of the owner's clubs (ids come from clients)."""
    found = next((o for o in await sessions_for(uow, owner) if o.session.id == session_id), None)
    if found is None:
        raise UnknownSession
    return found


async def ask(
    uow: UnitOfWork, owner: Owner, *, session_id: int, locale: str, text: str, now: datetime
) -> tuple[ExpertQuestion, OpenSession]:
    found = await owners_session(uow, owner, session_id)
    assert owner.id is not None
    question = ExpertQuestion(
        session_id=session_id,
        owner_id=owner.id,
        locale=locale,
        text=_checked(text, EXPERT_QUESTION_LIMIT),
        asked_at=now,
    )
    uow.expert_questions.add(question)
    await uow.flush()
    return question, found


async def staff_question(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    question_id: int,
) -> StaffQuestion:
    question = await uow.expert_questions.get(question_id)
    session = await uow.expert_sessions.get(question.session_id) if question else None
    club = await uow.clubs.get(session.club_id) if session else None
    if question is None or session is None or club is None:
        raise UnknownExpertQuestion
    member = await club_moderator(uow, dealers, channel=channel, user_id=user_id, club=club)
    if session.status is not SessionStatus.OPEN:
        raise SessionClosed
    return StaffQuestion(member, question, session, club)


async def pick(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    question_id: int,
    now: datetime,
) -> StaffQuestion:
    """Pick the question for the expert (a second pick changes nothing)."""
    found = await staff_question(
        uow, dealers, channel=channel, user_id=user_id, question_id=question_id
    )
    if found.question.status is ExpertQuestionStatus.ASKED:
        found.question.status = ExpertQuestionStatus.PICKED
        audit(uow, actor_id(channel, user_id), "expert.pick", _target(found.question), "", now)
    return found


async def answer(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    question_id: int,
    text: str,
    now: datetime,
) -> StaffQuestion:
    """The expert's answer, as staff write it (it replaces an earlier one)."""
    found = await staff_question(
        uow, dealers, channel=channel, user_id=user_id, question_id=question_id
    )
    actor = actor_id(channel, user_id)
    found.question.answered(_checked(text, EXPERT_ANSWER_LIMIT), actor, now)
    audit(uow, actor, "expert.answer", _target(found.question), "", now)
    return found


async def post_digest(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    session_id: int,
    now: datetime,
) -> Digest:
    """Close the session with its answered questions (SessionClosed when it was:
    the digest goes out once)."""
    session = await uow.expert_sessions.lock(session_id)
    club = await uow.clubs.get(session.club_id) if session else None
    if session is None or club is None:
        raise UnknownSession
    await club_moderator(uow, dealers, channel=channel, user_id=user_id, club=club)
    if session.status is not SessionStatus.OPEN:
        raise SessionClosed
    answered = [
        q
        for q in await uow.expert_questions.of_session(session_id)
        if q.status is ExpertQuestionStatus.ANSWERED
    ]
    if not answered:
        raise NothingAnswered
    session.status, session.posted_at = SessionStatus.POSTED, now
    actor = actor_id(channel, user_id)
    audit(uow, actor, "expert.digest", f"expert_session:{session.id}", "", now)
    return Digest(session, club, answered)


def _target(question: ExpertQuestion) -> str:
    return f"expert_question:{question.id}"
