"""The dealer's sales staff: a new lead's card in their chat, /leads, and moving a lead
through the stages (the owner hears of it: handlers.referrals_notices)."""

from __future__ import annotations

from bot.domain.owners import Owner
from bot.domain.phone import display_phone
from bot.domain.reference import Dealer
from bot.domain.referrals import Move, Referral, next_stages
from bot.domain.staff import Role, StaffMember
from bot.domain.text import isolate
from bot.i18n import Translator
from bot.services import referrals
from bot.services.queries.owners import owner_by_id
from bot.services.queries.referrals import open_leads as leads_in_progress
from bot.services.queries.referrals import referral_by_id
from bot.services.referral_undo import Undo, undo_move
from bot.services.referrals import NewLead
from bot.services.staff import NotStaff, actor_id, require_staff
from handlers.codes import button
from handlers.codes.referrals import LeadCard, MoveLead, UndoLeadMove
from handlers.common import market_translator, short_label
from handlers.context import Context
from handlers.errors import NotYours
from handlers.referrals_notices import correct_owner, tell_owner
from handlers.referrals_texts import first_name, no_reward_note, stage_button, stage_name
from handlers.router import Router
from handlers.types import Button

router = Router()


def post_lead(ctx: Context, lead: NewLead) -> None:
    """A new lead goes to the dealer's staff chat, in the market's language."""
    chat_id = lead.dealer.staff_chat_id
    if chat_id is None:
        return
    t = market_translator(ctx, lead.dealer.market)
    text, rows = _lead_card(ctx, t, lead.referral, lead.referrer, lead.dealer, new=True)
    ctx.to_staff(chat_id, text, rows)


def _lead_card(
    ctx: Context,
    t: Translator,
    referral: Referral,
    referrer: Owner | None,
    dealer: Dealer,
    *,
    new: bool = False,
) -> tuple[str, list[list[Button]]]:
    model = ctx.reference.models.get(referral.model or "")
    heading = (
        t._("🆕 <b>Referral #{id}</b>: a friend recommended by an owner", id=referral.id)
        if new
        else t._("🤝 <b>Referral #{id}</b>", id=referral.id)
    )
    lines = [
        heading,
        t._("Stage: {stage}", stage=stage_name(t, referral.stage)),
        t._("Friend: {name}", name=isolate(referral.friend_name) or "—"),
        t._(
            "Phone: {phone}",
            phone=display_phone(referral.friend_phone) if referral.friend_phone else "—",
        ),
        t._("Model: {model}", model=model.name if model else t._("not decided yet")),
        t._("Dealer: {dealer}", dealer=dealer.name),
    ]
    if referrer is not None:
        lines.append(
            t._(
                "Recommended by: {name}, {phone}",
                name=isolate(referrer.full_name) or "—",
                phone=display_phone(referrer.phone) if referrer.phone else "—",
            )
        )
    if referral.no_reward:
        lines.append(t._("⚠️ No reward: {reason}", reason=no_reward_note(t, referral.no_reward)))
    assert referral.id is not None
    buttons = [
        button(stage_button(t, stage), MoveLead(referral.id, stage))
        for stage in next_stages(referral.current, referral.reached)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return "\n".join(lines), rows


async def _sales(ctx: Context, dealer_code: str | None) -> StaffMember | None:
    dealer = ctx.reference.dealers.get(dealer_code) if dealer_code is not None else None
    try:
        return await require_staff(
            ctx.uow, ctx.event.channel, ctx.event.user_id, Role.SALES, dealer=dealer
        )
    except NotStaff:
        return None


@router.command("leads", needs_owner=False, private_only=False)
async def open_leads(ctx: Context) -> None:
    """Staff: the dealer's referrals still in progress, newest first."""
    member = await _sales(ctx, None)
    if member is None:
        ctx.reply(ctx.t._("This command is for the dealer's sales team."))
        return
    t = ctx.t
    leads = await leads_in_progress(ctx.uow, ctx.reference, member, ctx.now)
    if not leads:
        ctx.reply(t._("No referrals in progress."))
        return
    rows = [
        [
            button(
                short_label(f"#{r.id} {first_name(r.friend_name)} · {stage_name(t, r.stage)}", 32),
                LeadCard(r.id or 0),
            )
        ]
        for r in leads
    ]
    ctx.reply(t._("<b>Referrals in progress</b>"), rows)


async def _referral_for_sales(ctx: Context, referral_id: int) -> tuple[Referral, Dealer]:
    """The referral and its dealer, if the person is sales staff of that dealer."""
    referral = await referral_by_id(ctx.uow, referral_id)
    if referral is None:
        raise NotYours
    if await _sales(ctx, referral.dealer_code) is None:
        raise NotYours  # not sales staff of this referral's dealer
    return referral, ctx.reference.dealers[referral.dealer_code]


@router.on(LeadCard, needs_owner=False, private_only=False)
async def show_lead(ctx: Context, code: LeadCard) -> None:
    referral, dealer = await _referral_for_sales(ctx, code.referral)
    await _show_card(ctx, referral, dealer)


@router.on(MoveLead, needs_owner=False, private_only=False)
async def move_lead(ctx: Context, code: MoveLead) -> None:
    referral, dealer = await _referral_for_sales(ctx, code.referral)
    move = await referrals.move_stage(
        ctx.uow,
        ctx.reference,
        referral.id or 0,
        code.stage,
        actor=actor_id(ctx.event.channel, ctx.event.user_id),
        at=ctx.now,
        now=ctx.now,
    )
    if move.outcome is Move.ALREADY:
        ctx.toast(ctx.t._("Already done."))
    elif move.outcome is Move.REFUSED:
        ctx.toast(
            ctx.t._("Not possible from “{stage}”.", stage=stage_name(ctx.t, move.referral.stage))
        )
    undo = None
    if move.outcome is Move.ADVANCE and move.change is not None and not move.moved_points:
        # A wrong tap can be taken back for a minute (handlers: undo_lead_move).
        undo = UndoLeadMove(move.referral.id or 0, move.change.id or 0)
    await _show_card(ctx, move.referral, dealer, undo=undo)
    if move.outcome is Move.ADVANCE:
        await tell_owner(ctx, move)


@router.on(UndoLeadMove, needs_owner=False, private_only=False)
async def undo_lead_move(ctx: Context, code: UndoLeadMove) -> None:
    referral, dealer = await _referral_for_sales(ctx, code.referral)
    t = ctx.t
    result = await undo_move(
        ctx.uow,
        referral.id or 0,
        code.change,
        actor=actor_id(ctx.event.channel, ctx.event.user_id),
        now=ctx.now,
    )
    if result.outcome is Undo.UNDONE:
        ctx.toast(t._("Undone: back to “{stage}”.", stage=stage_name(t, result.referral.stage)))
        await correct_owner(ctx, result)
    elif result.outcome is Undo.TOO_LATE:
        ctx.toast(t._("Too late to undo: moves can be taken back for a minute."))
    elif result.outcome is Undo.MOVED_SINCE:
        ctx.toast(t._("Not undone: this friend has moved on since."))
    else:
        ctx.toast(t._("Not undone: this move paid or took back points."))
    await _show_card(ctx, result.referral, dealer)


async def _show_card(
    ctx: Context, referral: Referral, dealer: Dealer, *, undo: UndoLeadMove | None = None
) -> None:
    referrer = await owner_by_id(ctx.uow, referral.referrer_id)
    text, rows = _lead_card(ctx, ctx.t, referral, referrer, dealer)
    if undo is not None:
        rows.append([button(ctx.t.pgettext("button", "↩️ Undo (1 min)"), undo)])
    ctx.reply(text, rows, edit=True)
