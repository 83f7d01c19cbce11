"""Rewards: the catalogue by category, one reward, and redeeming it for points."""

from __future__ import annotations

import secrets

from bot.domain.loyalty import InsufficientPoints, RewardCategory, RewardInfo, Tier
from bot.i18n import Translator, escape
from bot.services.loyalty import rewards, statement
from bot.services.loyalty.rewards import RewardUnavailable, Unavailability
from bot.services.queries.loyalty import stock_left
from handlers.codes import BadCode, button
from handlers.codes.points import (
    AskToRedeem,
    ConfirmRedeem,
    RewardCategories,
    RewardsIn,
    ShowReward,
)
from handlers.common import short_label
from handlers.context import Context
from handlers.points import back_to_points, points_text, tier_name
from handlers.router import Router
from handlers.types import Button
from handlers.vouchers import show_redemption

router = Router()

REWARDS_PER_PAGE = 5
_CATEGORY_ICONS = {
    RewardCategory.SERVICE_VOUCHER: "🔧",
    RewardCategory.PARTNER_PERK: "🎁",
    RewardCategory.CHARITY: "💚",
    RewardCategory.MERCHANDISE: "🧢",
}


def category_name(t: Translator, category: RewardCategory) -> str:
    names = {
        RewardCategory.SERVICE_VOUCHER: t.pgettext("button", "Service vouchers"),
        RewardCategory.PARTNER_PERK: t.pgettext("button", "Partner perks"),
        RewardCategory.CHARITY: t.pgettext("button", "Charity"),
        RewardCategory.MERCHANDISE: t.pgettext("button", "Merchandise"),
    }
    return names[category]


def _reward(ctx: Context, key: str) -> RewardInfo:
    reward = ctx.reference.rewards.get((ctx.market.code, key))
    if reward is None:
        raise BadCode("no such reward in the owner's market")
    return reward


def back_to_rewards(t: Translator) -> list[Button]:
    return [button(t.pgettext("button", "⬅️ Rewards"), RewardCategories())]


@router.on(RewardCategories)
async def show_categories(ctx: Context, _code: RewardCategories) -> None:
    offered = {r.category for r in ctx.reference.rewards_in(ctx.market.code)}
    rows = [
        [button(f"{_CATEGORY_ICONS[c]} {category_name(ctx.t, c)}", RewardsIn(c, 0))]
        for c in RewardCategory
        if c in offered
    ]
    rows.append(back_to_points(ctx.t))
    ctx.reply(ctx.t._("What would you like to spend your points on?"), rows, edit=True)


@router.on(RewardsIn)
async def show_category(ctx: Context, code: RewardsIn) -> None:
    t, category = ctx.t, code.category
    rewards = sorted(
        (r for r in ctx.reference.rewards_in(ctx.market.code) if r.category is category),
        key=lambda r: (r.points, r.key),
    )
    pages = max((len(rewards) + REWARDS_PER_PAGE - 1) // REWARDS_PER_PAGE, 1)
    page = min(max(code.page, 0), pages - 1)
    shown = rewards[page * REWARDS_PER_PAGE : (page + 1) * REWARDS_PER_PAGE]
    lines = [f"{_CATEGORY_ICONS[category]} <b>{category_name(t, category)}</b>"]
    lines += [f"• {escape(r.title(t.code))}: {points_text(t, r.points)}" for r in shown]
    rows = [[button(short_label(r.title(t.code)), ShowReward(r.key))] for r in shown]
    nav = []
    if page > 0:
        nav.append(button(t.pgettext("button", "◀️ Back"), RewardsIn(category, page - 1)))
    if page + 1 < pages:
        nav.append(button(t.pgettext("button", "More ▶️"), RewardsIn(category, page + 1)))
    if nav:
        rows.append(nav)
    rows.append(back_to_rewards(t))
    ctx.reply("\n".join(lines), rows, edit=True)


@router.on(ShowReward)
async def show_reward(ctx: Context, code: ShowReward) -> None:
    await _show_reward(ctx, _reward(ctx, code.reward))


async def _show_reward(ctx: Context, reward: RewardInfo) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t
    summary = await statement.summary(ctx.uow, ctx.reference, owner, ctx.now)
    stock = await stock_left(ctx.uow, reward)
    lines = [f"<b>{escape(reward.title(t.code))}</b>", escape(reward.description(t.code)), ""]
    lines.append(t._("Price: {points}", points=points_text(t, reward.points)))
    if reward.category is RewardCategory.CHARITY:
        lines.append(
            t._(
                "We donate {amount} for you.",
                amount=t.money(reward.donation_minor, ctx.market.currency),
            )
        )
    elif reward.validity_days:
        lines.append(
            t.ngettext(
                "Valid for {n} day after you redeem it.",
                "Valid for {n} days after you redeem it.",
                reward.validity_days,
            )
        )
    if reward.min_tier is not Tier.EXPLORER:
        lines.append(t._("For {tier} members and above.", tier=tier_name(t, reward.min_tier)))
    if stock is not None and 0 < stock <= 10:
        lines.append(t.ngettext("Only {n} left!", "Only {n} left!", stock))
    lines.append(t._("Your balance: {points}", points=points_text(t, summary.balance)))
    rows: list[list[Button]] = []
    if stock == 0:
        lines.append(t._("Sorry, this reward is out of stock."))
    elif summary.tier.rank < reward.min_tier.rank:
        pass
    elif summary.balance >= reward.points:
        rows.append(
            [
                button(
                    t.pgettext("button", "Redeem for {points}", points=t.number(reward.points)),
                    AskToRedeem(reward.key),
                )
            ]
        )
    else:
        lines.append(
            t.ngettext(
                "You need {n} more point for this one.",
                "You need {n} more points for this one.",
                reward.points - summary.balance,
            )
        )
    rows.append([button(t.pgettext("button", "⬅️ Rewards"), RewardsIn(reward.category, 0))])
    ctx.reply("\n".join(lines), rows, edit=True)


@router.on(AskToRedeem)
async def ask_to_confirm(ctx: Context, code: AskToRedeem) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t
    reward = _reward(ctx, code.reward)
    summary = await statement.summary(ctx.uow, ctx.reference, owner, ctx.now)
    left = summary.balance - reward.points
    if left < 0:
        await _show_reward(ctx, reward)
        return
    request = secrets.token_hex(4)  # one confirm button, one redemption, however often tapped
    ctx.reply(
        t._(
            "Redeem <b>{title}</b> for {points}? You will have {left} left.",
            title=reward.title(t.code),
            points=points_text(t, reward.points),
            left=points_text(t, left),
        ),
        [
            [
                button(t.pgettext("button", "✅ Confirm"), ConfirmRedeem(reward.key, request)),
                button(t.pgettext("button", "Cancel"), ShowReward(reward.key)),
            ]
        ],
        edit=True,
    )


@router.on(ConfirmRedeem)
async def redeem(ctx: Context, code: ConfirmRedeem) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t
    reward = _reward(ctx, code.reward)
    try:
        result = await rewards.redeem(
            ctx.uow, reward, owner=owner, request_key=code.request, now=ctx.now
        )
    except InsufficientPoints as short:
        ctx.reply(
            t._(
                "You have {balance}, and this reward needs {needed}. Nothing was spent.",
                balance=points_text(t, short.balance),
                needed=points_text(t, short.needed),
            ),
            [back_to_rewards(t)],
            edit=True,
        )
        return
    except RewardUnavailable as unavailable:
        text = (
            t._("Sorry, this reward is out of stock. Nothing was spent.")
            if unavailable.why is Unavailability.STOCK
            else t._(
                "This reward is for {tier} members and above.",
                tier=tier_name(t, unavailable.min_tier or Tier.COMPANION),
            )
        )
        ctx.reply(text, [back_to_rewards(t)], edit=True)
        return
    show_redemption(ctx, result.redemption, balance=result.balance_after, edit=True)
