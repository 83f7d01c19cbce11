"""Post-visit survey answers: the NPS question and an optional comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.care import SurveyAnswer
from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.services.loyalty import earn
from bot.services.ports import UnitOfWork

COMMENT_LIMIT = 1000


class NotTheirVisit(Exception):
    pass


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
    """The first answer counts (a second tap changes nothing) and earns survey points."""
    if not 0 <= score <= 10:
        raise ValueError("a score is 0 to 10")
    visit = await uow.visits.get(visit_id)
    if visit is None or visit.owner_id != owner.id or owner.id is None:
        raise NotTheirVisit
    earlier = await uow.survey_answers.for_visit(visit_id)
    if earlier is not None:
        return Answered(earlier, first_time=False)
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
