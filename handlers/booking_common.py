"""What the booking flows share: who is booking, the draft in progress, its checks.

The draft (`handlers.states.booking.BookingDraft`) is checked again on every button:
a button of a booking no longer in progress, or of a step not reached, is stale.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.booking import Booking
from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Dealer
from bot.domain.slots import booking_horizon
from bot.i18n import Translator
from bot.services import booking as booking_service
from bot.services.queries import bookings as booking_queries
from bot.services.queries import vehicles as vehicle_queries
from bot.services.staff import actor_id
from handlers.booking_texts import booking_card, calendar_attachment
from handlers.codes import BadCode, button
from handlers.codes.booking import MyBookings, StopBooking
from handlers.context import Context
from handlers.errors import NotYours
from handlers.router import Draft
from handlers.states import StaleState
from handlers.states.booking import BookingDraft, BookingStep
from handlers.types import Attachment, Button


def _continue_label(ctx: Context) -> str:
    if ctx.in_step(BookingStep.VEHICLE) or ctx.draft(BookingDraft).move is None:
        return ctx.t.pgettext("button", "↩️ Continue your booking")
    return ctx.t.pgettext("button", "↩️ Continue moving your visit")


# Booking a visit, or moving one: a draft worth keeping.
BOOKING = Draft(_continue_label)


def owner_of(ctx: Context) -> Owner:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    return ctx.owner


def owner_id(ctx: Context) -> int:
    return owner_of(ctx).id or 0


def actor_of(ctx: Context) -> str:
    return actor_id(ctx.event.channel, ctx.event.user_id)


def draft_of(ctx: Context) -> BookingDraft:
    """The booking in progress, for one of its buttons; BadCode when there is none."""
    if not ctx.in_step(*BookingStep):
        raise BadCode("no booking in progress")
    try:
        return ctx.draft(BookingDraft)
    except StaleState as error:
        raise BadCode("no booking in progress") from error


def draft_with_services(ctx: Context) -> BookingDraft:
    """The booking in progress once its services were offered; BadCode before."""
    if ctx.in_step(BookingStep.VEHICLE, BookingStep.MILEAGE):
        raise BadCode("no services offered yet")
    return draft_of(ctx)


async def own_vehicle(ctx: Context, vehicle_id: int) -> Vehicle:
    vehicle = await vehicle_queries.owned_vehicle(ctx.uow, owner_id(ctx), vehicle_id)
    if vehicle is None:
        raise NotYours
    return vehicle


async def own_booking(ctx: Context, booking_id: int) -> Booking:
    booking = await booking_queries.owned_booking(ctx.uow, owner_id(ctx), booking_id)
    if booking is None:
        raise NotYours
    return booking


def stop_button(ctx: Context) -> list[Button]:
    return [button(ctx.t.pgettext("button", "✖ Stop booking"), StopBooking())]


def my_bookings_button(t: Translator) -> list[Button]:
    return [button(t.pgettext("button", "📋 My bookings"), MyBookings())]


async def flow_vehicle(ctx: Context, draft: BookingDraft) -> Vehicle:
    return await own_vehicle(ctx, draft.vehicle)


def flow_dealer(ctx: Context, draft: BookingDraft) -> Dealer:
    """The center chosen; BadCode before one was."""
    dealer = ctx.reference.dealers.get(draft.dealer or "")
    if dealer is None:
        raise BadCode("no center chosen")
    return dealer


def flow_start(draft: BookingDraft) -> datetime:
    """The time chosen; BadCode before one was."""
    if draft.start is None:
        raise BadCode("no time chosen")
    return draft.start


async def flow_minutes(ctx: Context, draft: BookingDraft) -> int:
    vehicle = await flow_vehicle(ctx, draft)
    return ctx.reference.catalog.duration(draft.services, vehicle.model)


async def horizon(ctx: Context, dealer: Dealer) -> tuple[date, date]:
    window = await booking_service.window_days(ctx.uow, ctx.reference, owner_id(ctx))
    return booking_horizon(dealer, ctx.now, window)


def zone_note(ctx: Context, dealer: Dealer) -> str:
    owner = owner_of(ctx)
    zone = owner.timezone or ctx.market.timezone
    here = ctx.now.astimezone(ZoneInfo(zone)).utcoffset()
    there = ctx.now.astimezone(ZoneInfo(dealer.timezone)).utcoffset()
    if here == there:
        return ""
    return ctx.t._("Times are local to {city}.", city=dealer.city)


async def calendar_of(
    ctx: Context, t: Translator, booking: Booking, *, cancelled: bool = False
) -> Attachment:
    """The booking's calendar file as it stands now, in `t`'s language: its sequence
    counts the moves (and the cancellation), so calendars replace what they saved."""
    assert booking.id is not None
    sequence = await booking_queries.calendar_sequence(ctx.uow, booking.id)
    return calendar_attachment(
        t, ctx.reference, booking, sequence=sequence, now=ctx.now, cancelled=cancelled
    )


async def card_for_owner(
    ctx: Context, booking: Booking, vehicle: Vehicle | None, *, with_status: bool = True
) -> str:
    """The booking's card as its owner reads it, the price with their tier discount."""
    percent = await booking_queries.service_discount_percent(
        ctx.uow, ctx.reference, booking.owner_id
    )
    return booking_card(
        ctx.t, ctx.reference, booking, vehicle, with_status=with_status, discount_percent=percent
    )
