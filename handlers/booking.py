"""Service booking in chat (prefix `bk`): /book, /bookings, moving and cancelling.

/book walks through: vehicle (if several) -> odometer (optional) -> services (the due
one first, open recalls flagged) -> center (nearest first after sharing a location, or
from the list, the last one used first) -> day (a localized calendar) -> time (the
center's local time) -> transport -> notes -> summary -> confirm. The confirm button
carries a token that becomes the booking's request key, so a second tap books nothing
twice. Times travel in button codes as UTC and every id is re-checked.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.booking import MAX_NOTES, Booking, BookingStatus, InvalidTransition
from bot.domain.geo import distance_km
from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Dealer
from bot.domain.service_catalog import RECALL, SCHEDULED, DueService, Urgency
from bot.domain.slots import MIN_LEAD, Slot, booking_horizon, is_open_on, local_day, slot_at
from bot.services import booking as booking_service
from bot.services.booking import (
    AlreadyBooked,
    BookingRequest,
    NotBookable,
    SlotGone,
    SlotPast,
)
from bot.services.staff import actor_id
from handlers.booking_staff import tell_center
from handlers.booking_texts import (
    booking_card,
    calendar_attachment,
    model_name,
    parse_slot,
    services_line,
    short_when,
    slot_code,
    when,
)
from handlers.calendar import month_code, month_keyboard, parse_day, parse_month
from handlers.codes import BadCode, Code, make_code, parse_code
from handlers.common import show_main_menu
from handlers.context import Context
from handlers.errors import NotYours
from handlers.menu import back_to_menu, read_odometer
from handlers.router import Router
from handlers.service_names import (
    CANCEL_REASONS,
    cancel_reason_label,
    operation_name,
    status_name,
    transport_label,
)
from handlers.types import Button, EventKind, RequestButton, RequestKind

router = Router()

PREFIX = "bk"
TIMES_PER_ROW = 4
MAX_UPCOMING_SHOWN = 10
MAX_PAST_SHOWN = 5
MONTHS_TO_LOOK_AHEAD = 4


# --- entry points ------------------------------------------------------------------------


@router.command("book")
async def book_command(ctx: Context) -> None:
    await _start(ctx, edit=False)


@router.command("bookings")
async def bookings_command(ctx: Context) -> None:
    await _list_bookings(ctx, edit=False)


@router.button(PREFIX)
async def booking_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    action = _ACTIONS.get(code.action)
    if action is None:
        raise BadCode("unknown booking action")
    await action(ctx, code)


def _owner(ctx: Context) -> Owner:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    return ctx.owner


def _actor(ctx: Context) -> str:
    return actor_id(ctx.event.channel, ctx.event.user_id)


def _forget(ctx: Context, *keys: str) -> None:
    """Drop flow data that no longer holds (a confirm token once the time changes)."""
    ctx.conversation.data = {k: v for k, v in ctx.data.items() if k not in keys}


def _need(ctx: Context, *keys: str) -> None:
    """A button of a booking flow that is no longer in progress."""
    if not ctx.state.startswith("bk.") or any(key not in ctx.data for key in keys):
        raise BadCode("no booking in progress")


async def _own_vehicle(ctx: Context, vehicle_id: int) -> Vehicle:
    vehicle = await ctx.uow.vehicles.get(vehicle_id)
    if vehicle is None or vehicle.owner_id != _owner(ctx).id:
        raise NotYours
    return vehicle


async def _own_booking(ctx: Context, booking_id: int) -> Booking:
    booking = await ctx.uow.bookings.get(booking_id)
    if booking is None or booking.owner_id != _owner(ctx).id:
        raise NotYours
    return booking


def _cancel_button(ctx: Context) -> list[Button]:
    return [Button(ctx.t.pgettext("button", "✖ Stop booking"), make_code(PREFIX, "stop"))]


# --- vehicle and odometer ------------------------------------------------------------------


async def _start(ctx: Context, *, edit: bool) -> None:
    ctx.clear_state()
    vehicles = await ctx.uow.vehicles.of_owner(_owner(ctx).id or 0)
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
    rows.append(_cancel_button(ctx))
    ctx.reply(ctx.t._("Which car needs a service?"), rows, edit=edit)


async def _chose_vehicle(ctx: Context, code: Code) -> None:
    vehicle = await _own_vehicle(ctx, code.int_arg(0))
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
            _cancel_button(ctx),
        ],
        edit=edit,
    )


@router.state("bk.mileage")
async def mileage_entered(ctx: Context) -> None:
    vehicle = await _own_vehicle(ctx, int(ctx.data["vehicle"]))
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
    _need(ctx, "vehicle")
    await _ask_services(ctx, edit=True)


# --- services ------------------------------------------------------------------------------


async def _flow_vehicle(ctx: Context) -> Vehicle:
    return await _own_vehicle(ctx, int(ctx.data["vehicle"]))


async def _ask_services(ctx: Context, *, edit: bool) -> None:
    owner = _owner(ctx)
    vehicle = await _flow_vehicle(ctx)
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
    rows.append(_cancel_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


async def _toggle_service(ctx: Context, code: Code) -> None:
    _need(ctx, "vehicle", "services", "offered")
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
    _need(ctx, "vehicle", "services")
    if not ctx.data["services"]:
        ctx.toast(ctx.t._("Please choose at least one service."))
        return
    await _ask_center(ctx)


# --- center --------------------------------------------------------------------------------


def _services(ctx: Context) -> list[str]:
    return [str(c) for c in ctx.data["services"]]


async def _ask_center(ctx: Context) -> None:
    t = ctx.t
    centers = booking_service.centers_for(ctx.reference, _owner(ctx).market, _services(ctx))
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
    owner = _owner(ctx)
    unit = ctx.market.distance_unit
    last_used = await ctx.uow.bookings.last_dealer_of(owner.id or 0)
    if last_used is None:
        visits = await ctx.uow.visits.of_owner(owner.id or 0)  # newest first
        last_used = visits[0].dealer_code if visits else None
    vehicle = await _flow_vehicle(ctx)
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
    rows.append(_cancel_button(ctx))
    ctx.reply("\n".join(lines), rows)


@router.state("bk.center")
async def center_location(ctx: Context) -> None:
    location = ctx.event.location
    centers = booking_service.centers_for(ctx.reference, _owner(ctx).market, _services(ctx))
    if ctx.event.kind is EventKind.LOCATION and location is not None:
        ctx.reply(ctx.t._("Thank you. The nearest centers first:"), remove_keyboard=True)
        await _center_list(ctx, centers, (location.latitude, location.longitude))
        return
    await _center_list(ctx, centers, None)


def _flow_dealer(ctx: Context) -> Dealer:
    dealer = ctx.reference.dealers.get(str(ctx.data["dealer"]))
    if dealer is None:
        raise BadCode("unknown center")
    return dealer


async def _chose_center(ctx: Context, code: Code) -> None:
    _need(ctx, "vehicle", "services")
    dealer = ctx.reference.dealers.get(code.arg(0))
    if dealer is None or dealer.market != _owner(ctx).market:
        raise NotYours
    if not dealer.offers(tuple(_services(ctx))):
        raise BadCode("the center does not offer these services")
    ctx.set_state("bk.date", dealer=dealer.code)
    ctx.reply(ctx.t._("📍 {center}", center=dealer.name), remove_keyboard=True)
    await _show_calendar(ctx, None, edit=False)


# --- day and time ----------------------------------------------------------------------------


async def _minutes(ctx: Context) -> int:
    vehicle = await _flow_vehicle(ctx)
    return ctx.reference.catalog.duration(_services(ctx), vehicle.model)


def _moving(ctx: Context) -> int | None:
    move = ctx.data.get("move")
    return int(move) if move is not None else None


async def _horizon(ctx: Context, dealer: Dealer) -> tuple[date, date]:
    window = await booking_service.window_days(ctx.uow, _owner(ctx).id or 0)
    return booking_horizon(dealer, ctx.now, window)


def _zone_note(ctx: Context, dealer: Dealer) -> str:
    owner = _owner(ctx)
    zone = owner.timezone or ctx.market.timezone
    here = ctx.now.astimezone(ZoneInfo(zone)).utcoffset()
    there = ctx.now.astimezone(ZoneInfo(dealer.timezone)).utcoffset()
    if here == there:
        return ""
    return ctx.t._("Times are local to {city}.", city=dealer.city)


async def _show_calendar(ctx: Context, month: date | None, *, edit: bool) -> None:
    t = ctx.t
    dealer = _flow_dealer(ctx)
    first, last = await _horizon(ctx, dealer)
    minutes = await _minutes(ctx)
    explicit = month is not None
    month = (month or first).replace(day=1)
    if not first.replace(day=1) <= month <= last.replace(day=1):
        raise BadCode("month outside the booking window")
    enabled: set[date] = set()
    for _attempt in range(MONTHS_TO_LOOK_AHEAD):
        low = max(first, month)
        high = min(last, _month_end(month))
        found = await booking_service.slots_between(
            ctx.uow, dealer, low, high, minutes, ctx.now, ignore_booking=_moving(ctx)
        )
        enabled = set(found)
        next_month = _month_end(month) + timedelta(days=1)
        if enabled or explicit or next_month > last:
            break
        month = next_month
    ctx.set_state("bk.date")
    _forget(ctx, "token")
    lines = [
        t._("<b>{center}</b>", center=dealer.name),
        t._("Choose a day: days with free times show their number."),
    ]
    if not enabled:
        lines.append(t._("No free times this month. Try the next one."))
    note = _zone_note(ctx, dealer)
    if note:
        lines.append(note)
    rows = month_keyboard(t, PREFIX, month, enabled, first, last)
    rows.append(_cancel_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


def _month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


async def _calendar_page(ctx: Context, code: Code) -> None:
    _need(ctx, "vehicle", "services", "dealer")
    await _show_calendar(ctx, parse_month(code.arg(0)), edit=True)


async def _chose_day(ctx: Context, code: Code) -> None:
    _need(ctx, "vehicle", "services", "dealer")
    day = parse_day(code.arg(0))
    dealer = _flow_dealer(ctx)
    first, last = await _horizon(ctx, dealer)
    if not first <= day <= last or not is_open_on(dealer, day):
        raise BadCode("not a day the center is open for booking")
    minutes = await _minutes(ctx)
    found = await booking_service.slots_between(
        ctx.uow, dealer, day, day, minutes, ctx.now, ignore_booking=_moving(ctx)
    )
    slots = found.get(day, [])
    if not slots:
        ctx.toast(ctx.t._("No free times left that day. Please choose another."))
        await _show_calendar(ctx, day.replace(day=1), edit=True)
        return
    _show_times(ctx, dealer, day, slots, edit=True)


def _show_times(
    ctx: Context, dealer: Dealer, day: date, slots: list[Slot], *, edit: bool, intro: str = ""
) -> None:
    t = ctx.t
    ctx.set_state("bk.date")
    lines = [intro] if intro else []
    lines.append(
        t._(
            "<b>{date}</b>, {center}: choose a time.",
            date=t.skeleton(day, "yMMMMEEEEd"),
            center=dealer.name,
        )
    )
    note = _zone_note(ctx, dealer)
    if note:
        lines.append(note)
    buttons = [
        Button(t.time(slot.start, dealer.timezone), make_code(PREFIX, "tm", slot_code(slot.start)))
        for slot in slots
    ]
    rows = [buttons[i : i + TIMES_PER_ROW] for i in range(0, len(buttons), TIMES_PER_ROW)]
    rows.append(
        [Button(t.pgettext("button", "📅 Another day"), make_code(PREFIX, "cal", month_code(day)))]
    )
    rows.append(_cancel_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


def _offer_alternatives(
    ctx: Context, dealer: Dealer, wanted: datetime, error: SlotGone, *, edit: bool
) -> None:
    """The slot went while the owner hesitated: say so and offer the nearest free ones."""
    t = ctx.t
    ctx.set_state("bk.date")
    _forget(ctx, "token", "start")
    if isinstance(error, SlotPast):
        text = t._("That time has passed or is too close now.")
    else:
        text = t._("Sorry, someone has just booked that time.")
    rows: list[list[Button]] = []
    if error.alternatives:
        text += "\n" + t._("The nearest free times at {center}:", center=dealer.name)
        for slot in error.alternatives:
            rows.append(
                [
                    Button(
                        short_when(t, slot.start, dealer),
                        make_code(PREFIX, "tm", slot_code(slot.start)),
                    )
                ]
            )
    else:
        text += "\n" + t._("There are no free times close to it. Please choose another day.")
    note = _zone_note(ctx, dealer)
    if note:
        text += "\n" + note
    rows.append(
        [
            Button(
                t.pgettext("button", "📅 Another day"),
                make_code(PREFIX, "cal", month_code(local_day(wanted, dealer.timezone))),
            )
        ]
    )
    rows.append(_cancel_button(ctx))
    ctx.reply(text, rows, edit=edit)


async def _chose_time(ctx: Context, code: Code) -> None:
    _need(ctx, "vehicle", "services", "dealer")
    _forget(ctx, "token")
    start = parse_slot(code.arg(0))
    dealer = _flow_dealer(ctx)
    minutes = await _minutes(ctx)
    if slot_at(dealer, start, minutes) is None:
        raise BadCode("not a slot of the center")
    first, last = await _horizon(ctx, dealer)
    day = local_day(start, dealer.timezone)
    if day > last:
        raise BadCode("beyond the booking window")
    window = await booking_service.window_days(ctx.uow, _owner(ctx).id or 0)
    free = await booking_service.free_slots(
        ctx.uow, dealer, day, minutes, ctx.now, window=window, ignore_booking=_moving(ctx)
    )
    if start not in {s.start for s in free}:
        alternatives = await booking_service.alternatives(
            ctx.uow, dealer, start, minutes, ctx.now, window=window, ignore_booking=_moving(ctx)
        )
        gone: SlotGone = (
            SlotPast(alternatives)
            if start < ctx.now + MIN_LEAD or day < first
            else SlotGone(alternatives)
        )
        _offer_alternatives(ctx, dealer, start, gone, edit=True)
        return
    ctx.set_state("bk.date", start=start.isoformat())
    if _moving(ctx) is not None:
        await _move_summary(ctx)
        return
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
    rows.append(_cancel_button(ctx))
    ctx.reply(ctx.t._("How would you like to get on with your day?"), rows, edit=True)


async def _chose_transport(ctx: Context, code: Code) -> None:
    _need(ctx, "vehicle", "services", "dealer", "start")
    option = code.arg(0)
    if option not in _flow_dealer(ctx).transport:
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
            _cancel_button(ctx),
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
    _need(ctx, "vehicle", "services", "dealer", "start", "transport")
    ctx.set_state("bk.notes", notes="")
    await _summary(ctx, edit=True)


def _draft(ctx: Context, vehicle: Vehicle) -> Booking:
    """The booking as it would be made, for the summary (never stored)."""
    start = datetime.fromisoformat(str(ctx.data["start"]))
    minutes = ctx.reference.catalog.duration(_services(ctx), vehicle.model)
    return Booking(
        owner_id=_owner(ctx).id or 0,
        vehicle_id=vehicle.id or 0,
        dealer_code=str(ctx.data["dealer"]),
        services=_services(ctx),
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
    vehicle = await _flow_vehicle(ctx)
    draft = _draft(ctx, vehicle)
    token = secrets.token_hex(8)
    ctx.set_state("bk.summary", token=token)
    text = "\n\n".join(
        [
            t._("<b>Please check your booking:</b>"),
            booking_card(t, ctx.reference, draft, vehicle, with_status=False),
        ]
    )
    note = _zone_note(ctx, _flow_dealer(ctx))
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
            _cancel_button(ctx),
        ],
        edit=edit,
    )


async def _confirm(ctx: Context, code: Code) -> None:
    token = code.arg(0)
    owner = _owner(ctx)
    earlier = await ctx.uow.bookings.by_request_key(token)
    if earlier is not None:
        if earlier.owner_id != owner.id:
            raise NotYours
        await _already_booked(ctx, earlier)
        return
    if ctx.data.get("token") != token or _moving(ctx) is not None:
        raise BadCode("stale confirm token")
    _need(ctx, "vehicle", "services", "dealer", "start", "transport")
    dealer = _flow_dealer(ctx)
    start = datetime.fromisoformat(str(ctx.data["start"]))
    request = BookingRequest(
        owner_id=owner.id or 0,
        vehicle_id=int(ctx.data["vehicle"]),
        dealer_code=dealer.code,
        services=tuple(_services(ctx)),
        start=start,
        transport=str(ctx.data["transport"]),
        request_key=token,
        notes=str(ctx.data.get("notes", "")),
    )
    try:
        booking = await booking_service.book(
            ctx.uow, ctx.reference, owner, request, actor=_actor(ctx), now=ctx.now
        )
    except AlreadyBooked as done:
        await _already_booked(ctx, done.booking)
        return
    except SlotGone as gone:
        _offer_alternatives(ctx, dealer, start, gone, edit=True)
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
            [Button(t.pgettext("button", "📋 My bookings"), make_code(PREFIX, "list"))],
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
            [Button(ctx.t.pgettext("button", "📋 My bookings"), make_code(PREFIX, "list"))],
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


# --- my bookings: list, move, cancel, accept ---------------------------------------------------


async def _list_bookings(ctx: Context, *, edit: bool) -> None:
    t = ctx.t
    owner = _owner(ctx)
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


async def _list(ctx: Context, code: Code) -> None:
    del code
    ctx.clear_state()
    await _list_bookings(ctx, edit=True)


async def _begin(ctx: Context, code: Code) -> None:
    del code
    await _start(ctx, edit=True)


def _no_longer_open(ctx: Context) -> None:
    ctx.reply(
        ctx.t._("This visit can no longer be changed."),
        [[Button(ctx.t.pgettext("button", "📋 My bookings"), make_code(PREFIX, "list"))]],
        edit=True,
    )


async def _reschedule(ctx: Context, code: Code) -> None:
    booking = await _own_booking(ctx, code.int_arg(0))
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
    await _show_calendar(ctx, None, edit=True)


async def _move_summary(ctx: Context) -> None:
    t = ctx.t
    booking = await _own_booking(ctx, int(ctx.data["move"]))
    dealer = _flow_dealer(ctx)
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


async def _confirm_move(ctx: Context, code: Code) -> None:
    token = code.arg(0)
    if ctx.data.get("moved") == token:
        ctx.toast(ctx.t._("Already done."))
        return
    if ctx.data.get("token") != token:
        raise BadCode("stale move token")
    _need(ctx, "move", "dealer", "start")
    booking = await _own_booking(ctx, int(ctx.data["move"]))
    dealer = _flow_dealer(ctx)
    start = datetime.fromisoformat(str(ctx.data["start"]))
    old = booking.starts_at
    try:
        await booking_service.reschedule(
            ctx.uow,
            ctx.reference,
            booking,
            start,
            actor=_actor(ctx),
            now=ctx.now,
            reason="moved by the owner",
        )
    except SlotGone as gone:
        _offer_alternatives(ctx, dealer, start, gone, edit=True)
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
            [Button(t.pgettext("button", "📋 My bookings"), make_code(PREFIX, "list"))],
            back_to_menu(ctx),
        ],
        edit=True,
    )
    await _send_calendar(ctx, booking)
    await tell_center(ctx, booking, "moved", old_start=old)


async def _send_calendar(ctx: Context, booking: Booking) -> None:
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


async def _ask_cancel(ctx: Context, code: Code) -> None:
    booking = await _own_booking(ctx, code.int_arg(0))
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


async def _cancel_reason(ctx: Context, code: Code) -> None:
    booking = await _own_booking(ctx, code.int_arg(0))
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
    booking = await _own_booking(ctx, int(ctx.data["cancel"]))
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
    await booking_service.cancel(ctx.uow, booking, actor=_actor(ctx), reason=reason, now=ctx.now)
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


async def _accept(ctx: Context, code: Code) -> None:
    booking = await _own_booking(ctx, code.int_arg(0))
    try:
        await booking_service.accept_proposal(ctx.uow, booking, actor=_actor(ctx), now=ctx.now)
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
        [[Button(ctx.t.pgettext("button", "📋 My bookings"), make_code(PREFIX, "list"))]],
        edit=True,
    )
    await _send_calendar(ctx, booking)
    await tell_center(ctx, booking, "accepted")


_ACTIONS: dict[str, Callable[[Context, Code], Awaitable[None]]] = {
    "start": _begin,
    "veh": _chose_vehicle,
    "km": _skip_mileage,
    "svc": _toggle_service,
    "svok": _services_chosen,
    "ctr": _chose_center,
    "cal": _calendar_page,
    "day": _chose_day,
    "tm": _chose_time,
    "tr": _chose_transport,
    "nt": _skip_notes,
    "ok": _confirm,
    "stop": _stop,
    "nop": _nothing,
    "list": _list,
    "rs": _reschedule,
    "mv": _confirm_move,
    "cx": _ask_cancel,
    "cxr": _cancel_reason,
    "acc": _accept,
}
