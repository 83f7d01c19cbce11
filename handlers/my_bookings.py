"""/bookings: upcoming and past visits; moving, cancelling (with a reason) and
accepting a time the center proposed. Buttons share the `bk` prefix (routed by
`handlers.booking`); the typed cancellation reason is this module's state.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.domain.booking import Booking, InvalidTransition
from bot.domain.slots import local_day
from bot.services import booking as booking_service
from bot.services.booking import NotBookable, SlotGone
from handlers.booking_common import (
    PREFIX,
    actor_of,
    flow_dealer,
    my_bookings_button,
    need,
    own_booking,
    owner_of,
)
from handlers.booking_slots import offer_alternatives, show_calendar
from handlers.booking_staff import tell_center
from handlers.booking_texts import booking_card, calendar_attachment, services_line, when
from handlers.calendar import month_code
from handlers.codes import BadCode, Code, make_code
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.router import Router
from handlers.service_names import CANCEL_REASONS, cancel_reason_label, status_name
from handlers.types import Button, EventKind

router = Router()

MAX_UPCOMING_SHOWN = 10
MAX_PAST_SHOWN = 5


async def list_bookings(ctx: Context, *, edit: bool) -> None:
    t = ctx.t
    owner = owner_of(ctx)
    bookings = await ctx.uow.bookings.of_owner(owner.id or 0)
    upcoming = [b for b in bookings if b.is_upcoming(ctx.now)][:MAX_UPCOMING_SHOWN]
    visits = list(await ctx.uow.visits.of_owner(owner.id or 0))[:MAX_PAST_SHOWN]
    lines = [t._("<b>Upcoming visits</b>")]
    rows: list[list[Button]] = []
    if not upcoming:
        lines.append(t._("You have no upcoming visits."))
    for booking in upcoming:
        dealer = ctx.reference.dealers[booking.dealer_code]
        lines.append(
            t._(
                "#{number} · {when}\n{center}: {services}",
                number=booking.id,
                when=when(t, booking.starts_at, dealer),
                center=dealer.name,
                services=services_line(t, booking.services),
            )
        )
        if booking.proposed:
            lines.append(t._("The center proposed this time. Does it suit you?"))
            rows.append(
                [
                    Button(
                        t.pgettext("button", "✅ Accept #{number}", number=booking.id),
                        make_code(PREFIX, "acc", booking.id),
                    )
                ]
            )
        else:
            lines.append(_status_line(ctx, booking))
        rows.append(
            [
                Button(
                    t.pgettext("button", "🔁 Change #{number}", number=booking.id),
                    make_code(PREFIX, "rs", booking.id),
                ),
                Button(
                    t.pgettext("button", "✖ Cancel #{number}", number=booking.id),
                    make_code(PREFIX, "cx", booking.id),
                ),
            ]
        )
    lines += ["", t._("<b>Past visits</b>")]
    if not visits:
        lines.append(t._("No past visits yet."))
    for visit in visits:
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
    rows.append([Button(t.pgettext("button", "🔧 Book service"), make_code(PREFIX, "start"))])
    rows.append(back_to_menu(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


def _status_line(ctx: Context, booking: Booking) -> str:
    return ctx.t._("Status: {status}", status=status_name(ctx.t, booking.status))


async def list_action(ctx: Context, code: Code) -> None:
    del code
    ctx.clear_state()
    await list_bookings(ctx, edit=True)


def _no_longer_open(ctx: Context) -> None:
    ctx.reply(
        ctx.t._("This visit can no longer be changed."),
        [my_bookings_button(ctx.t)],
        edit=True,
    )


async def reschedule(ctx: Context, code: Code) -> None:
    booking = await own_booking(ctx, code.int_arg(0))
    if not booking.is_upcoming(ctx.now):
        _no_longer_open(ctx)
        return
    ctx.clear_state()
    ctx.set_state(
        "bk.date",
        move=booking.id,
        vehicle=booking.vehicle_id,
        services=list(booking.services),
        dealer=booking.dealer_code,
        transport=booking.transport,
        notes=booking.notes,
    )
    await show_calendar(ctx, None, edit=True)


async def move_summary(ctx: Context) -> None:
    t = ctx.t
    booking = await own_booking(ctx, int(ctx.data["move"]))
    dealer = flow_dealer(ctx)
    start = datetime.fromisoformat(str(ctx.data["start"]))
    token = secrets.token_hex(8)
    ctx.set_state("bk.summary", token=token)
    text = t._(
        "Move your visit at {center} from {old} to <b>{new}</b>?",
        center=dealer.name,
        old=when(t, booking.starts_at, dealer),
        new=when(t, start, dealer),
    )
    ctx.reply(
        text,
        [
            [Button(t.pgettext("button", "✅ Move it"), make_code(PREFIX, "mv", token))],
            [
                Button(
                    t.pgettext("button", "🕒 Another time"),
                    make_code(PREFIX, "cal", month_code(local_day(start, dealer.timezone))),
                )
            ],
            [Button(t.pgettext("button", "Keep it as it is"), make_code(PREFIX, "list"))],
        ],
        edit=True,
    )


async def confirm_move(ctx: Context, code: Code) -> None:
    token = code.arg(0)
    if ctx.data.get("moved") == token:
        ctx.toast(ctx.t._("Already done."))
        return
    if ctx.data.get("token") != token:
        raise BadCode("stale move token")
    need(ctx, "move", "dealer", "start")
    booking = await own_booking(ctx, int(ctx.data["move"]))
    dealer = flow_dealer(ctx)
    start = datetime.fromisoformat(str(ctx.data["start"]))
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
        offer_alternatives(ctx, dealer, start, gone, edit=True)
        return
    except InvalidTransition:
        ctx.clear_state()
        _no_longer_open(ctx)
        return
    except NotBookable as error:
        raise BadCode(str(error)) from error
    ctx.clear_state()
    ctx.set_state("", moved=token)
    t = ctx.t
    vehicle = await ctx.uow.vehicles.get(booking.vehicle_id)
    ctx.reply(
        "\n\n".join(
            [
                t._(
                    "🔁 Moved to {when}. {center} will confirm the new time.",
                    when=when(t, booking.starts_at, dealer),
                    center=dealer.name,
                ),
                booking_card(t, ctx.reference, booking, vehicle),
            ]
        ),
        [
            my_bookings_button(t),
            back_to_menu(ctx),
        ],
        edit=True,
    )
    await send_calendar(ctx, booking)
    await tell_center(ctx, booking, "moved", old_start=old)


async def send_calendar(ctx: Context, booking: Booking) -> None:
    assert booking.id is not None
    moves = [
        c
        for c in await ctx.uow.bookings.history(booking.id)
        if c.action in ("rescheduled", "proposed")
    ]
    ctx.reply(
        "",
        attachment=calendar_attachment(
            ctx.t, ctx.reference, booking, sequence=len(moves), now=ctx.now
        ),
    )


async def ask_cancel(ctx: Context, code: Code) -> None:
    booking = await own_booking(ctx, code.int_arg(0))
    if not booking.is_upcoming(ctx.now):
        _no_longer_open(ctx)
        return
    t = ctx.t
    dealer = ctx.reference.dealers[booking.dealer_code]
    rows = [
        [Button(cancel_reason_label(t, reason), make_code(PREFIX, "cxr", booking.id, reason))]
        for reason in CANCEL_REASONS
    ]
    rows.append([Button(t.pgettext("button", "Keep my booking"), make_code(PREFIX, "list"))])
    ctx.reply(
        t._(
            "Cancel your visit on {when} at {center}? Please tell us why: it helps us improve.",
            when=when(t, booking.starts_at, dealer),
            center=dealer.name,
        ),
        rows,
        edit=True,
    )


async def cancel_reason(ctx: Context, code: Code) -> None:
    booking = await own_booking(ctx, code.int_arg(0))
    reason = code.arg(1)
    if reason not in CANCEL_REASONS:
        raise BadCode("unknown reason")
    if reason == "other":
        ctx.set_state("bk.cancel_reason", cancel=booking.id)
        ctx.reply(ctx.t._("Please write the reason in a few words."), edit=True)
        return
    await _cancel(ctx, booking, reason, edit=True)


@router.state("bk.cancel_reason")
async def cancel_reason_entered(ctx: Context) -> None:
    booking = await own_booking(ctx, int(ctx.data["cancel"]))
    text = " ".join(ctx.event.text.split())
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.reply(ctx.t._("Please write the reason in a few words."))
        return
    await _cancel(ctx, booking, text[:300], edit=False)


async def _cancel(ctx: Context, booking: Booking, reason: str, *, edit: bool) -> None:
    ctx.clear_state()
    if not booking.is_upcoming(ctx.now):
        _no_longer_open(ctx)
        return
    await booking_service.cancel(ctx.uow, booking, actor=actor_of(ctx), reason=reason, now=ctx.now)
    dealer = ctx.reference.dealers[booking.dealer_code]
    t = ctx.t
    ctx.reply(
        t._(
            "Your visit on {when} at {center} is cancelled.",
            when=when(t, booking.starts_at, dealer),
            center=dealer.name,
        ),
        [
            [Button(t.pgettext("button", "🔧 Book another time"), make_code(PREFIX, "start"))],
            back_to_menu(ctx),
        ],
        edit=edit,
    )
    await tell_center(ctx, booking, "cancelled", reason=reason)


async def accept(ctx: Context, code: Code) -> None:
    booking = await own_booking(ctx, code.int_arg(0))
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
    await tell_center(ctx, booking, "accepted")
