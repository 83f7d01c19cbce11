"""What referral stages pay through the points ledger (bot.services.loyalty): the
owner's rewards, their take-back on a cancelled order, the friend's welcome gift, and
what the owner sees of them. Idempotent on (source="referral", the referral's id,
rule), so a replayed tap or a re-imported file pays once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.domain.referrals import (
    DELIVERED_RULE,
    REWARD_SOURCE,
    STAGE_REWARDS,
    WELCOME_PERK_RULE,
    YEAR,
    Move,
    NoReward,
    Payout,
    PayoutFacts,
    Referral,
    Stage,
    StageChange,
    StageRewards,
    friend_perk_allowed,
    no_reward_at_payout,
    reverse_on_cancel,
)
from bot.services.loyalty import earn
from bot.services.ports import UnitOfWork

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class StageMove:
    """What one stage change did: for the staff's answer and the owner's notice."""

    referral: Referral
    outcome: Move
    before: Stage
    after: Stage
    paid: list[tuple[str, int]] = field(default_factory=list)  # (rule, points) to the owner
    spendable_from: dict[str, datetime] = field(default_factory=dict)  # pending awards
    withdrawn: int = 0  # points taken back on a cancellation
    no_reward: NoReward | None = None  # found now: this stage paid nothing, and why
    friend_perk: tuple[Owner, int] | None = None  # the friend's welcome gift, paid now
    change: StageChange | None = None  # the history line this move wrote (stored)

    @property
    def moved_points(self) -> bool:
        """Whether this move paid or took back points (then it can't simply be undone)."""
        return bool(self.paid or self.withdrawn or self.friend_perk)

    @property
    def rewards(self) -> StageRewards:
        """What the owner's notice says about their points."""
        return StageRewards(
            paid=tuple(
                Payout(rule, points, self.spendable_from.get(rule)) for rule, points in self.paid
            ),
            withdrawn=self.withdrawn,
            no_reward=self.no_reward,
        )


async def pay_stage(
    uow: UnitOfWork,
    reference: Reference,
    referral: Referral,
    rules: list[str],
    at: datetime,
    vin: str | None,
    move: StageMove,
) -> None:
    if not rules or referral.no_reward:
        return
    referrer = await uow.owners.get(referral.referrer_id)
    if referrer is None or referrer.erased_at is not None:
        return
    vehicle = await uow.vehicles.by_vin(vin) if vin else None
    facts = PayoutFacts(
        already_rewarded=referral.rewarded_at is not None,
        rewarded_this_year=await uow.referral_facts.rewarded_since(
            referral_id_of(referrer), at - YEAR, referral_id_of(referral)
        ),
        friend_paid_before=bool(referral.friend_phone)
        and await uow.referral_facts.friend_rewarded(
            referral.friend_phone or "", referral_id_of(referral)
        ),
        referrer_is_staff=await is_staff(uow, referrer),
        vehicle_of_referrer=vehicle is not None and vehicle.owner_id == referrer.id,
    )
    reason = no_reward_at_payout(facts)
    if reason is not None:
        referral.no_reward = reason
        move.no_reward = reason
        return
    activities = reference.rules(referrer.market).activities
    for rule in rules:
        activity = activities.get(rule)
        if activity is None:
            continue
        outcome = await earn.award_activity(
            uow,
            reference,
            owner_id=referral_id_of(referrer),
            market=referrer.market,
            rule=rule,
            source=REWARD_SOURCE,
            source_id=str(referral.id),
            now=at,
            reason=f"referral {referral.id}: {referral.stage}",
        )
        if outcome is earn.AwardOutcome.AWARDED:
            move.paid.append((rule, activity.points))
            if activity.pending_days:
                move.spendable_from[rule] = at + timedelta(days=activity.pending_days)
    if move.paid and referral.rewarded_at is None:
        referral.rewarded_at = at


async def withdraw_on_cancel(
    uow: UnitOfWork,
    reference: Reference,
    referral: Referral,
    before: Stage,
    at: datetime,
    move: StageMove,
) -> None:
    """An order cancelled while the delivery reward is still pending takes it back (and
    the friend's welcome gift with it)."""
    if before is not Stage.DELIVERED:
        return
    referrer = await uow.owners.get(referral.referrer_id)
    market = referrer.market if referrer else referral.market
    activity = reference.rules(market).activities.get(DELIVERED_RULE)
    pending_days = activity.pending_days if activity else 0
    if not reverse_on_cancel(referral.delivered_at, at, pending_days):
        return
    for rule in (DELIVERED_RULE, WELCOME_PERK_RULE):
        taken = await earn.reverse_award(
            uow,
            source=REWARD_SOURCE,
            source_id=str(referral.id),
            rule=rule,
            now=at,
            reason=f"referral {referral.id}: order cancelled",
        )
        if rule == DELIVERED_RULE:
            move.withdrawn = taken


async def friend_perk(
    uow: UnitOfWork, reference: Reference, referral: Referral, at: datetime
) -> tuple[Owner, int] | None:
    """The friend's welcome gift, once they are an owner (else when they link later)."""
    if not referral.friend_phone or not friend_perk_allowed(referral.no_reward):
        return None
    friend = await uow.owners.by_phone(referral.friend_phone)
    if friend is None or friend.id is None or friend.erased_at is not None:
        return None
    if friend.id == referral.referrer_id:
        return None
    activity = reference.rules(friend.market).activities.get(WELCOME_PERK_RULE)
    if activity is None:
        return None
    if await uow.point_lots.awards_since(friend.id, WELCOME_PERK_RULE, _EPOCH):
        return None  # never twice for the same friend
    outcome = await earn.award_activity(
        uow,
        reference,
        owner_id=friend.id,
        market=friend.market,
        rule=WELCOME_PERK_RULE,
        source=REWARD_SOURCE,
        source_id=str(referral.id),
        now=at,
        reason=f"referral {referral.id}: welcome",
    )
    return (friend, activity.points) if outcome is earn.AwardOutcome.AWARDED else None


async def welcome_perk_on_link(
    uow: UnitOfWork, reference: Reference, owner: Owner, now: datetime
) -> int:
    """A friend whose car was delivered before they linked their chat gets the gift now.
    Returns the points paid (0 if none were due)."""
    if not owner.phone:
        return 0
    for referral in await uow.referrals.for_phone(owner.phone):
        if referral.current is Stage.DELIVERED:
            paid = await friend_perk(uow, reference, referral, now)
            if paid is not None:
                return paid[1]
    return 0


# --- what the owner sees ------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    earned: int  # spendable (or already spent) points this referral paid the owner
    pending: int  # points still pending
    pending_until: datetime | None
    withdrawn: bool  # a reward was taken back (cancelled order)


@dataclass(frozen=True)
class ReferralPage:
    items: Sequence[ReferralView]
    page: int
    pages: int


async def referrals_of(
    uow: UnitOfWork, owner_id: int, page: int, now: datetime, size: int = 6
) -> ReferralPage:
    total = await uow.referrals.count_of_referrer(owner_id)
    pages = max((total + size - 1) // size, 1)
    page = min(max(page, 0), pages - 1)
    referrals = await uow.referrals.of_referrer(owner_id, page * size, size)
    items = []
    for referral in referrals:
        earned = pending = 0
        until: datetime | None = None
        withdrawn = False
        for rule in STAGE_REWARDS.values():
            lot = await uow.point_lots.by_award(REWARD_SOURCE, str(referral.id), rule)
            if lot is None or lot.owner_id != owner_id:
                continue
            cancelled_at = referral.stage_at if referral.current is Stage.ORDER_CANCELLED else None
            if cancelled_at is not None and cancelled_at < lot.available_at:
                withdrawn = True  # cancelled while pending: reversed (see _withdraw)
            elif lot.available_at > now:
                pending += lot.points
                until = lot.available_at
            else:
                earned += lot.points
        items.append(ReferralView(referral, earned, pending, until, withdrawn))
    return ReferralPage(items, page, pages)


async def is_staff(uow: UnitOfWork, owner: Owner) -> bool:
    """Staff can't earn referral rewards: any of the owner's chat users on staff."""
    for account in await uow.accounts.of_owner(referral_id_of(owner)):
        member = await uow.staff.by_user(account.channel, account.user_id)
        if member is not None and member.active:
            return True
    return False


def referral_id_of(item: Owner | Referral) -> int:
    assert item.id is not None
    return item.id
