"""A friend who came through an owner's invitation link (called by handlers.onboarding):
the attribution, the lead when they share their phone, their welcome and, once their
new car is delivered and they link their chat, the welcome gift."""

from __future__ import annotations

from bot.services import referral_rewards, referrals
from bot.services.queries.referrals import has_pending_invitation as _pending_invitation
from bot.services.referrals import NewLead, Opened
from handlers.codes import button
from handlers.codes.onboarding import RegisterMyCar
from handlers.common import reach_owner
from handlers.context import Context
from handlers.referrals_staff import post_lead
from handlers.referrals_texts import first_name, no_reward_explanation, welcome_gift_text


async def link_opened(ctx: Context, payload: str) -> str:
    """/start ref_<code>: record the attribution. Returns an intro for the phone request
    of someone not yet linked ("" for the usual greeting)."""
    opened = await referrals.open_link(ctx.uow, ctx.account, payload, ctx.now)
    t = ctx.t
    if opened.outcome is Opened.OWN_LINK and ctx.owner is not None:
        ctx.reply(
            t._(
                "This is your own invitation link. Send it to friends: when they open it, "
                "a dealer will arrange a test drive for them."
            )
        )
        return ""
    if opened.outcome in (Opened.ATTRIBUTED, Opened.EARLIER) and opened.link_owner is not None:
        return t._(
            "Hello! Your friend {name} recommends {brand} to you.",
            name=opened.link_owner.display_name,
            brand=ctx.reference.brand,
        )
    return ""


async def has_pending_invitation(ctx: Context) -> bool:
    return await _pending_invitation(ctx.uow, ctx.event.channel, ctx.event.user_id)


async def friend_shared_phone(ctx: Context, phone: str) -> NewLead | None:
    """The person shared their own number: an invitation they followed becomes a lead.
    Tells the owner who invited them and the dealer's staff. Returns the lead, if any."""
    result = await referrals.lead_from_link(
        ctx.uow,
        ctx.reference,
        ctx.account,
        phone=phone,
        friend_name=ctx.event.first_name,
        now=ctx.now,
    )
    lead = result.lead
    if lead is None:
        return None
    reached = await reach_owner(ctx, lead.referral.referrer_id)
    if reached is not None and reached.chat_id is not None:
        t = reached.t
        lines = [
            t._(
                "🤝 {friend} accepted your invitation. {dealer} will contact them soon.",
                friend=first_name(lead.referral.friend_name),
                dealer=lead.dealer.name,
            )
        ]
        if lead.no_reward is not None:
            lines.append(no_reward_explanation(t, lead.no_reward, ctx.reference.brand))
        reached.tell(ctx, "\n\n".join(lines))
    post_lead(ctx, lead)
    return lead


def welcome_friend(ctx: Context, lead: NewLead) -> None:
    """The referred friend, in their own language. (Two messages: one message carries
    either the removal of the contact keyboard or inline buttons, not both.)"""
    ctx.reply(
        ctx.t._(
            "Welcome, and thank you for your interest! {dealer} will call you soon to "
            "arrange a test drive. {name} will be glad you came.",
            dealer=lead.dealer.name,
            name=lead.referrer.display_name,
        ),
        remove_keyboard=True,
    )
    offer_registration(ctx)


def offer_registration(ctx: Context) -> None:
    ctx.reply(
        ctx.t._(
            "Already an {brand} owner? Tap below to register your car.",
            brand=ctx.reference.brand,
        ),
        [
            [
                button(
                    # TRANSLATORS: a referred friend already owns one of our cars.
                    ctx.t.pgettext("button", "🚗 I already drive one"),
                    RegisterMyCar(),
                )
            ]
        ],
    )


async def friend_became_owner(ctx: Context) -> None:
    """A friend whose new car was delivered linked their chat: the welcome gift."""
    owner = ctx.owner
    if owner is None:
        return
    points = await referral_rewards.welcome_perk_on_link(ctx.uow, ctx.reference, owner, ctx.now)
    if points:
        ctx.reply(welcome_gift_text(ctx.t, points, ctx.reference.brand))
