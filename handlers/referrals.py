"""/refer: the owner's personal link, QR and share button, the programme's rules and
"my referrals". Recommending a friend in chat is handlers.referrals_form; the dealer's
staff, handlers.referrals_staff; the friend who follows a link, handlers.referrals_invited.

Rules and rewards live in bot.domain.referrals and bot.services.referrals; these modules
only ask, show and tell (the owner in their language, staff in theirs).
"""

from __future__ import annotations

from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.domain.owners import Owner
from bot.domain.referrals import link_payload
from bot.i18n import escape
from bot.services import referral_rewards, referrals
from handlers.codes import button
from handlers.codes.referrals import (
    InvitationQr,
    MyReferrals,
    RecommendFriend,
    ReferralRules,
    ReferralsHome,
)
from handlers.context import Context
from handlers.media import qr_png
from handlers.menu import back_to_menu
from handlers.points import points_text
from handlers.referrals_texts import first_name, no_reward_note, rules_text, stage_name
from handlers.router import Router
from handlers.types import Attachment, Button

router = Router()


def _link(ctx: Context, code: str) -> str:
    return f"https://t.me/{ctx.deps.bot_username}?start={link_payload(code)}"


@router.command("refer")
async def refer_command(ctx: Context) -> None:
    await _home(ctx, edit=False)


@router.on(ReferralsHome)
async def referrals_home(ctx: Context, _code: ReferralsHome) -> None:
    await _home(ctx, edit=True)


def _back_home(ctx: Context) -> list[Button]:
    return [button(ctx.t.pgettext("button", "⬅️ Refer a friend"), ReferralsHome())]


async def _home(ctx: Context, *, edit: bool) -> None:
    owner = _owner(ctx)
    t = ctx.t
    code = await referrals.code_for(ctx.uow, _id(owner), ctx.now)
    link = _link(ctx, code)
    invitation = t._(
        "I'm an {brand} owner and happy with my car. Open my link to arrange a test drive "
        "with a dealer near you:",
        brand=ctx.reference.brand,
    )
    share = f"https://t.me/share/url?url={quote(link, safe='')}&text={quote(invitation, safe='')}"
    lines = [
        t._("🤝 <b>Recommend {brand} to a friend</b>", brand=ctx.reference.brand),
        "",
        t._(
            "Send your friends your personal link. When a friend opens it and shares their "
            "number, a dealer arranges a test drive for them. You earn points when they take "
            "the test drive and when their new car is delivered."
        ),
        "",
        t._("Your personal link:\n{link}", link=link),
    ]
    ctx.reply(
        "\n".join(lines),
        [
            [Button(t.pgettext("button", "📤 Share my link"), url=share)],
            [
                button(t.pgettext("button", "➕ Recommend a friend"), RecommendFriend()),
                button(t.pgettext("button", "👥 My referrals"), MyReferrals(0)),
            ],
            [
                button(t.pgettext("button", "🔳 QR code"), InvitationQr()),
                button(t.pgettext("button", "📋 Rules"), ReferralRules()),
            ],
            back_to_menu(ctx),
        ],
        edit=edit,
    )


@router.on(InvitationQr)
async def send_qr(ctx: Context, _code: InvitationQr) -> None:
    code = await referrals.code_for(ctx.uow, _id(_owner(ctx)), ctx.now)
    link = _link(ctx, code)
    ctx.reply(
        "",
        attachment=Attachment(
            filename="invitation.png",
            data=qr_png(link),
            kind="photo",
            caption=ctx.t._(
                "Let your friend scan this code with their phone camera: it opens your invitation."
            ),
        ),
    )


@router.on(ReferralRules)
async def show_rules(ctx: Context, _code: ReferralRules) -> None:
    ctx.reply(rules_text(ctx.t, ctx.reference, ctx.market), [_back_home(ctx)], edit=True)


# --- my referrals -------------------------------------------------------------------------


@router.on(MyReferrals)
async def show_mine(ctx: Context, code: MyReferrals) -> None:
    owner = _owner(ctx)
    t = ctx.t
    result = await referral_rewards.referrals_of(ctx.uow, _id(owner), code.page, ctx.now)
    zone = ZoneInfo(owner.timezone or ctx.market.timezone)
    if not result.items:
        lines = [
            t._(
                "You haven't recommended anyone yet. Share your link, or recommend a friend "
                "here in the chat."
            )
        ]
    else:
        lines = [
            t._(
                "<b>Your recommendations</b> (page {page} of {pages})",
                page=result.page + 1,
                pages=result.pages,
            )
        ]
    for item in result.items:
        referral = item.referral
        new = "🆕 " if referral.stage != referral.owner_told else ""
        line = f"{new}<b>{escape(first_name(referral.friend_name))}</b> · " + stage_name(
            t, referral.stage
        )
        details = []
        if item.earned:
            details.append(t._("earned {points}", points=points_text(t, item.earned)))
        if item.pending and item.pending_until is not None:
            details.append(
                t._(
                    "{points} pending until {date}",
                    points=points_text(t, item.pending),
                    date=t.date(item.pending_until.astimezone(zone).date()),
                )
            )
        if item.withdrawn:
            details.append(t._("delivery reward withdrawn"))
        if referral.no_reward:
            details.append(t._("no reward: {reason}", reason=no_reward_note(t, referral.no_reward)))
        lines.append(line + "".join(f"\n    {d}" for d in details))
        referral.owner_told = referral.stage  # they have seen it now
    nav: list[Button] = []
    if result.page > 0:
        nav.append(button(t.pgettext("button", "◀️ Newer"), MyReferrals(result.page - 1)))
    if result.page + 1 < result.pages:
        nav.append(button(t.pgettext("button", "Older ▶️"), MyReferrals(result.page + 1)))
    rows = [nav] if nav else []
    rows.append(_back_home(ctx))
    ctx.reply("\n".join(lines), rows, edit=True)


# --- helpers -----------------------------------------------------------------------------------


def _owner(ctx: Context) -> Owner:
    assert ctx.owner is not None
    return ctx.owner


def _id(owner: Owner) -> int:
    assert owner.id is not None
    return owner.id
