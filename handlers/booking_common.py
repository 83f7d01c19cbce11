"""What the booking flows share: the prefix, who is booking, the flow's data.

The flows keep their progress in the conversation data: `vehicle`, `services`,
`dealer`, `start` (ISO, UTC), `transport`, `notes`, `token` (the summary's confirm
token) and, while moving a booking, `move` (its id).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.booking import Booking
from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Dealer
from bot.domain.slots import booking_horizon
from bot.i18n import Translator
from bot.services import booking as booking_service
from bot.services.staff import actor_id
from handlers.codes import BadCode, make_code
from handlers.context import Context
from handlers.errors import NotYours
from handlers.types import Button

PREFIX = "bk"


def owner_of(ctx: Context) -> Owner:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    return ctx.owner


def actor_of(ctx: Context) -> str:
    return actor_id(ctx.event.channel, ctx.event.user_id)


def forget(ctx: Context, *keys: str) -> None:
    """Drop flow data that no longer holds (a confirm token once the time changes)."""
    ctx.conversation.data = {k: v for k, v in ctx.data.items() if k not in keys}


def need(ctx: Context, *keys: str) -> None:
    """A button of a booking flow that is no longer in progress."""
    if not ctx.state.startswith("bk.") or any(key not in ctx.data for key in keys):
        raise BadCode("no booking in progress")


async def own_vehicle(ctx: Context, vehicle_id: int) -> Vehicle:
    vehicle = await ctx.uow.vehicles.get(vehicle_id)
    if vehicle is None or vehicle.owner_id != owner_of(ctx).id:
        raise NotYours
    return vehicle


async def own_booking(ctx: Context, booking_id: int) -> Booking:
    booking = await ctx.uow.bookings.get(booking_id)
    if booking is None or booking.owner_id != owner_of(ctx).id:
        raise NotYours
    return booking


def stop_button(ctx: Context) -> list[Button]:
    return [Button(ctx.t.pgettext("button", "✖ Stop booking"), make_code(PREFIX, "stop"))]


async def flow_vehicle(ctx: Context) -> Vehicle:
    return await own_vehicle(ctx, int(ctx.data["vehicle"]))


def chosen_services(ctx: Context) -> list[str]:
    return [str(c) for c in ctx.data["services"]]


def flow_dealer(ctx: Context) -> Dealer:
    dealer = ctx.reference.dealers.get(str(ctx.data["dealer"]))
    if dealer is None:
        raise BadCode("unknown center")
    return dealer


async def flow_minutes(ctx: Context) -> int:
    vehicle = await flow_vehicle(ctx)
    return ctx.reference.catalog.duration(chosen_services(ctx), vehicle.model)


def moving(ctx: Context) -> int | None:
    move = ctx.data.get("move")
    return int(move) if move is not None else None


async def horizon(ctx: Context, dealer: Dealer) -> tuple[date, date]:
    window = await booking_service.window_days(ctx.uow, ctx.reference, owner_of(ctx).id or 0)
    return booking_horizon(dealer, ctx.now, window)


def zone_note(ctx: Context, dealer: Dealer) -> str:
    owner = owner_of(ctx)
    zone = owner.timezone or ctx.market.timezone
    here = ctx.now.astimezone(ZoneInfo(zone)).utcoffset()
    there = ctx.now.astimezone(ZoneInfo(dealer.timezone)).utcoffset()
    if here == there:
        return ""
    return ctx.t._("Times are local to {city}.", city=dealer.city)


def my_bookings_button(t: Translator) -> list[Button]:
    return [Button(t.pgettext("button", "📋 My bookings"), make_code(PREFIX, "list"))]
