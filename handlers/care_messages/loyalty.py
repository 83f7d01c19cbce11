"""Care messages about points and tiers: points about to expire, a promotion, and a
tier at risk."""

from __future__ import annotations

from datetime import datetime

from bot.domain.loyalty import Tier
from bot.services.loyalty import statement, tiers
from handlers.care_messages.env import CareEnv, points_row, screen
from handlers.codes import button
from handlers.codes.points import RewardCategories
from handlers.points import perk_lines, tier_name
from handlers.types import Screen


async def points_expiring(env: CareEnv) -> list[Screen] | None:
    summary = await statement.summary(env.uow, env.reference, env.owner, env.now)
    if not summary.expiring:
        return None  # spent or expired since the message was planned
    t = env.t
    first = summary.expiring[0][0].astimezone(env.zone).date()
    return screen(
        t.ngettext(
            "{n} of your points expires on {date}. Treat yourself before then: a coffee, a "
            "service voucher or a donation.",
            "{n} of your points expire from {date}. Treat yourself before then: a coffee, a "
            "service voucher or a donation.",
            summary.expiring_total,
            date=t.date(first),
        ),
        [button(t.pgettext("button", "🎁 Rewards"), RewardCategories())],
    )


async def tier_promoted(env: CareEnv) -> list[Screen] | None:
    tier = Tier(str(env.message.payload.get("tier", "")))
    current = await tiers.tier_of(env.uow, env.owner.id or 0)
    if current.rank < tier.rank:
        return None  # demoted again since
    t = env.t
    perks = env.reference.rules(env.owner.market).perks[tier]
    text = "\n".join(
        [
            t._(
                "Congratulations, {name}! You are now a {tier} member. Your perks:",
                name=env.owner.display_name,
                tier=tier_name(t, tier),
            ),
            *perk_lines(t, perks),
        ]
    )
    return screen(text, points_row(t))


async def tier_demotion_notice(env: CareEnv) -> list[Screen] | None:
    tier = Tier(str(env.message.payload.get("tier", "")))
    demote_on = datetime.fromisoformat(str(env.message.payload.get("demote_on")))
    summary = await statement.summary(env.uow, env.reference, env.owner, env.now)
    threshold = env.reference.rules(env.owner.market).thresholds.get(tier, 0)
    missing = threshold - summary.progress.status_points
    if missing <= 0 or summary.tier is not tier:
        return None
    t = env.t
    return screen(
        t.ngettext(
            "To keep your {tier} status you need {n} more status point by {date}. A service "
            "visit, a survey or a friend's test drive all count.",
            "To keep your {tier} status you need {n} more status points by {date}. A service "
            "visit, a survey or a friend's test drive all count.",
            missing,
            tier=tier_name(t, tier),
            date=t.date(demote_on.astimezone(env.zone).date()),
        ),
        points_row(t),
    )
