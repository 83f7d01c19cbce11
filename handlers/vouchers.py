"""Vouchers and donation receipts: one with its code and QR, the list, cancelling one
for a refund of its points."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.loyalty import Redemption, RedemptionStatus
from bot.services.loyalty import rewards
from bot.services.loyalty.rewards import VoucherProblem
from bot.services.queries.loyalty import voucher_of, vouchers_of
from handlers.codes import button
from handlers.codes.points import (
    AskToCancelVoucher,
    CancelVoucher,
    MyVouchers,
    RewardCategories,
    ShowVoucher,
)
from handlers.common import short_label
from handlers.context import Context
from handlers.errors import NotYours
from handlers.media import qr_png
from handlers.points import back_to_points, points_text
from handlers.router import Router
from handlers.types import Attachment, Button

router = Router()

_STATUS_ICONS = {
    RedemptionStatus.ISSUED: "🟢",
    RedemptionStatus.USED: "✔️",
    RedemptionStatus.EXPIRED: "⌛",
    RedemptionStatus.CANCELLED: "✖️",
    RedemptionStatus.DONATED: "💚",
}


def _my_vouchers_row(ctx: Context) -> list[Button]:
    return [button(ctx.t.pgettext("button", "🎟 My vouchers"), MyVouchers())]


def show_redemption(
    ctx: Context,
    redemption: Redemption,
    *,
    balance: int | None,
    edit: bool,
    offer_cancel: bool = False,
) -> None:
    """A voucher with its code and QR, or a donation receipt; `balance`: the points
    left after redeeming it, when it was just redeemed."""
    t = ctx.t
    reward = ctx.reference.rewards.get((redemption.market, redemption.reward_key))
    title = reward.title(t.code) if reward else redemption.reward_key
    rows = [_my_vouchers_row(ctx), back_to_points(t)]
    if offer_cancel and redemption.usable(ctx.now):
        cancel = button(
            t.pgettext("button", "Cancel and refund"), AskToCancelVoucher(redemption.id or 0)
        )
        rows.insert(0, [cancel])
    after = (
        [t._("Points left: {points}", points=points_text(t, balance))]
        if balance is not None
        else []
    )
    if redemption.status is RedemptionStatus.DONATED:
        amount = t.money(reward.donation_minor, ctx.market.currency) if reward else ""
        text = "\n".join(
            [
                t._(
                    "💚 Thank you! We donate {amount} to “{title}” on your behalf.",
                    amount=amount,
                    title=title,
                ),
                t._("Receipt number: <code>{receipt}</code>", receipt=redemption.receipt or ""),
                *after,
            ]
        )
        ctx.reply(text, rows, edit=edit)
        return
    zone = ZoneInfo(ctx.owner.timezone if ctx.owner and ctx.owner.timezone else ctx.market.timezone)
    valid = t.date(redemption.valid_until.astimezone(zone).date()) if redemption.valid_until else ""
    text = "\n".join(
        [
            t._("🎟 <b>{title}</b>", title=title),
            t._("Your code: <code>{code}</code>", code=redemption.code or ""),
            t._(
                "Valid until {date}. Show the code or the QR at the dealer's desk "
                "or to our partner.",
                date=valid,
            ),
            *after,
        ]
    )
    ctx.reply(text, rows, edit=edit)
    if redemption.code and redemption.status is RedemptionStatus.ISSUED:
        ctx.reply(
            "",
            attachment=Attachment(
                filename="voucher.png",
                data=qr_png(redemption.code),
                kind="photo",
                caption=t._("Voucher {code}", code=redemption.code),
            ),
        )


async def _own_voucher(ctx: Context, redemption_id: int) -> Redemption:
    assert ctx.owner is not None
    redemption = await voucher_of(ctx.uow, ctx.owner.id or 0, redemption_id)
    if redemption is None:
        raise NotYours
    return redemption


@router.on(ShowVoucher)
async def show_voucher(ctx: Context, code: ShowVoucher) -> None:
    redemption = await _own_voucher(ctx, code.voucher)
    show_redemption(ctx, redemption, balance=None, edit=True, offer_cancel=True)


@router.on(AskToCancelVoucher)
async def ask_to_cancel(ctx: Context, code: AskToCancelVoucher) -> None:
    redemption = await _own_voucher(ctx, code.voucher)
    t = ctx.t
    if not redemption.usable(ctx.now):  # a stale button: say so before asking anything
        _cannot_cancel(ctx)
        return
    ctx.reply(
        t._(
            "Cancel this voucher? Its {points} come back to your balance.",
            points=points_text(t, redemption.points),
        ),
        [
            [
                button(t.pgettext("button", "Yes, cancel it"), CancelVoucher(code.voucher)),
                button(t.pgettext("button", "No, keep the voucher"), ShowVoucher(code.voucher)),
            ]
        ],
        edit=True,
    )


@router.on(CancelVoucher)
async def cancel_voucher(ctx: Context, code: CancelVoucher) -> None:
    redemption = await _own_voucher(ctx, code.voucher)
    t = ctx.t
    try:
        refunded = await rewards.cancel_redemption(
            ctx.uow, owner_id=redemption.owner_id, redemption_id=code.voucher, now=ctx.now
        )
    except VoucherProblem:
        _cannot_cancel(ctx)
        return
    ctx.reply(
        t._(
            "Voucher cancelled: {points} are back in your balance.",
            points=points_text(t, refunded),
        ),
        [_my_vouchers_row(ctx), back_to_points(t)],
        edit=True,
    )


def _cannot_cancel(ctx: Context) -> None:
    ctx.reply(
        ctx.t._("This voucher can no longer be cancelled."),
        [_my_vouchers_row(ctx), back_to_points(ctx.t)],
        edit=True,
    )


@router.on(MyVouchers)
async def list_vouchers(ctx: Context, _code: MyVouchers) -> None:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    t = ctx.t
    redemptions = await vouchers_of(ctx.uow, owner.id)
    if not redemptions:
        ctx.reply(
            t._("You have no vouchers yet."),
            [[button(t.pgettext("button", "🎁 Rewards"), RewardCategories())], back_to_points(t)],
            edit=True,
        )
        return
    rows = []
    for redemption in redemptions[:10]:
        reward = ctx.reference.rewards.get((redemption.market, redemption.reward_key))
        title = reward.title(t.code) if reward else redemption.reward_key
        icon = _STATUS_ICONS[redemption.status]
        if redemption.status is RedemptionStatus.ISSUED and not redemption.usable(ctx.now):
            icon = _STATUS_ICONS[RedemptionStatus.EXPIRED]
        rows.append([button(f"{icon} {short_label(title, 28)}", ShowVoucher(redemption.id or 0))])
    rows.append(back_to_points(t))  # "My vouchers" is opened from the points screen
    legend = t._("🟢 ready to use · ✔️ used · ⌛ expired · ✖️ cancelled · 💚 donated")
    heading = t._("<b>Your vouchers</b>")
    ctx.reply(f"{heading}\n{legend}", rows, edit=True)
