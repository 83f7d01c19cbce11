"""/bookings: upcoming and past visits; moving, cancelling (with a reason) and
accepting a time the center proposed."""

from __future__ import annotations

import secrets

from bot.domain.booking import Booking, InvalidTransition
from bot.domain.slots import local_day
from bot.services import booking as booking_service
from bot.services.booking import NotBookable, SlotGone
from bot.services.queries import bookings as booking_queries
from bot.services.queries import vehicles as vehicle_queries
from handlers.booking_common import (
    actor_of,
    calendar_of,
    card_for_owner,
    draft_of,
    flow_dealer,
    flow_start,
    my_bookings_button,
    own_booking,
    owner_id,
)
from handlers.booking_slots import offer_alternatives, show_calendar
from handlers.booking_staff import DeskNews, tell_center
from handlers.booking_texts import services_line, when
from handlers.calendar import first_of_month
from handlers.codes import BadCode, button
from handlers.codes.booking import (
    AcceptProposal,
    CalendarPage,
    CancelBooking,
    CancelFor,
    CancelReason,
    ConfirmMove,
    MoveBooking,
    MyBookings,
    StartBooking,
)
from handlers.common import show_main_menu
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.router import Router
from handlers.service_names import cancel_reason_label, status_name
from handlers.states.booking import (
    BookingDraft,
    BookingStep,
    CancelDraft,
    MovedBooking,
    MyBookingsStep,
)
from handlers.types import Button, EventKind

router = Router()

MAX_UPCOMING_SHOWN = 10
MAX_PAST_SHOWN = 5
MAX_REASON = 300


@router.command("bookings")
async def bookings_command(ctx: Context) -> None:
    await list_bookings(ctx, edit=False)


@router.on(MyBookings)
async def my_bookings(ctx: Context, code: MyBookings) -> None:
    del code
    ctx.clear_state()
    await list_bookings(ctx, edit=True)


async def list_bookings(ctx: Context, *, edit: bool) -> None:
    t = ctx.t
    overview = await booking_queries.overview(
        ctx.uow, owner_id(ctx), ctx.now, upcoming=MAX_UPCOMING_SHOWN, past=MAX_PAST_SHOWN
    )
    lines = [t._("<b>Upcoming visits</b>")]
    rows: list[list[Button]] = []
    if not overview.upcoming:
        lines.append(t._("You have no upcoming visits."))
    for booking in overview.upcoming:
        number = booking.id or 0
        dealer = ctx.reference.dealers[booking.dealer_code]
        lines.append(
            t._(
                "#{number} · {when}\n{center}: {services}",
                number=number,
                when=when(t, booking.starts_at, dealer),
                center=dealer.name,
                services=services_line(t, booking.services),
            )
        )
        if booking.proposed:
            lines.append(t._("The center proposed this time. Does it suit you?"))
            rows.append(
                [
                    button(
                        t.pgettext("button", "✅ Accept #{number}", number=number),
                        AcceptProposal(number),
                    )
                ]
            )
        else:
            lines.append(t._("Status: {status}", status=status_name(t, booking.status)))
        rows.append(
            [
                button(
                    t.pgettext("button", "🔁 Change #{number}", number=number), MoveBooking(number)
                ),
                button(
                    t.pgettext("button", "✖ Cancel #{number}", number=number),
                    CancelBooking(number),
                ),
            ]
        )
    lines += ["", t._("<b>Past visits</b>")]
    if not overview.past:
        lines.append(t._("No past visits yet."))
    for visit in overview.past:
        center = ctx.reference.dealers.get(visit.dealer_code)
        lines.append(
            t._(
                "• {date}, {center}: {services}",
                date=t.date(visit.visited_on),
                center=center.name if center else visit.dealer_code,
                services=services_line(t, visit.services) if visit.services else "—",
            )
        )
        details = [t.money(visit.invoice_minor, visit.currency)]
        if visit.mileage_km is not None:
            details.insert(0, t.distance(visit.mileage_km, ctx.market.distance_unit))
        lines.append("   " + t._(", ").join(details))
    rows.append([button(t.pgettext("button", "🔧 Book service"), StartBooking())])
    rows.append(back_to_menu(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


def _no_longer_open(ctx: Context) -> None:
    ctx.reply(
        ctx.t._("This visit can no longer be changed."),
        [my_bookings_button(ctx.t)],
        edit=True,
    )


# --- moving ------------------------------------------------------------------------------------


@router.on(MoveBooking)
async def reschedule(ctx: Context, code: MoveBooking) -> None:
    booking = await own_booking(ctx, code.booking)
    if not booking.is_upcoming(ctx.now):
        _no_longer_open(ctx)
        return
    draft = BookingDraft(
        vehicle=booking.vehicle_id,
        services=list(booking.services),
        dealer=booking.dealer_code,
        transport=booking.transport,
        notes=booking.notes,
        move=booking.id,
    )
    ctx.enter(BookingStep.DATE, draft)
    await show_calendar(ctx, draft, None, edit=True)


async def move_summary(ctx: Context, draft: BookingDraft) -> None:
    """The new time is chosen: ask the owner to confirm the move."""
    t = ctx.t
    booking = await own_booking(ctx, draft.move or 0)
    dealer = flow_dealer(ctx, draft)
    start = flow_start(draft)
    draft.token = draft.token or secrets.token_hex(8)
    ctx.enter(BookingStep.SUMMARY, draft)
    text = t._(
        "Move your visit at {center} from {old} to <b>{new}</b>?",
        center=dealer.name,
        old=when(t, booking.starts_at, dealer),
        new=when(t, start, dealer),
    )
    ctx.reply(
        text,
        [
            [button(t.pgettext("button", "✅ Move it"), ConfirmMove(draft.token))],
            [
                button(
                    t.pgettext("button", "🕒 Another time"),
                    CalendarPage(first_of_month(local_day(start, dealer.timezone))),
                )
            ],
            [button(t.pgettext("button", "Keep it as it is"), MyBookings())],
        ],
        edit=True,
    )


@router.on(ConfirmMove)
async def confirm_move(ctx: Context, code: ConfirmMove) -> None:
    token = code.token
    if ctx.in_step(MyBookingsStep.MOVED) and ctx.draft(MovedBooking).token == token:
        ctx.toast(ctx.t._("Already done."))
        return
    draft = draft_of(ctx)
    if draft.token != token or draft.move is None:
        raise BadCode("stale move token")
    booking = await own_booking(ctx, draft.move)
    dealer = flow_dealer(ctx, draft)
    start = flow_start(draft)
    old = booking.starts_at
    try:
        await booking_service.reschedule(
            ctx.uow,
            ctx.reference,
            booking,
            start,
            actor=actor_of(ctx),
            now=ctx.now,
            reason="moved by the owner",
        )
    except SlotGone as gone:
        offer_alternatives(ctx, draft, dealer, start, gone, edit=True)
        return
    except InvalidTransition:
        ctx.clear_state()
        _no_longer_open(ctx)
        return
    except NotBookable as error:
        raise BadCode(str(error)) from error
    ctx.enter(MyBookingsStep.MOVED, MovedBooking(token=token))
    t = ctx.t
    vehicle = await vehicle_queries.vehicle(ctx.uow, booking.vehicle_id)
    ctx.reply(
        "\n\n".join(
            [
                t._(
                    "🔁 Moved to {when}. {center} will confirm the new time.",
                    when=when(t, booking.starts_at, dealer),
                    center=dealer.name,
                ),
                await card_for_owner(ctx, booking, vehicle),
            ]
        ),
        [my_bookings_button(t), back_to_menu(ctx)],
        edit=True,
    )
    await send_calendar(ctx, booking)
    await tell_center(ctx, booking, DeskNews.MOVED, old_start=old)


async def send_calendar(ctx: Context, booking: Booking) -> None:
    ctx.reply("", attachment=await calendar_of(ctx, ctx.t, booking))


# --- cancelling ----------------------------------------------------------------------------------


@router.on(CancelBooking)
async def ask_cancel(ctx: Context, code: CancelBooking) -> None:
    booking = await own_booking(ctx, code.booking)
    if not booking.is_upcoming(ctx.now):
        _no_longer_open(ctx)
        return
    t = ctx.t
    dealer = ctx.reference.dealers[booking.dealer_code]
    rows = [
        [button(cancel_reason_label(t, reason), CancelFor(code.booking, reason))]
        for reason in CancelReason
    ]
    rows.append([button(t.pgettext("button", "Keep my booking"), MyBookings())])
    ctx.reply(
        t._(
            "Cancel your visit on {when} at {center}? Please tell us why: it helps us improve.",
            when=when(t, booking.starts_at, dealer),
            center=dealer.name,
        ),
        rows,
        edit=True,
    )


@router.on(CancelFor)
async def cancel_for(ctx: Context, code: CancelFor) -> None:
    booking = await own_booking(ctx, code.booking)
    if code.reason is CancelReason.OTHER:
        ctx.enter(MyBookingsStep.CANCEL_REASON, CancelDraft(cancel=code.booking))
        ctx.reply(ctx.t._("Please write the reason in a few words."), edit=True)
        return
    await _cancel(ctx, booking, code.reason, edit=True)


@router.reask(MyBookingsStep.CANCEL_REASON)
async def reask_cancel_reason(ctx: Context) -> None:
    ctx.reply(ctx.t._("Please write the reason in a few words."))


@router.reask(MyBookingsStep.MOVED)
async def reask_moved(ctx: Context) -> None:
    """Nothing is asked once a booking was moved: the bookings, as they now are."""
    await list_bookings(ctx, edit=False)


@router.state(MyBookingsStep.MOVED)
async def typed_after_moving(ctx: Context) -> None:
    ctx.clear_state()
    show_main_menu(ctx, greeting=ctx.t._("Sorry, I didn't catch that. Here is what I can do:"))


@router.state(MyBookingsStep.CANCEL_REASON)
async def cancel_reason_entered(ctx: Context) -> None:
    booking = await own_booking(ctx, ctx.draft(CancelDraft).cancel)
    text = " ".join(ctx.event.text.split())
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.reply(ctx.t._("Please write the reason in a few words."))
        return
    await _cancel(ctx, booking, text[:MAX_REASON], edit=False)


async def _cancel(ctx: Context, booking: Booking, reason: str, *, edit: bool) -> None:
    """Cancel for `reason`: a CancelReason, or the owner's own words."""
    ctx.clear_state()
    if not booking.is_upcoming(ctx.now):
        _no_longer_open(ctx)
        return
    try:
        await booking_service.cancel(
            ctx.uow, booking, actor=actor_of(ctx), reason=reason, now=ctx.now
        )
    except InvalidTransition:  # the center declined it a moment ago
        _no_longer_open(ctx)
        return
    dealer = ctx.reference.dealers[booking.dealer_code]
    t = ctx.t
    ctx.reply(
        t._(
            "Your visit on {when} at {center} is cancelled.",
            when=when(t, booking.starts_at, dealer),
            center=dealer.name,
        ),
        [[button(t.pgettext("button", "🔧 Book another time"), StartBooking())], back_to_menu(ctx)],
        edit=edit,
    )
    ctx.reply("", attachment=await calendar_of(ctx, t, booking, cancelled=True))
    await tell_center(ctx, booking, DeskNews.CANCELLED, reason=reason)


@router.on(AcceptProposal)
async def accept(ctx: Context, code: AcceptProposal) -> None:
    booking = await own_booking(ctx, code.booking)
    try:
        await booking_service.accept_proposal(ctx.uow, booking, actor=actor_of(ctx), now=ctx.now)
    except InvalidTransition:
        ctx.toast(ctx.t._("Already done."))
        return
    dealer = ctx.reference.dealers[booking.dealer_code]
    ctx.reply(
        ctx.t._(
            "✅ Confirmed: see you on {when} at {center}.",
            when=when(ctx.t, booking.starts_at, dealer),
            center=dealer.name,
        ),
        [my_bookings_button(ctx.t)],
        edit=True,
    )
    await send_calendar(ctx, booking)
    await tell_center(ctx, booking, DeskNews.ACCEPTED)
