"""The owner hears how far their friend has come: at once when staff move the lead in
chat, through the outbox when the stage comes from the CRM (handlers.care_messages)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.domain.referrals import Referral, Stage, StageRewards
from bot.i18n import Translator
from bot.services.referral_rewards import StageMove
from bot.services.referral_undo import UndoResult
from handlers.codes import button
from handlers.codes.referrals import MyReferrals
from handlers.common import reach_owner
from handlers.context import Context
from handlers.referrals_texts import (
    first_name,
    no_reward_explanation,
    stage_name,
    welcome_gift_text,
)
from handlers.types import Button


async def tell_owner(ctx: Context, move: StageMove) -> None:
    """The owner hears of each stage in their own language, in their private chat.
    (Stages from the CRM import reach them through the outbox: handlers.care_messages.)"""
    referral = move.referral
    reached = await reach_owner(ctx, referral.referrer_id)
    if reached is not None and reached.chat_id is not None:
        reached.tell(
            ctx,
            stage_notice(reached.t, ctx.reference, reached.owner, referral, move.rewards),
            [my_referrals_row(reached.t)],
        )
        referral.owner_told = referral.stage
    if move.friend_perk is not None:
        friend, points = move.friend_perk
        told = await reach_owner(ctx, friend.id or 0)
        if told is not None and told.chat_id is not None:
            told.tell(ctx, welcome_gift_text(told.t, points, ctx.reference.brand))


async def correct_owner(ctx: Context, undone: UndoResult) -> None:
    """A stage the owner was told about was undone by the dealer: say so, once."""
    referral = undone.referral
    if undone.undone is None or referral.owner_told != undone.undone.to_stage:
        return  # they never heard of the stage taken back
    reached = await reach_owner(ctx, referral.referrer_id)
    if reached is not None and reached.chat_id is not None:
        t = reached.t
        ctx.reply(
            t._(
                "A correction about {friend}: the last update was a mistake at the dealer. "
                "Where things stand: {stage}.",
                friend=first_name(referral.friend_name),
                stage=stage_name(t, referral.stage),
            ),
            [my_referrals_row(t)],
            chat_id=reached.chat_id,
        )
    referral.owner_told = referral.stage


def my_referrals_row(t: Translator) -> list[Button]:
    return [button(t.pgettext("button", "👥 My referrals"), MyReferrals(0))]


def stage_notice(
    t: Translator, reference: Reference, owner: Owner, referral: Referral, rewards: StageRewards
) -> str:
    """What the owner reads about their friend's stage (the referral's current one), in
    the owner's language `t`: told at once when staff move it in chat, through the outbox
    when it comes from the CRM."""
    brand = reference.brand
    friend = first_name(referral.friend_name)
    dealer = reference.dealers.get(referral.dealer_code)
    dealer_name = dealer.name if dealer else referral.dealer_code
    texts = {
        Stage.CONTACTED: t._(
            "📞 {dealer} has contacted {friend}.", dealer=dealer_name, friend=friend
        ),
        Stage.TEST_DRIVE_BOOKED: t._(
            "📅 {friend} has booked a test drive at {dealer}.", friend=friend, dealer=dealer_name
        ),
        Stage.TEST_DRIVE_DONE: t._("🚗 {friend} has taken a test drive.", friend=friend),
        Stage.ORDER: t._("📝 {friend} has ordered a new car!", friend=friend),
        Stage.DELIVERED: t._("🎉 {friend} has received their new car!", friend=friend),
        Stage.LOST: t._(
            "{friend} has decided not to go ahead for now. Thank you for recommending us "
            "all the same.",
            friend=friend,
        ),
        Stage.ORDER_CANCELLED: t._("{friend}'s order was cancelled.", friend=friend),
    }
    lines = [texts[referral.current]]
    zone = ZoneInfo(owner.timezone or reference.market(owner.market).timezone)
    for payout in rewards.paid:
        if payout.pending_until is None:
            lines.append(
                t.ngettext("⭐ You earned {n} point.", "⭐ You earned {n} points.", payout.points)
            )
        else:
            lines.append(
                t.ngettext(
                    "⏳ {n} point is on its way: spendable from {date}.",
                    "⏳ {n} points are on their way: spendable from {date}.",
                    payout.points,
                    date=t.date(payout.pending_until.astimezone(zone).date()),
                )
            )
    if rewards.withdrawn:
        lines.append(
            t.ngettext(
                "The {n} point for the delivery has been withdrawn.",
                "The {n} points for the delivery have been withdrawn.",
                rewards.withdrawn,
            )
        )
    if rewards.no_reward is not None:
        lines.append(no_reward_explanation(t, rewards.no_reward, brand))
    return "\n".join(lines)
