"""Service booking in chat (prefix `bk`): /book, and the router of every `bk` button.

/book walks through: vehicle (if several) -> odometer (optional) -> services (the due
one first, open recalls flagged) -> center (nearest first after sharing a location, or
from the list, the last one used first) -> day (a localized calendar) -> time (the
center's local time) -> transport -> notes -> summary -> confirm. The confirm button
carries a token that becomes the booking's request key, so a second tap books nothing
twice. Times travel in button codes as UTC and every id is re-checked. The day and time
step is `handlers.booking_slots`; /bookings, moving and cancelling `handlers.my_bookings`.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.domain.booking import MAX_NOTES, Booking, BookingStatus
from bot.domain.geo import distance_km
from bot.domain.owners import Vehicle
from bot.domain.reference import Dealer
from bot.domain.service_catalog import RECALL, SCHEDULED, DueService, Urgency
from bot.services import booking as booking_service
from bot.services.booking import AlreadyBooked, BookingRequest, NotBookable, SlotGone
from handlers.booking_common import (
    PREFIX,
    actor_of,
    chosen_services,
    flow_dealer,
    flow_vehicle,
    moving,
    my_bookings_button,
    need,
    own_vehicle,
    owner_of,
    stop_button,
    zone_note,
)
from handlers.booking_slots import (
    calendar_page,
    chose_day,
    chose_time,
    offer_alternatives,
    show_calendar,
)
from handlers.booking_staff import tell_center
from handlers.booking_texts import booking_card, calendar_attachment, model_name
from handlers.calendar import month_code
from handlers.codes import BadCode, Code, make_code, parse_code
from handlers.common import show_main_menu
from handlers.context import Context
from handlers.errors import NotYours
from handlers.menu import back_to_menu, read_odometer
from handlers.my_bookings import (
    accept,
    ask_cancel,
    cancel_reason,
    confirm_move,
    list_action,
    list_bookings,
    move_summary,
    reschedule,
)
from handlers.router import Router
from handlers.service_names import operation_name, transport_label
from handlers.types import Button, EventKind, RequestButton, RequestKind

router = Router()


# --- entry points ------------------------------------------------------------------------


@router.command("book")
async def book_command(ctx: Context) -> None:
    await _start(ctx, edit=False)


@router.command("bookings")
async def bookings_command(ctx: Context) -> None:
    await list_bookings(ctx, edit=False)


@router.button(PREFIX)
async def booking_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    action = _ACTIONS.get(code.action)
    if action is None:
        raise BadCode("unknown booking action")
    await action(ctx, code)


# --- vehicle and odometer ------------------------------------------------------------------


async def _start(ctx: Context, *, edit: bool) -> None:
    ctx.clear_state()
    vehicles = await ctx.uow.vehicles.of_owner(owner_of(ctx).id or 0)
    if not vehicles:
        ctx.reply(ctx.t._("No vehicles are registered to you yet."), [back_to_menu(ctx)], edit=edit)
        return
    if len(vehicles) == 1:
        await _ask_mileage(ctx, vehicles[0], edit=edit)
        return
    ctx.set_state("bk.vehicle")
    rows = [
        [
            Button(
                f"🚗 {model_name(ctx.reference, v)}" + (f" …{v.vin[-4:]}" if v.vin else ""),
                make_code(PREFIX, "veh", v.id),
            )
        ]
        for v in vehicles
    ]
    rows.append(stop_button(ctx))
    ctx.reply(ctx.t._("Which car needs a service?"), rows, edit=edit)


async def _chose_vehicle(ctx: Context, code: Code) -> None:
    vehicle = await own_vehicle(ctx, code.int_arg(0))
    ctx.clear_state()
    await _ask_mileage(ctx, vehicle, edit=True)


async def _ask_mileage(ctx: Context, vehicle: Vehicle, *, edit: bool) -> None:
    t = ctx.t
    ctx.set_state("bk.mileage", vehicle=vehicle.id)
    lines = [t._("What does the odometer show now? It helps the advisor prepare.")]
    if vehicle.mileage_km is not None:
        lines.append(
            t._(
                "Last reading on record: {distance}.",
                distance=t.distance(vehicle.mileage_km, ctx.market.distance_unit),
            )
        )
    lines.append(
        t._("Send the number of miles, or skip.")
        if ctx.market.distance_unit == "mi"
        else t._("Send the number of kilometres, or skip.")
    )
    ctx.reply(
        "\n".join(lines),
        [
            [Button(t.pgettext("button", "Skip ➡️"), make_code(PREFIX, "km", "skip"))],
            stop_button(ctx),
        ],
        edit=edit,
    )


@router.state("bk.mileage")
async def mileage_entered(ctx: Context) -> None:
    vehicle = await own_vehicle(ctx, int(ctx.data["vehicle"]))
    if ctx.event.kind is not EventKind.TEXT:
        await _ask_mileage(ctx, vehicle, edit=False)
        return
    km = read_odometer(ctx, vehicle, ctx.event.text)
    if km is None:
        return
    ctx.reply(
        ctx.t._(
            "Thank you, odometer saved: {distance}.",
            distance=ctx.t.distance(km, ctx.market.distance_unit),
        )
    )
    await _ask_services(ctx, edit=False)


async def _skip_mileage(ctx: Context, code: Code) -> None:
    if code.arg(0) != "skip":
        raise BadCode("unknown odometer action")
    need(ctx, "vehicle")
    await _ask_services(ctx, edit=True)


# --- services ------------------------------------------------------------------------------


async def _ask_services(ctx: Context, *, edit: bool) -> None:
    owner = owner_of(ctx)
    vehicle = await flow_vehicle(ctx)
    assert vehicle.id is not None
    today = booking_service.owner_today(ctx.reference, owner, ctx.now)
    due = await booking_service.due_service(ctx.uow, ctx.reference, vehicle, today)
    recalls = await booking_service.open_recalls(ctx.uow, vehicle)
    visits = await ctx.uow.visits.of_vehicle(vehicle.id)
    first_done = any(code in SCHEDULED for v in visits for code in v.services) or (
        due is not None and due.operation != "first_service"
    )
    codes = booking_service.bookable_operations(
        ctx.reference, None, vehicle, first_service_done=first_done, open_recalls=bool(recalls)
    )
    centers = ctx.reference.dealers_in(owner.market)
    codes = [c for c in codes if any(c in d.services for d in centers)]
    due_code = due.operation if due is not None and due.operation in codes else None
    codes.sort(key=lambda c: (c != due_code, c != RECALL))
    if "services" in ctx.data:
        selected = [c for c in ctx.data["services"] if c in codes]
    else:
        selected = [due_code] if due_code and due and due.urgency is not Urgency.LATER else []
        if recalls and RECALL in codes:
            selected.append(RECALL)
    ctx.set_state("bk.services", services=selected, offered=codes)
    _render_services(
        ctx,
        vehicle.model,
        codes,
        selected,
        due,
        [r.title_in(ctx.t.code) for r in recalls],
        edit=edit,
    )


def _due_line(ctx: Context, due: DueService) -> str:
    t = ctx.t
    name = operation_name(t, due.operation)
    unit = ctx.market.distance_unit
    if due.due_km is not None and due.due_on is not None:
        moment = t._(
            "at {distance} or on {date}, whichever comes first",
            distance=t.distance(due.due_km, unit),
            date=t.date(due.due_on),
        )
    elif due.due_km is not None:
        moment = t._("at {distance}", distance=t.distance(due.due_km, unit))
    elif due.due_on is not None:
        moment = t._("on {date}", date=t.date(due.due_on))
    else:
        moment = ""
    if due.urgency is Urgency.OVERDUE:
        return t._("⏰ Due now: {service}.", service=name)
    if due.urgency is Urgency.SOON:
        return t._("⏰ Due soon: {service}, {when}.", service=name, when=moment)
    return t._("Next scheduled: {service}, {when}.", service=name, when=moment)


def _render_services(
    ctx: Context,
    vehicle_model: str,
    codes: list[str],
    selected: list[str],
    due: DueService | None,
    recall_titles: list[str],
    *,
    edit: bool,
) -> None:
    t = ctx.t
    market = ctx.market
    lines = [t._("<b>Which services do you need?</b> Tap to choose, then Continue.")]
    if due is not None:
        lines.append(_due_line(ctx, due))
    for title in recall_titles:
        lines.append(t._("⚠️ Open safety recall: {title}. The repair is free.", title=title))
    lines.append("")
    catalog = ctx.reference.catalog
    for code in codes:
        operation = catalog.operations[code]
        price = operation.price_for(market.code, vehicle_model)
        lines.append(
            t._(
                "• {service}: about {duration}, {price}",
                service=operation_name(t, code),
                duration=t.duration(operation.minutes_for(vehicle_model)),
                price=t._("free") if price == 0 else t.money(price or 0, market.currency),
            )
        )
    rows: list[list[Button]] = []
    for code in codes:
        mark = "✅ " if code in selected else "▫️ "
        flag = "⚠️ " if code == RECALL else ""
        rows.append([Button(mark + flag + operation_name(t, code), make_code(PREFIX, "svc", code))])
    rows.append([Button(t.pgettext("button", "Continue ➡️"), make_code(PREFIX, "svok"))])
    rows.append(stop_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


async def _toggle_service(ctx: Context, code: Code) -> None:
    need(ctx, "vehicle", "services", "offered")
    wanted = code.arg(0)
    if ctx.state != "bk.services" or wanted not in ctx.data["offered"]:
        raise BadCode("service not offered")
    selected = list(ctx.data["services"])
    if wanted in selected:
        selected.remove(wanted)
    else:
        selected.append(wanted)
    offered = list(ctx.data["offered"])
    ctx.set_state("bk.services", services=[c for c in offered if c in selected])
    await _ask_services(ctx, edit=True)


async def _services_chosen(ctx: Context, code: Code) -> None:
    del code
    need(ctx, "vehicle", "services")
    if not ctx.data["services"]:
        ctx.toast(ctx.t._("Please choose at least one service."))
        return
    await _ask_center(ctx)


# --- center --------------------------------------------------------------------------------


async def _ask_center(ctx: Context) -> None:
    t = ctx.t
    centers = booking_service.centers_for(ctx.reference, owner_of(ctx).market, chosen_services(ctx))
    if not centers:
        ctx.reply(
            t._("No center near you offers all of these together. Please choose fewer services.")
        )
        await _ask_services(ctx, edit=False)
        return
    ctx.set_state("bk.center")
    ctx.reply(
        t._(
            "Where should we service your car? Share your location to see the nearest "
            "centers first, or choose one below."
        ),
        keyboard=[
            [RequestButton(t.pgettext("button", "📍 Share my location"), RequestKind.LOCATION)]
        ],
    )
    await _center_list(ctx, centers, None)


async def _center_list(
    ctx: Context, centers: list[Dealer], where: tuple[float, float] | None
) -> None:
    t = ctx.t
    owner = owner_of(ctx)
    unit = ctx.market.distance_unit
    last_used = await ctx.uow.bookings.last_dealer_of(owner.id or 0)
    if last_used is None:
        visits = await ctx.uow.visits.of_owner(owner.id or 0)  # newest first
        last_used = visits[0].dealer_code if visits else None
    vehicle = await flow_vehicle(ctx)
    distances: dict[str, int] = {}
    if where is not None:
        distances = {
            d.code: round(distance_km(where[0], where[1], d.latitude, d.longitude)) for d in centers
        }
        centers = sorted(centers, key=lambda d: (distances[d.code], d.name))
    else:
        centers = sorted(
            centers,
            key=lambda d: (d.code != last_used, d.code != vehicle.dealer_code, d.city, d.name),
        )
    lines = [t._("<b>Service centers</b>")]
    rows: list[list[Button]] = []
    for dealer in centers:
        if dealer.code in distances:
            distance = t.distance(distances[dealer.code], unit)
            lines.append(
                t._(
                    "📍 <b>{center}</b>, {address} ({distance})",
                    center=dealer.name,
                    address=dealer.address,
                    distance=distance,
                )
            )
            label = t.pgettext(
                "button", "{center} · {distance}", center=dealer.name, distance=distance
            )
        else:
            lines.append(
                t._("📍 <b>{center}</b>, {address}", center=dealer.name, address=dealer.address)
            )
            label = dealer.name
        if dealer.code == last_used:
            lines.append(t._("   (your last visit)"))
        rows.append([Button(label, make_code(PREFIX, "ctr", dealer.code))])
    rows.append(stop_button(ctx))
    ctx.reply("\n".join(lines), rows)


@router.state("bk.center")
async def center_location(ctx: Context) -> None:
    location = ctx.event.location
    centers = booking_service.centers_for(ctx.reference, owner_of(ctx).market, chosen_services(ctx))
    if ctx.event.kind is EventKind.LOCATION and location is not None:
        ctx.reply(ctx.t._("Thank you. The nearest centers first:"), remove_keyboard=True)
        await _center_list(ctx, centers, (location.latitude, location.longitude))
        return
    await _center_list(ctx, centers, None)


async def _chose_center(ctx: Context, code: Code) -> None:
    need(ctx, "vehicle", "services")
    dealer = ctx.reference.dealers.get(code.arg(0))
    if dealer is None or dealer.market != owner_of(ctx).market:
        raise NotYours
    if not dealer.offers(tuple(chosen_services(ctx))):
        raise BadCode("the center does not offer these services")
    ctx.set_state("bk.date", dealer=dealer.code)
    ctx.reply(ctx.t._("📍 {center}", center=dealer.name), remove_keyboard=True)
    await show_calendar(ctx, None, edit=False)


# --- day and time: handlers.booking_slots; then transport ----------------------------------------


async def _chose_time(ctx: Context, code: Code) -> None:
    await chose_time(ctx, code, then=_after_time)


async def _after_time(ctx: Context, dealer: Dealer) -> None:
    if moving(ctx) is not None:
        await move_summary(ctx)
    else:
        _ask_transport(ctx, dealer)


# --- transport, notes, summary ------------------------------------------------------------------


def _ask_transport(ctx: Context, dealer: Dealer) -> None:
    if len(dealer.transport) == 1:
        ctx.set_state("bk.notes", transport=dealer.transport[0])
        _ask_notes(ctx, edit=True)
        return
    ctx.set_state("bk.transport")
    rows = [
        [Button(transport_label(ctx.t, option), make_code(PREFIX, "tr", option))]
        for option in dealer.transport
    ]
    rows.append(stop_button(ctx))
    ctx.reply(ctx.t._("How would you like to get on with your day?"), rows, edit=True)


async def _chose_transport(ctx: Context, code: Code) -> None:
    need(ctx, "vehicle", "services", "dealer", "start")
    option = code.arg(0)
    if option not in flow_dealer(ctx).transport:
        raise BadCode("transport not offered")
    ctx.set_state("bk.notes", transport=option)
    _ask_notes(ctx, edit=True)


def _ask_notes(ctx: Context, *, edit: bool) -> None:
    ctx.reply(
        ctx.t._(
            "Anything the advisor should know? A noise, a warning light, a question. "
            "Write it here, or skip."
        ),
        [
            [Button(ctx.t.pgettext("button", "Skip ➡️"), make_code(PREFIX, "nt", "skip"))],
            stop_button(ctx),
        ],
        edit=edit,
    )


@router.state("bk.notes")
async def notes_entered(ctx: Context) -> None:
    if "transport" not in ctx.data or ctx.event.kind is not EventKind.TEXT:
        _ask_notes(ctx, edit=False)
        return
    notes = ctx.event.text.strip()
    if len(notes) > MAX_NOTES:
        ctx.reply(
            ctx.t._("Please keep it under {limit} characters.", limit=ctx.t.number(MAX_NOTES))
        )
        return
    ctx.set_state("bk.notes", notes=notes)
    await _summary(ctx, edit=False)


async def _skip_notes(ctx: Context, code: Code) -> None:
    if code.arg(0) != "skip":
        raise BadCode("unknown notes action")
    need(ctx, "vehicle", "services", "dealer", "start", "transport")
    ctx.set_state("bk.notes", notes="")
    await _summary(ctx, edit=True)


def _draft(ctx: Context, vehicle: Vehicle) -> Booking:
    """The booking as it would be made, for the summary (never stored)."""
    start = datetime.fromisoformat(str(ctx.data["start"]))
    minutes = ctx.reference.catalog.duration(chosen_services(ctx), vehicle.model)
    return Booking(
        owner_id=owner_of(ctx).id or 0,
        vehicle_id=vehicle.id or 0,
        dealer_code=str(ctx.data["dealer"]),
        services=chosen_services(ctx),
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        transport=str(ctx.data.get("transport", "wait")),
        status=BookingStatus.REQUESTED.value,
        request_key="",
        notes=str(ctx.data.get("notes", "")),
        created_at=ctx.now,
        updated_at=ctx.now,
    )


async def _summary(ctx: Context, *, edit: bool) -> None:
    t = ctx.t
    vehicle = await flow_vehicle(ctx)
    draft = _draft(ctx, vehicle)
    token = secrets.token_hex(8)
    ctx.set_state("bk.summary", token=token)
    text = "\n\n".join(
        [
            t._("<b>Please check your booking:</b>"),
            booking_card(t, ctx.reference, draft, vehicle, with_status=False),
        ]
    )
    note = zone_note(ctx, flow_dealer(ctx))
    if note:
        text += "\n" + note
    ctx.reply(
        text,
        [
            [Button(t.pgettext("button", "✅ Confirm booking"), make_code(PREFIX, "ok", token))],
            [
                Button(
                    t.pgettext("button", "🕒 Change the time"),
                    make_code(PREFIX, "cal", month_code(draft.starts_at.date())),
                )
            ],
            stop_button(ctx),
        ],
        edit=edit,
    )


async def _confirm(ctx: Context, code: Code) -> None:
    token = code.arg(0)
    owner = owner_of(ctx)
    earlier = await ctx.uow.bookings.by_request_key(token)
    if earlier is not None:
        if earlier.owner_id != owner.id:
            raise NotYours
        await _already_booked(ctx, earlier)
        return
    if ctx.data.get("token") != token or moving(ctx) is not None:
        raise BadCode("stale confirm token")
    need(ctx, "vehicle", "services", "dealer", "start", "transport")
    dealer = flow_dealer(ctx)
    start = datetime.fromisoformat(str(ctx.data["start"]))
    request = BookingRequest(
        owner_id=owner.id or 0,
        vehicle_id=int(ctx.data["vehicle"]),
        dealer_code=dealer.code,
        services=tuple(chosen_services(ctx)),
        start=start,
        transport=str(ctx.data["transport"]),
        request_key=token,
        notes=str(ctx.data.get("notes", "")),
    )
    try:
        booking = await booking_service.book(
            ctx.uow, ctx.reference, owner, request, actor=actor_of(ctx), now=ctx.now
        )
    except AlreadyBooked as done:
        await _already_booked(ctx, done.booking)
        return
    except SlotGone as gone:
        offer_alternatives(ctx, dealer, start, gone, edit=True)
        return
    except NotBookable as error:
        raise BadCode(str(error)) from error
    ctx.clear_state()
    vehicle = await ctx.uow.vehicles.get(booking.vehicle_id)
    t = ctx.t
    ctx.reply(
        "\n\n".join(
            [
                t._("✅ Booked! {center} will confirm your visit shortly.", center=dealer.name),
                booking_card(t, ctx.reference, booking, vehicle),
            ]
        ),
        [
            my_bookings_button(t),
            back_to_menu(ctx),
        ],
        edit=True,
    )
    ctx.reply(
        "", attachment=calendar_attachment(t, ctx.reference, booking, sequence=0, now=ctx.now)
    )
    await tell_center(ctx, booking, "new")


async def _already_booked(ctx: Context, booking: Booking) -> None:
    vehicle = await ctx.uow.vehicles.get(booking.vehicle_id)
    ctx.reply(
        "\n\n".join(
            [
                ctx.t._("This booking is already made."),
                booking_card(ctx.t, ctx.reference, booking, vehicle),
            ]
        ),
        [
            my_bookings_button(ctx.t),
            back_to_menu(ctx),
        ],
        edit=True,
    )


async def _stop(ctx: Context, code: Code) -> None:
    del code
    ctx.clear_state()
    ctx.reply(ctx.t._("OK, nothing was booked."), remove_keyboard=True)
    show_main_menu(ctx)


async def _nothing(ctx: Context, code: Code) -> None:
    del code
    ctx.toast(ctx.t._("Days with a number can be booked."))


async def _begin(ctx: Context, code: Code) -> None:
    del code
    await _start(ctx, edit=True)


_ACTIONS: dict[str, Callable[[Context, Code], Awaitable[None]]] = {
    "start": _begin,
    "veh": _chose_vehicle,
    "km": _skip_mileage,
    "svc": _toggle_service,
    "svok": _services_chosen,
    "ctr": _chose_center,
    "cal": calendar_page,
    "day": chose_day,
    "tm": _chose_time,
    "tr": _chose_transport,
    "nt": _skip_notes,
    "ok": _confirm,
    "stop": _stop,
    "nop": _nothing,
    "list": list_action,
    "rs": reschedule,
    "mv": confirm_move,
    "cx": ask_cancel,
    "cxr": cancel_reason,
    "acc": accept,
}
