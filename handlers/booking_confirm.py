"""The end of booking: once a time is chosen, how the owner gets on with their day,
notes for the advisor, the summary, and the confirm that books (once, however many
times it is tapped)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.domain.booking import MAX_NOTES, Booking, BookingStatus
from bot.domain.owners import Vehicle
from bot.domain.reference import Dealer
from bot.services import booking as booking_service
from bot.services.booking import AlreadyBooked, BookingRequest, NotBookable, SlotGone
from bot.services.queries import bookings as booking_queries
from bot.services.queries import vehicles as vehicle_queries
from handlers.booking_common import (
    BOOKING,
    actor_of,
    card_for_owner,
    draft_of,
    flow_dealer,
    flow_start,
    flow_vehicle,
    my_bookings_button,
    owner_id,
    owner_of,
    stop_button,
    zone_note,
)
from handlers.booking_slots import chose_time, offer_alternatives
from handlers.booking_staff import DeskNews, tell_center
from handlers.booking_texts import calendar_attachment
from handlers.booking_twice import already_booked, offer_to_move
from handlers.calendar import first_of_month
from handlers.codes import BadCode, button
from handlers.codes.booking import (
    CalendarPage,
    ChooseTime,
    ChooseTransport,
    ConfirmBooking,
    SkipNotes,
)
from handlers.context import Context
from handlers.errors import NotYours
from handlers.menu import back_to_menu
from handlers.my_bookings import move_summary
from handlers.router import Router
from handlers.service_names import transport_label
from handlers.states.booking import BookingDraft, BookingStep
from handlers.typed import pressed_by_name
from handlers.types import EventKind

router = Router()


@router.on(ChooseTime)
async def chose_time_button(ctx: Context, code: ChooseTime) -> None:
    await chose_time(ctx, code, then=_after_time)


async def _after_time(ctx: Context, draft: BookingDraft, dealer: Dealer) -> None:
    if draft.move is not None:
        await move_summary(ctx, draft)
    else:
        _ask_transport(ctx, draft, dealer)


# --- transport and notes ------------------------------------------------------------------------


def _ask_transport(ctx: Context, draft: BookingDraft, dealer: Dealer) -> None:
    if len(dealer.transport) == 1:
        draft.transport = dealer.transport[0]
        ctx.enter(BookingStep.NOTES, draft)
        _ask_notes(ctx, edit=True)
        return
    ctx.enter(BookingStep.TRANSPORT, draft)
    rows = [
        [button(transport_label(ctx.t, option), ChooseTransport(option))]
        for option in dealer.transport
    ]
    rows.append(stop_button(ctx))
    ctx.reply(ctx.t._("How would you like to get on with your day?"), rows, edit=True)


@router.reask(BookingStep.TRANSPORT, draft=BOOKING)
async def reask_transport(ctx: Context) -> None:
    draft = ctx.draft(BookingDraft)
    _ask_transport(ctx, draft, flow_dealer(ctx, draft))


@router.on(ChooseTransport)
async def chose_transport(ctx: Context, code: ChooseTransport) -> None:
    draft = draft_of(ctx)
    flow_start(draft)
    if code.option not in flow_dealer(ctx, draft).transport:
        raise BadCode("transport not offered")
    draft.transport = code.option
    ctx.enter(BookingStep.NOTES, draft)
    _ask_notes(ctx, edit=True)


def _ask_notes(ctx: Context, *, edit: bool) -> None:
    ctx.reply(
        ctx.t._(
            "Anything the advisor should know? A noise, a warning light, a question. "
            "Write it here, or skip."
        ),
        [[button(ctx.t.pgettext("button", "Skip ➡️"), SkipNotes())], stop_button(ctx)],
        edit=edit,
    )


@router.reask(BookingStep.NOTES, draft=BOOKING)
async def reask_notes(ctx: Context) -> None:
    _ask_notes(ctx, edit=False)


@router.state(BookingStep.NOTES)
async def notes_entered(ctx: Context) -> None:
    """Whatever is written is the note, except a button's own name ("Skip")."""
    draft = ctx.draft(BookingDraft)
    if draft.transport is None or ctx.event.kind is not EventKind.TEXT:
        _ask_notes(ctx, edit=False)
        return
    if await pressed_by_name(ctx):
        return
    notes = ctx.event.text.strip()
    if len(notes) > MAX_NOTES:
        ctx.reply(
            ctx.t._("Please keep it under {limit} characters.", limit=ctx.t.number(MAX_NOTES))
        )
        _ask_notes(ctx, edit=False)
        return
    draft.notes = notes
    await _summary(ctx, draft, edit=False)


@router.on(SkipNotes)
async def skip_notes(ctx: Context, code: SkipNotes) -> None:
    del code
    draft = draft_of(ctx)
    flow_dealer(ctx, draft)
    flow_start(draft)
    if draft.transport is None:
        raise BadCode("no transport chosen")
    draft.notes = ""
    await _summary(ctx, draft, edit=True)


# --- summary and confirm ----------------------------------------------------------------------


def _as_booked(ctx: Context, draft: BookingDraft, vehicle: Vehicle) -> Booking:
    """The booking as it would be made, for the summary (never stored)."""
    start = flow_start(draft)
    minutes = ctx.reference.catalog.duration(draft.services, vehicle.model)
    return Booking(
        owner_id=owner_id(ctx),
        vehicle_id=vehicle.id or 0,
        dealer_code=flow_dealer(ctx, draft).code,
        services=list(draft.services),
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        transport=draft.transport or "wait",
        status=BookingStatus.REQUESTED,
        request_key="",
        notes=draft.notes,
        created_at=ctx.now,
        updated_at=ctx.now,
    )


@router.reask(BookingStep.SUMMARY, draft=BOOKING)
async def reask_summary(ctx: Context) -> None:
    """The summary again, with the same confirm token (its earlier button still books
    once)."""
    draft = ctx.draft(BookingDraft)
    if draft.move is not None:
        await move_summary(ctx, draft)
    else:
        await _summary(ctx, draft, edit=False)


async def _summary(ctx: Context, draft: BookingDraft, *, edit: bool) -> None:
    t = ctx.t
    vehicle = await flow_vehicle(ctx, draft)
    booking = _as_booked(ctx, draft, vehicle)
    draft.token = draft.token or secrets.token_hex(8)
    ctx.enter(BookingStep.SUMMARY, draft)
    text = "\n\n".join(
        [
            t._("<b>Please check your booking:</b>"),
            await card_for_owner(ctx, booking, vehicle, with_status=False),
        ]
    )
    note = zone_note(ctx, flow_dealer(ctx, draft))
    if note:
        text += "\n" + note
    ctx.reply(
        text,
        [
            [button(t.pgettext("button", "✅ Confirm booking"), ConfirmBooking(draft.token))],
            [
                button(
                    t.pgettext("button", "🕒 Change the time"),
                    CalendarPage(first_of_month(booking.starts_at.date())),
                )
            ],
            stop_button(ctx),
        ],
        edit=edit,
    )


@router.on(ConfirmBooking)
async def confirm(ctx: Context, code: ConfirmBooking) -> None:
    token = code.token
    owner = owner_of(ctx)
    earlier = await booking_queries.by_confirm_token(ctx.uow, token)
    if earlier is not None:
        if earlier.owner_id != owner.id:
            raise NotYours
        await _already_booked(ctx, earlier)
        return
    draft = draft_of(ctx)
    if draft.token != token or draft.move is not None:
        raise BadCode("stale confirm token")
    dealer = flow_dealer(ctx, draft)
    start = flow_start(draft)
    if draft.transport is None:
        raise BadCode("no transport chosen")
    booked = await already_booked(ctx, draft)
    if booked is not None and booked.request_key == token:
        # this very tap's twin, on another worker, booked it since we looked above
        await _already_booked(ctx, booked)
        return
    if booked is not None:  # booked meanwhile, from another device
        offer_to_move(ctx, draft, booked, edit=True)
        return
    request = BookingRequest(
        owner_id=owner_id(ctx),
        vehicle_id=draft.vehicle,
        dealer_code=dealer.code,
        services=tuple(draft.services),
        start=start,
        transport=draft.transport,
        request_key=token,
        notes=draft.notes,
    )
    try:
        booking = await booking_service.book(
            ctx.uow, ctx.reference, owner, request, actor=actor_of(ctx), now=ctx.now
        )
    except AlreadyBooked as done:
        await _already_booked(ctx, done.booking)
        return
    except SlotGone as gone:
        offer_alternatives(ctx, draft, dealer, start, gone, edit=True)
        return
    except NotBookable as error:
        raise BadCode(str(error)) from error
    ctx.clear_state()
    vehicle = await vehicle_queries.vehicle(ctx.uow, booking.vehicle_id)
    t = ctx.t
    ctx.reply(
        "\n\n".join(
            [
                t._("✅ Booked! {center} will confirm your visit shortly.", center=dealer.name),
                await card_for_owner(ctx, booking, vehicle),
            ]
        ),
        [my_bookings_button(t), back_to_menu(ctx)],
        edit=True,
    )
    ctx.reply(
        "", attachment=calendar_attachment(t, ctx.reference, booking, sequence=0, now=ctx.now)
    )
    await tell_center(ctx, booking, DeskNews.NEW)


async def _already_booked(ctx: Context, booking: Booking) -> None:
    vehicle = await vehicle_queries.vehicle(ctx.uow, booking.vehicle_id)
    ctx.reply(
        "\n\n".join(
            [
                ctx.t._("This booking is already made."),
                await card_for_owner(ctx, booking, vehicle),
            ]
        ),
        [my_bookings_button(ctx.t), back_to_menu(ctx)],
        edit=True,
    )
