"""Post-visit survey answers: the NPS question and an optional comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.care import OutboxStatus, Rule, SurveyAnswer
from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.services.loyalty import earn
from bot.services.ports import UnitOfWork

COMMENT_LIMIT = 1000


# A survey stays open this long after it (or its nudge) was last sent.
SURVEY_OPEN_FOR = timedelta(days=30)


class NotTheirVisit(Exception):
    pass


class SurveyNotOpen(Exception):
    """No survey about this visit was sent to the owner, or it closed: a score pressed
    on a forged or very old button earns nothing and alerts nobody."""


@dataclass(frozen=True)
class Answered:
    answer: SurveyAnswer
    first_time: bool


async def answer(
    uow: UnitOfWork,
    reference: Reference,
    *,
    owner: Owner,
    visit_id: int,
    score: int,
    now: datetime,
) -> Answered:
    """The first answer counts (a second tap changes nothing) and earns survey points,
    only for a survey that was sent to the owner and is still open (SurveyNotOpen)."""
    if not 0 <= score <= 10:
        raise ValueError("a score is 0 to 10")
    visit = await uow.visits.get(visit_id)
    if visit is None or visit.owner_id != owner.id or owner.id is None:
        raise NotTheirVisit
    earlier = await uow.survey_answers.for_visit(visit_id)
    if earlier is not None:
        return Answered(earlier, first_time=False)
    if not await survey_open(uow, owner.id, visit_id, now):
        raise SurveyNotOpen(visit_id)
    recorded = SurveyAnswer(
        visit_id=visit_id,
        owner_id=owner.id,
        dealer_code=visit.dealer_code,
        score=score,
        answered_at=now,
    )
    uow.survey_answers.add(recorded)
    await earn.award_activity(
        uow,
        reference,
        owner_id=owner.id,
        market=owner.market,
        rule="survey_answered",
        source="survey",
        source_id=str(visit_id),
        now=now,
    )
    return Answered(recorded, first_time=True)


async def comment(uow: UnitOfWork, *, owner: Owner, visit_id: int, text: str) -> SurveyAnswer:
    recorded = await uow.survey_answers.for_visit(visit_id)
    if recorded is None or recorded.owner_id != owner.id:
        raise NotTheirVisit
    recorded.comment = " ".join(text.split())[:COMMENT_LIMIT]
    return recorded


async def survey_open(uow: UnitOfWork, owner_id: int, visit_id: int, now: datetime) -> bool:
    """Whether the survey about this visit was sent to this owner (the survey or its
    nudge left the outbox) less than SURVEY_OPEN_FOR ago."""
    occurrence = str(visit_id)
    sent = [
        m.sent_at
        for m in await uow.outbox.of_owner(owner_id)
        if m.rule in (Rule.SURVEY, Rule.SURVEY_NUDGE)
        and m.occurrence == occurrence
        and m.status == OutboxStatus.SENT
        and m.sent_at is not None
    ]
    return bool(sent) and now - max(sent) < SURVEY_OPEN_FOR
