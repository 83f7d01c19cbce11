"""Tiers: promotion the moment status points reach a threshold; demotion only at the
yearly review, one tier at most, after a notice and a grace period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.events import TierDemoted, TierDemotionNotice, TierPromoted
from bot.domain.loyalty import (
    LoyaltyAccount,
    LoyaltyRules,
    ReviewOutcome,
    Tier,
    promotion,
    tier_below,
    yearly_review,
)
from bot.domain.reference import Reference
from bot.services.loyalty.ledger import REVIEW_PERIOD
from bot.services.ports import UnitOfWork


async def tier_of(uow: UnitOfWork, owner_id: int) -> Tier:
    account = await uow.loyalty_accounts.get(owner_id)
    return account.tier if account else Tier.EXPLORER


async def status_points(uow: UnitOfWork, owner_id: int, rules: LoyaltyRules, now: datetime) -> int:
    """Status points over the market's rolling window."""
    return await uow.status_awards.points_since(
        owner_id, now - timedelta(days=rules.status_window_days)
    )


async def promote_if_earned(
    uow: UnitOfWork, account: LoyaltyAccount, rules: LoyaltyRules, now: datetime
) -> None:
    status = await status_points(uow, account.owner_id, rules, now)
    higher = promotion(account.tier, status, rules.thresholds)
    if higher is None:
        return
    old = account.tier
    account.tier, account.tier_since = higher, now
    account.review_due_at, account.demotion_notice_at = now + REVIEW_PERIOD, None
    uow.events.append(TierPromoted(account.owner_id, old, higher, now))


@dataclass
class ReviewReport:
    kept: int = 0
    noticed: int = 0
    demoted: int = 0
    owners: list[int] = field(default_factory=list)


async def review_tiers(
    uow: UnitOfWork, reference: Reference, now: datetime, limit: int = 1000
) -> ReviewReport:
    """The yearly review: keep, warn (30-day grace), or demote by one tier."""
    report = ReviewReport()
    for account in await uow.loyalty_accounts.due_for_review(now, limit):
        owner = await uow.owners.get(account.owner_id)
        if owner is None:
            continue
        rules = reference.rules(owner.market)
        status = await status_points(uow, account.owner_id, rules, now)
        tier = account.tier
        outcome = yearly_review(
            tier,
            status,
            rules.thresholds,
            account.demotion_notice_at,
            now,
            rules.demotion_grace_days,
        )
        report.owners.append(account.owner_id)
        if outcome is ReviewOutcome.NOTICE:
            account.demotion_notice_at = now
            demote_on = now + timedelta(days=rules.demotion_grace_days)
            uow.events.append(TierDemotionNotice(account.owner_id, tier, demote_on, now))
            report.noticed += 1
        elif outcome is ReviewOutcome.DEMOTE:
            lower = tier_below(tier)
            account.tier, account.tier_since = lower, now
            account.review_due_at, account.demotion_notice_at = now + REVIEW_PERIOD, None
            uow.events.append(TierDemoted(account.owner_id, tier, lower, now))
            report.demoted += 1
        elif (
            account.demotion_notice_at is None
            or tier is Tier.EXPLORER
            or status >= rules.thresholds[tier]
        ):
            account.review_due_at, account.demotion_notice_at = now + REVIEW_PERIOD, None
            report.kept += 1
    return report
