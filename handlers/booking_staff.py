"""The service desk in the center's staff chat (prefix `bks`).

A new booking arrives as a card with Confirm / Propose another time / Decline; a
confirmed one offers Arrived / No-show, an arrived one Completed (the advisor replies
with the invoice amount). Every button re-reads the booking and checks the presser's
role at its center; the owner hears each outcome in their own language, in their
private chat. Cards in the staff chat use the market's language; toasts the presser's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import InvalidOperation

from babel import Locale
from babel.numbers import NumberFormatError, get_currency_precision, parse_decimal

from bot.domain.booking import Booking, BookingStatus, InvalidTransition
from bot.domain.staff import StaffMember
from bot.i18n import Translator
from bot.services import booking as booking_service
from bot.services import service_desk
from bot.services.booking import NotBookable, SlotGone
from bot.services.staff import NotStaff
from handlers.booking_common import my_bookings_button
from handlers.booking_texts import booking_card, parse_slot, short_when, slot_code, when
from handlers.codes import BadCode, Code, make_code, parse_code
from handlers.common import market_translator, reach_owner
from handlers.context import Context
from handlers.router import Router
from handlers.service_names import CANCEL_REASONS, cancel_reason_label, status_name
from handlers.types import Button, Screen

router = Router()

PREFIX = "bks"
OWNER_PREFIX = "bk"
PROPOSALS = 6


# --- cards ---------------------------------------------------------------------------------


def staff_buttons(t: Translator, booking: Booking) -> list[list[Button]]:
    """What the desk can do next with the booking."""
    number = booking.id
    state = booking.state
    if state is BookingStatus.REQUESTED:
        rows = []
        if not booking.proposed:
            rows.append(
                [Button(t.pgettext("button", "✅ Confirm"), make_code(PREFIX, "ok", number))]
            )
        rows.append(
            [
                Button(
                    t.pgettext("button", "🕒 Propose another time"),
                    make_code(PREFIX, "alt", number),
                )
            ]
        )
        rows.append([Button(t.pgettext("button", "✖ Decline"), make_code(PREFIX, "no", number))])
        return rows
    if state is BookingStatus.CONFIRMED:
        return [
            [
                Button(t.pgettext("button", "🚗 Arrived"), make_code(PREFIX, "arr", number)),
                Button(t.pgettext("button", "🚫 No-show"), make_code(PREFIX, "ns", number)),
            ]
        ]
    if state is BookingStatus.ARRIVED:
        return [[Button(t.pgettext("button", "🧾 Completed"), make_code(PREFIX, "done", number))]]
    return []


async def _card(ctx: Context, t: Translator, booking: Booking, headline: str) -> str:
    owner = await ctx.uow.owners.get(booking.owner_id)
    vehicle = await ctx.uow.vehicles.get(booking.vehicle_id)
    return "\n\n".join([headline, booking_card(t, ctx.reference, booking, vehicle, owner=owner)])


def _reason_text(t: Translator, reason: str) -> str:
    return cancel_reason_label(t, reason) if reason in CANCEL_REASONS else reason


async def tell_center(
    ctx: Context,
    booking: Booking,
    kind: str,
    *,
    old_start: datetime | None = None,
    reason: str = "",
) -> None:
    """Post what the owner did to the center's staff chat, in the market's language."""
    dealer = ctx.reference.dealers[booking.dealer_code]
    if dealer.staff_chat_id is None:
        return
    st = market_translator(ctx, dealer.market)
    if kind == "new":
        headline = st._("🆕 New service booking")
    elif kind == "moved" and old_start is not None:
        headline = st._(
            "🔁 The owner moved booking #{number} from {old}.",
            number=booking.id,
            old=when(st, old_start, dealer),
        )
    elif kind == "cancelled":
        headline = st._(
            "✖ The owner cancelled booking #{number}. Reason: {reason}",
            number=booking.id,
            reason=_reason_text(st, reason),
        )
    else:
        headline = st._(
            "✅ The owner accepted the proposed time for booking #{number}.", number=booking.id
        )
    ctx.reply(
        await _card(ctx, st, booking, headline),
        staff_buttons(st, booking),
        chat_id=dealer.staff_chat_id,
    )


async def _show_card(ctx: Context, booking: Booking, headline: str) -> None:
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    ctx.reply(await _card(ctx, st, booking, headline), staff_buttons(st, booking), edit=True)


async def _tell_owner(
    ctx: Context,
    booking: Booking,
    compose: Callable[[Translator], tuple[str, list[list[Button]]]],
) -> None:
    """A message to the owner's private chat, in the owner's language."""
    chat = await reach_owner(ctx, booking.owner_id)
    if chat is None or chat.chat_id is None:
        return
    text, buttons = compose(chat.t)
    ctx.reply(text, buttons, chat_id=chat.chat_id)


# --- buttons ---------------------------------------------------------------------------------


@router.button(PREFIX, needs_owner=False, private_only=False)
async def staff_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    action = _ACTIONS.get(code.action)
    if action is None:
        raise BadCode("unknown desk action")
    try:
        member, booking = await service_desk.desk_booking(
            ctx.uow,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            booking_id=code.int_arg(0),
        )
    except service_desk.UnknownBooking as error:
        raise BadCode("unknown booking") from error
    except NotStaff:
        ctx.toast(ctx.t._("Sorry, only the service advisors of this center can do that."))
        return
    try:
        await action(ctx, member, booking, code)
    except InvalidTransition:
        ctx.screens.clear()
        ctx.toast(
            ctx.t._("This booking is already {status}.", status=status_name(ctx.t, booking.status))
        )
        await _show_card(ctx, booking, _headline(ctx, booking))
    except service_desk.TooEarly:
        ctx.screens.clear()
        dealer = ctx.reference.dealers[booking.dealer_code]
        ctx.toast(
            ctx.t._(
                "Not yet: this visit is on {when}.", when=when(ctx.t, booking.starts_at, dealer)
            )
        )


def _headline(ctx: Context, booking: Booking) -> str:
    st = market_translator(ctx, ctx.reference.dealers[booking.dealer_code].market)
    return st._("Booking #{number}", number=booking.id)


async def _confirm(ctx: Context, member: StaffMember, booking: Booking, code: Code) -> None:
    del code
    await service_desk.confirm(ctx.uow, member, booking, ctx.now)
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    await _show_card(ctx, booking, st._("✅ Confirmed by {name}", name=member.name))

    def compose(t: Translator) -> tuple[str, list[list[Button]]]:
        return (
            t._(
                "✅ {center} confirmed your visit on {when}. See you there!",
                center=dealer.name,
                when=when(t, booking.starts_at, dealer),
            ),
            [my_bookings_button(t)],
        )

    await _tell_owner(ctx, booking, compose)


async def _alternatives(ctx: Context, member: StaffMember, booking: Booking, code: Code) -> None:
    del member, code
    if not booking.is_open:
        raise InvalidTransition(booking.state, BookingStatus.REQUESTED)
    await _offer_times(ctx, booking, intro="")


async def _offer_times(ctx: Context, booking: Booking, *, intro: str) -> None:
    assert booking.id is not None
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    vehicle = await ctx.uow.vehicles.get(booking.vehicle_id)
    minutes = ctx.reference.catalog.duration(booking.services, vehicle.model if vehicle else "")
    window = await booking_service.window_days(ctx.uow, ctx.reference, booking.owner_id)
    found = await booking_service.alternatives(
        ctx.uow,
        dealer,
        booking.starts_at,
        minutes,
        ctx.now,
        window=window,
        ignore_booking=booking.id,
        count=PROPOSALS + 1,
    )
    slots = [s for s in found if s.start != booking.starts_at][:PROPOSALS]
    lines = [intro] if intro else []
    lines.append(
        st._(
            "Booking #{number} ({when}): which time can you offer instead?",
            number=booking.id,
            when=when(st, booking.starts_at, dealer),
        )
        if slots
        else st._("There are no free times near booking #{number}.", number=booking.id)
    )
    rows = [
        [
            Button(
                short_when(st, slot.start, dealer),
                make_code(PREFIX, "pt", booking.id, slot_code(slot.start)),
            )
        ]
        for slot in slots
    ]
    rows.append([Button(st.pgettext("button", "⬅️ Back"), make_code(PREFIX, "show", booking.id))])
    ctx.reply("\n".join(lines), rows, edit=True)


async def _propose(ctx: Context, member: StaffMember, booking: Booking, code: Code) -> None:
    start = parse_slot(code.arg(1))
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    old = booking.starts_at
    try:
        await service_desk.propose(ctx.uow, ctx.reference, member, booking, start, ctx.now)
    except SlotGone:
        await _offer_times(ctx, booking, intro=st._("That time was just taken."))
        return
    except NotBookable as error:
        raise BadCode(str(error)) from error
    await _show_card(
        ctx,
        booking,
        st._(
            "🕒 {name} proposed {when}; waiting for the owner.",
            name=member.name,
            when=when(st, start, dealer),
        ),
    )

    def compose(t: Translator) -> tuple[str, list[list[Button]]]:
        return (
            t._(
                "{center} can't take your car on {old}, and proposes <b>{new}</b> instead. "
                "Does that suit you?",
                center=dealer.name,
                old=when(t, old, dealer),
                new=when(t, start, dealer),
            ),
            [
                [
                    Button(
                        t.pgettext("button", "✅ Yes, that suits me"),
                        make_code(OWNER_PREFIX, "acc", booking.id),
                    )
                ],
                [
                    Button(
                        t.pgettext("button", "🕒 Choose another time"),
                        make_code(OWNER_PREFIX, "rs", booking.id),
                    )
                ],
                [
                    Button(
                        t.pgettext("button", "✖ Cancel the visit"),
                        make_code(OWNER_PREFIX, "cx", booking.id),
                    )
                ],
            ],
        )

    await _tell_owner(ctx, booking, compose)


async def _decline(ctx: Context, member: StaffMember, booking: Booking, code: Code) -> None:
    del code
    await service_desk.decline(
        ctx.uow, member, booking, reason="declined by the center", now=ctx.now
    )
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    await _show_card(ctx, booking, st._("✖ Declined by {name}", name=member.name))

    def compose(t: Translator) -> tuple[str, list[list[Button]]]:
        return (
            t._(
                "Sorry, {center} can't take your car on {when}. Please choose another time.",
                center=dealer.name,
                when=when(t, booking.starts_at, dealer),
            ),
            [
                [
                    Button(
                        t.pgettext("button", "🔧 Book another time"),
                        make_code(OWNER_PREFIX, "start"),
                    )
                ]
            ],
        )

    await _tell_owner(ctx, booking, compose)


async def _arrived(ctx: Context, member: StaffMember, booking: Booking, code: Code) -> None:
    del code
    await service_desk.mark_arrived(ctx.uow, ctx.reference, member, booking, ctx.now)
    st = market_translator(ctx, ctx.reference.dealers[booking.dealer_code].market)
    await _show_card(ctx, booking, st._("🚗 Arrived, checked in by {name}", name=member.name))


async def _no_show(ctx: Context, member: StaffMember, booking: Booking, code: Code) -> None:
    del code
    await service_desk.mark_no_show(ctx.uow, member, booking, ctx.now)
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    await _show_card(ctx, booking, st._("🚫 No-show, marked by {name}", name=member.name))

    def compose(t: Translator) -> tuple[str, list[list[Button]]]:
        return (
            t._(
                "We missed you at {center} today. Would you like to book another time?",
                center=dealer.name,
            ),
            [
                [
                    Button(
                        t.pgettext("button", "🔧 Book another time"),
                        make_code(OWNER_PREFIX, "start"),
                    )
                ]
            ],
        )

    await _tell_owner(ctx, booking, compose)


async def _ask_invoice(ctx: Context, member: StaffMember, booking: Booking, code: Code) -> None:
    del code
    if booking.state is not BookingStatus.ARRIVED:
        raise InvalidTransition(booking.state, BookingStatus.COMPLETED)
    currency = ctx.reference.market(ctx.reference.dealers[booking.dealer_code].market).currency
    ctx.set_state("bks.invoice", booking=booking.id)
    # Telegram shows groups' messages to bots only when they reply to the bot: ask for a
    # reply (channel adapters read `force_reply`).
    ctx.screens.append(
        Screen(
            text=ctx.t._(
                "{name}, please reply with the invoice amount for booking #{number} in "
                "{currency}, for example {example}.",
                name=member.name,
                number=booking.id,
                currency=currency,
                example=ctx.t.money(450050, currency),
            ),
            extra={"force_reply": "selective"},
        )
    )


async def _show(ctx: Context, member: StaffMember, booking: Booking, code: Code) -> None:
    del member, code
    await _show_card(ctx, booking, _headline(ctx, booking))


_ACTIONS: dict[str, Callable[[Context, StaffMember, Booking, Code], Awaitable[None]]] = {
    "ok": _confirm,
    "alt": _alternatives,
    "pt": _propose,
    "no": _decline,
    "arr": _arrived,
    "ns": _no_show,
    "done": _ask_invoice,
    "show": _show,
}


# --- the invoice amount ------------------------------------------------------------------------


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


@router.state("bks.invoice", needs_owner=False, private_only=False)
async def invoice_entered(ctx: Context) -> None:
    try:
        member, booking = await service_desk.desk_booking(
            ctx.uow,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            booking_id=int(ctx.data["booking"]),
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
        await _card(
            ctx,
            st,
            booking,
            st._(
                "🧾 Completed by {name}: {amount}",
                name=member.name,
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

    await _tell_owner(ctx, booking, compose)
