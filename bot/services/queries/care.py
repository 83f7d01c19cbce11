"""What a care message checks when it is about to go out: whether it still holds."""

from __future__ import annotations

from bot.domain.booking import ServiceVisit, VehicleRecall
from bot.domain.loyalty import PointLot
from bot.domain.referrals import REWARD_SOURCE, WELCOME_PERK_RULE, Referral
from bot.services.ports import UnitOfWork


async def open_recall(uow: UnitOfWork, recall_id: int) -> VehicleRecall | None:
    """The recall while it is still open (a repair closes it)."""
    found = await uow.recalls.get(recall_id)
    return found if found is not None and found.is_open else None


async def unanswered_visit(uow: UnitOfWork, owner_id: int, visit_id: int) -> ServiceVisit | None:
    """The owner's visit while its survey is still unanswered."""
    visit = await uow.visits.get(visit_id)
    if visit is None or visit.owner_id != owner_id or visit.id is None:
        return None
    return visit if await uow.survey_answers.for_visit(visit.id) is None else None


async def referral_of(uow: UnitOfWork, referrer_id: int, referral_id: int) -> Referral | None:
    """The referral, if this owner made it."""
    found = await uow.referrals.get(referral_id)
    return found if found is not None and found.referrer_id == referrer_id else None


async def referral(uow: UnitOfWork, referral_id: int) -> Referral | None:
    """Any referral by id (the referred friend is not its referrer)."""
    return await uow.referrals.get(referral_id)


async def welcome_gift(uow: UnitOfWork, owner_id: int, referral: Referral) -> PointLot | None:
    """The points a referral's welcome perk gave this owner, if it gave them any."""
    lot = await uow.point_lots.by_award(REWARD_SOURCE, str(referral.id), WELCOME_PERK_RULE)
    return lot if lot is not None and lot.owner_id == owner_id else None
