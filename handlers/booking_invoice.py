"""The invoice amount an advisor replies with once a visit is completed: read in their
locale's number format, recorded as the visit, and the owner thanked with it."""

from __future__ import annotations

import unicodedata
from decimal import InvalidOperation

from babel import Locale
from babel.numbers import NumberFormatError, get_currency_precision, parse_decimal

from bot.domain.booking import InvalidTransition
from bot.domain.text import isolate
from bot.i18n import Translator
from bot.services import service_desk
from bot.services.staff import NotStaff
from handlers.booking_common import my_bookings_button
from handlers.booking_staff import ask_invoice, at_desk, staff_card, tell_owner
from handlers.common import market_translator
from handlers.context import Context
from handlers.router import Router
from handlers.service_names import status_name
from handlers.states.booking_staff import DeskStep, InvoiceDraft
from handlers.types import Button

router = Router()


def parse_amount(text: str, currency: str, locale: Locale) -> int | None:
    """Minor units from what an advisor typed ("4,500.50", "4.500,50 €", "٤٥٠٠"), read
    with their locale's separators; None if it is not an amount in `currency`."""
    normalized = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text.strip())
    if any(sign in normalized for sign in "-−"):
        return None  # a refund is not an invoice
    kept = "".join(ch for ch in normalized if ch.isdigit() or ch in ".,' \u00a0\u202f\u066b\u066c")
    kept = kept.strip().replace("\u066b", ".").replace("\u066c", ",")
    if not any(ch.isdigit() for ch in kept):
        return None
    try:
        value = parse_decimal(kept.replace(" ", "").replace("'", ""), locale=locale)
    except (NumberFormatError, InvalidOperation):
        return None
    minor = value.scaleb(get_currency_precision(currency))
    if minor < 0 or minor != minor.to_integral_value():
        return None
    return int(minor)


@router.reask(DeskStep.INVOICE, needs_owner=False, private_only=False)
async def reask_invoice(ctx: Context) -> None:
    await at_desk(ctx, ctx.draft(InvoiceDraft).booking, ask_invoice)


@router.state(DeskStep.INVOICE, needs_owner=False, private_only=False)
async def invoice_entered(ctx: Context) -> None:
    try:
        member, booking = await service_desk.desk_booking(
            ctx.uow,
            ctx.reference,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            booking_id=ctx.draft(InvoiceDraft).booking,
        )
    except (service_desk.UnknownBooking, NotStaff):
        ctx.clear_state()
        return
    dealer = ctx.reference.dealers[booking.dealer_code]
    currency = ctx.reference.market(dealer.market).currency
    minor = parse_amount(ctx.event.text, currency, ctx.t.locale)
    if minor is None or minor > service_desk.MAX_INVOICE_MINOR:
        ctx.reply(
            ctx.t._(
                "That doesn't look like an amount in {currency}. Please send just the number, "
                "for example {example}.",
                currency=currency,
                example=ctx.t.money(450050, currency),
            )
        )
        return
    ctx.clear_state()
    try:
        await service_desk.complete(ctx.uow, ctx.reference, member, booking, minor, ctx.now)
    except InvalidTransition:
        ctx.reply(
            ctx.t._("This booking is already {status}.", status=status_name(ctx.t, booking.status))
        )
        return
    st = market_translator(ctx, dealer.market)
    ctx.reply(
        await staff_card(
            ctx,
            st,
            booking,
            st._(
                "🧾 Completed by {name}: {amount}",
                name=isolate(member.name),
                amount=st.money(minor, currency),
            ),
        )
    )

    def compose(t: Translator) -> tuple[str, list[list[Button]]]:
        return (
            t._(
                "Thank you for visiting {center}! Your invoice: {amount}. "
                "Drive safely, and see you next time.",
                center=dealer.name,
                amount=t.money(minor, currency),
            ),
            [my_bookings_button(t)],
        )

    await tell_owner(ctx, booking, compose)
