"""The service desk in the center's staff chat.

A new booking arrives as a card with Confirm / Propose another time / Decline; a
confirmed one offers Arrived / No-show, an arrived one Completed (the advisor replies
with the invoice amount). Every button re-reads the booking and checks the presser's
role at its center; the owner hears each outcome in their own language, in their
private chat. Cards in the staff chat use the market's language; toasts the presser's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum

from bot.domain.booking import Booking, BookingStatus, InvalidTransition
from bot.domain.staff import StaffMember
from bot.domain.text import isolate
from bot.i18n import Html, Translator, escape
from bot.services import booking as booking_service
from bot.services import service_desk
from bot.services.booking import NotBookable, SlotGone
from bot.services.queries import bookings as booking_queries
from bot.services.queries import vehicles as vehicle_queries
from bot.services.staff import NotStaff
from handlers.booking_common import calendar_of, my_bookings_button
from handlers.booking_texts import booking_card, short_when, when
from handlers.codes import BadCode, button
from handlers.codes.booking import AcceptProposal, CancelBooking, MoveBooking, StartBooking
from handlers.codes.booking_staff import (
    DeskArrived,
    DeskCompleted,
    DeskConfirm,
    DeskDecline,
    DeskNoShow,
    DeskOfferTimes,
    DeskPropose,
    DeskShowCard,
)
from handlers.common import market_translator, reach_owner
from handlers.context import Context
from handlers.router import Router
from handlers.service_names import cancellation_reason, status_name
from handlers.states.booking_staff import DeskStep, InvoiceDraft
from handlers.types import Button, Screen

router = Router()

PROPOSALS = 6
DeskAction = Callable[[Context, StaffMember, Booking], Awaitable[None]]


class DeskNews(Enum):
    """What the owner did, as the staff chat hears it."""

    NEW = "new"
    MOVED = "moved"
    CANCELLED = "cancelled"
    ACCEPTED = "accepted"
    ERASED = "erased"  # cancelled because the owner had their data erased


# --- cards ---------------------------------------------------------------------------------


def staff_buttons(t: Translator, booking: Booking) -> list[list[Button]]:
    """What the desk can do next with the booking."""
    number = booking.id or 0
    state = booking.state
    if state is BookingStatus.REQUESTED:
        rows = []
        if not booking.proposed:
            rows.append([button(t.pgettext("button", "✅ Confirm"), DeskConfirm(number))])
        rows.append(
            [button(t.pgettext("button", "🕒 Propose another time"), DeskOfferTimes(number))]
        )
        rows.append([button(t.pgettext("button", "✖ Decline"), DeskDecline(number))])
        return rows
    if state is BookingStatus.CONFIRMED:
        return [
            [
                button(t.pgettext("button", "🚗 Arrived"), DeskArrived(number)),
                button(t.pgettext("button", "🚫 No-show"), DeskNoShow(number)),
            ]
        ]
    if state is BookingStatus.ARRIVED:
        return [[button(t.pgettext("button", "🧾 Completed"), DeskCompleted(number))]]
    return []


async def staff_card(
    ctx: Context, t: Translator, booking: Booking, headline: str, *, with_owner: bool = True
) -> str:
    """The booking as staff read it; `with_owner=False` leaves out who the owner is
    (after an erasure there is nobody to name)."""
    subjects = await booking_queries.card_subjects(ctx.uow, booking)
    owner = subjects.owner if with_owner else None
    percent = (
        await booking_queries.service_discount_percent(ctx.uow, ctx.reference, booking.owner_id)
        if owner is not None
        else 0
    )
    card = booking_card(
        t, ctx.reference, booking, subjects.vehicle, owner=owner, discount_percent=percent
    )
    return "\n\n".join([headline, card])


async def tell_center(
    ctx: Context,
    booking: Booking,
    news: DeskNews,
    *,
    old_start: datetime | None = None,
    reason: str = "",
) -> None:
    """Post what the owner did to the center's staff chat, in the market's language."""
    dealer = ctx.reference.dealers[booking.dealer_code]
    if dealer.staff_chat_id is None:
        return
    st = market_translator(ctx, dealer.market)
    if news is DeskNews.NEW:
        headline = st._("🆕 New service booking")
    elif news is DeskNews.MOVED and old_start is not None:
        headline = st._(
            "🔁 The owner moved booking #{number} from {old}.",
            number=booking.id,
            old=when(st, old_start, dealer),
        )
    elif news is DeskNews.CANCELLED:
        headline = st._(
            "✖ The owner cancelled booking #{number}. Reason: {reason}",
            number=booking.id,
            reason=cancellation_reason(st, reason),
        )
    elif news is DeskNews.ERASED:
        headline = st._(
            "✖ Booking #{number} on {when} is cancelled: the owner asked us to erase "
            "their personal data, so their name and phone number are no longer available.",
            number=booking.id,
            when=when(st, booking.starts_at, dealer),
        )
    else:
        headline = st._(
            "✅ The owner accepted the proposed time for booking #{number}.", number=booking.id
        )
    ctx.reply(
        await staff_card(ctx, st, booking, headline, with_owner=news is not DeskNews.ERASED),
        staff_buttons(st, booking),
        chat_id=dealer.staff_chat_id,
        channel=ctx.deps.staff_channel,
    )


async def _show_card(ctx: Context, booking: Booking, headline: str) -> None:
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    ctx.reply(await staff_card(ctx, st, booking, headline), staff_buttons(st, booking), edit=True)


async def tell_owner(
    ctx: Context,
    booking: Booking,
    compose: Callable[[Translator], tuple[str, list[list[Button]]]],
    *,
    calendar_cancelled: bool = False,
) -> None:
    """A message to the owner's private chat, in the owner's language; with
    `calendar_cancelled`, the calendar file that takes the visit off their calendar."""
    chat = await reach_owner(ctx, booking.owner_id)
    if chat is None or chat.chat_id is None:
        return
    text, buttons = compose(chat.t)
    chat.tell(ctx, text, buttons)
    if calendar_cancelled:
        attachment = await calendar_of(ctx, chat.t, booking, cancelled=True)
        ctx.reply("", attachment=attachment, chat_id=chat.chat_id, channel=chat.channel)


# --- buttons ---------------------------------------------------------------------------------


async def at_desk(ctx: Context, booking_id: int, action: DeskAction) -> None:
    """Run a desk button's action on the booking, once the presser proved to be an
    advisor of its center; a booking that moved on meanwhile shows its card again."""
    try:
        member, booking = await service_desk.desk_booking(
            ctx.uow,
            ctx.reference,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            booking_id=booking_id,
        )
    except service_desk.UnknownBooking as error:
        raise BadCode("unknown booking") from error
    except NotStaff:
        ctx.toast(ctx.t._("Sorry, only the service advisors of this center can do that."))
        return
    try:
        await action(ctx, member, booking)
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


@router.on(DeskConfirm, needs_owner=False, private_only=False)
async def desk_confirm(ctx: Context, code: DeskConfirm) -> None:
    await at_desk(ctx, code.booking, _confirm)


async def _confirm(ctx: Context, member: StaffMember, booking: Booking) -> None:
    await service_desk.confirm(ctx.uow, member, booking, ctx.now)
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    await _show_card(ctx, booking, st._("✅ Confirmed by {name}", name=isolate(member.name)))

    def compose(t: Translator) -> tuple[str, list[list[Button]]]:
        return (
            t._(
                "✅ {center} confirmed your visit on {when}. See you there!",
                center=dealer.name,
                when=when(t, booking.starts_at, dealer),
            ),
            [my_bookings_button(t)],
        )

    await tell_owner(ctx, booking, compose)


@router.on(DeskOfferTimes, needs_owner=False, private_only=False)
async def desk_offer_times(ctx: Context, code: DeskOfferTimes) -> None:
    await at_desk(ctx, code.booking, _alternatives)


async def _alternatives(ctx: Context, member: StaffMember, booking: Booking) -> None:
    del member
    if not booking.is_open:
        raise InvalidTransition(booking.state, BookingStatus.REQUESTED)
    await _offer_times(ctx, booking, intro="")


async def _offer_times(ctx: Context, booking: Booking, *, intro: str) -> None:
    assert booking.id is not None
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    vehicle = await vehicle_queries.vehicle(ctx.uow, booking.vehicle_id)
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
        [button(short_when(st, slot.start, dealer), DeskPropose(booking.id, slot.start))]
        for slot in slots
    ]
    rows.append([button(st.pgettext("button", "⬅️ Back"), DeskShowCard(booking.id))])
    ctx.reply("\n".join(lines), rows, edit=True)


@router.on(DeskPropose, needs_owner=False, private_only=False)
async def desk_propose(ctx: Context, code: DeskPropose) -> None:
    async def propose(ctx: Context, member: StaffMember, booking: Booking) -> None:
        await _propose(ctx, member, booking, code.start)

    await at_desk(ctx, code.booking, propose)


async def _propose(ctx: Context, member: StaffMember, booking: Booking, start: datetime) -> None:
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    old = booking.starts_at
    number = booking.id or 0
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
            name=isolate(member.name),
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
                [button(t.pgettext("button", "✅ Yes, that suits me"), AcceptProposal(number))],
                [button(t.pgettext("button", "🕒 Choose another time"), MoveBooking(number))],
                [button(t.pgettext("button", "✖ Cancel the visit"), CancelBooking(number))],
            ],
        )

    await tell_owner(ctx, booking, compose)


@router.on(DeskDecline, needs_owner=False, private_only=False)
async def desk_decline(ctx: Context, code: DeskDecline) -> None:
    await at_desk(ctx, code.booking, _decline)


async def _decline(ctx: Context, member: StaffMember, booking: Booking) -> None:
    await service_desk.decline(
        ctx.uow, member, booking, reason="declined by the center", now=ctx.now
    )
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    await _show_card(ctx, booking, st._("✖ Declined by {name}", name=isolate(member.name)))

    def compose(t: Translator) -> tuple[str, list[list[Button]]]:
        return (
            t._(
                "Sorry, {center} can't take your car on {when}. Please choose another time.",
                center=dealer.name,
                when=when(t, booking.starts_at, dealer),
            ),
            [[button(t.pgettext("button", "🔧 Book another time"), StartBooking())]],
        )

    await tell_owner(ctx, booking, compose, calendar_cancelled=True)


@router.on(DeskArrived, needs_owner=False, private_only=False)
async def desk_arrived(ctx: Context, code: DeskArrived) -> None:
    await at_desk(ctx, code.booking, _arrived)


async def _arrived(ctx: Context, member: StaffMember, booking: Booking) -> None:
    await service_desk.mark_arrived(ctx.uow, ctx.reference, member, booking, ctx.now)
    st = market_translator(ctx, ctx.reference.dealers[booking.dealer_code].market)
    await _show_card(
        ctx, booking, st._("🚗 Arrived, checked in by {name}", name=isolate(member.name))
    )


@router.on(DeskNoShow, needs_owner=False, private_only=False)
async def desk_no_show(ctx: Context, code: DeskNoShow) -> None:
    await at_desk(ctx, code.booking, _no_show)


async def _no_show(ctx: Context, member: StaffMember, booking: Booking) -> None:
    await service_desk.mark_no_show(ctx.uow, member, booking, ctx.now)
    dealer = ctx.reference.dealers[booking.dealer_code]
    st = market_translator(ctx, dealer.market)
    await _show_card(ctx, booking, st._("🚫 No-show, marked by {name}", name=isolate(member.name)))

    def compose(t: Translator) -> tuple[str, list[list[Button]]]:
        return (
            t._(
                "We missed you at {center} today. Would you like to book another time?",
                center=dealer.name,
            ),
            [[button(t.pgettext("button", "🔧 Book another time"), StartBooking())]],
        )

    await tell_owner(ctx, booking, compose)


@router.on(DeskCompleted, needs_owner=False, private_only=False)
async def desk_completed(ctx: Context, code: DeskCompleted) -> None:
    await at_desk(ctx, code.booking, ask_invoice)


def mention(member: StaffMember) -> Html | str:
    """The member's name as a mention where the platform has them (Telegram's
    text mention works for people without a username)."""
    if member.channel != "telegram":
        return isolate(member.name)
    return Html(f'<a href="tg://user?id={member.user_id}">{escape(isolate(member.name))}</a>')


async def ask_invoice(ctx: Context, member: StaffMember, booking: Booking) -> None:
    if booking.state is not BookingStatus.ARRIVED:
        raise InvalidTransition(booking.state, BookingStatus.COMPLETED)
    currency = ctx.reference.market(ctx.reference.dealers[booking.dealer_code].market).currency
    ctx.enter(DeskStep.INVOICE, InvoiceDraft(booking=booking.id or 0))
    # Telegram shows groups' messages to bots only when they reply to the bot: ask for a
    # reply. A selective force reply reaches only the users the text mentions.
    ctx.screens.append(
        Screen(
            text=ctx.t._(
                "{name}, please reply with the invoice amount for booking #{number} in "
                "{currency}, for example {example}.",
                name=mention(member),
                number=booking.id,
                currency=currency,
                example=ctx.t.money(450050, currency),
            ),
            force_reply=True,
        )
    )


@router.on(DeskShowCard, needs_owner=False, private_only=False)
async def desk_show_card(ctx: Context, code: DeskShowCard) -> None:
    await at_desk(ctx, code.booking, _show)


async def _show(ctx: Context, member: StaffMember, booking: Booking) -> None:
    del member
    await _show_card(ctx, booking, _headline(ctx, booking))
