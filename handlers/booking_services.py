"""The services step of booking: the due service first and chosen, open recalls flagged
and chosen, each with its duration and indicative price; then on to the center."""

from __future__ import annotations

from bot.domain.booking import Booking
from bot.domain.service_catalog import FIRST_SERVICE, RECALL, DueService, Urgency
from bot.services import booking as booking_service
from bot.services.queries import bookings as booking_queries
from handlers.booking_center import ask_center
from handlers.booking_common import (
    BOOKING,
    draft_of,
    draft_with_services,
    flow_vehicle,
    owner_id,
    owner_of,
    stop_button,
)
from handlers.booking_texts import services_line, when
from handlers.booking_twice import already_booked, offer_to_move
from handlers.codes import BadCode, button
from handlers.codes.booking import BookOtherServices, ServicesChosen, ToggleService
from handlers.context import Context
from handlers.router import Router
from handlers.service_names import operation_keywords, operation_name
from handlers.states.booking import BookingDraft, BookingStep
from handlers.typed import offered_choice
from handlers.types import Button

router = Router()


async def ask_services(ctx: Context, draft: BookingDraft, *, edit: bool) -> None:
    owner = owner_of(ctx)
    vehicle = await flow_vehicle(ctx, draft)
    assert vehicle.id is not None
    today = booking_service.owner_today(ctx.reference, owner, ctx.now)
    due = await booking_service.due_service(ctx.uow, ctx.reference, vehicle, today)
    recalls = await booking_service.open_recalls(ctx.uow, vehicle)
    serviced = await booking_service.last_scheduled_service(ctx.uow, vehicle.id) is not None
    first_done = serviced or (due is not None and due.operation != FIRST_SERVICE)
    codes = booking_service.bookable_operations(
        ctx.reference, None, vehicle, first_service_done=first_done, open_recalls=bool(recalls)
    )
    centers = ctx.reference.dealers_in(owner.market)
    codes = [c for c in codes if any(c in d.services for d in centers)]
    due_code = due.operation if due is not None and due.operation in codes else None
    codes.sort(key=lambda c: (c != due_code, c != RECALL))
    booked = [
        b
        for b in await booking_queries.upcoming_bookings(ctx.uow, owner_id(ctx), ctx.now)
        if b.vehicle_id == vehicle.id and b.id != draft.move
    ]
    if draft.offered:  # asked before: keep what the owner chose
        selected = [c for c in draft.services if c in codes]
    else:
        selected = [due_code] if due_code and due and due.urgency is not Urgency.LATER else []
        if recalls and RECALL in codes:
            selected.append(RECALL)
        # What an open visit of the car already holds is not chosen for a second one.
        selected = [c for c in selected if not any(c in b.services for b in booked)]
    draft.services, draft.offered = selected, codes
    ctx.enter(BookingStep.SERVICES, draft)
    _render_services(
        ctx,
        vehicle.model,
        codes,
        selected,
        due,
        [r.title_in(ctx.t.code) for r in recalls],
        [_booked_line(ctx, b) for b in booked],
        edit=edit,
    )


def _booked_line(ctx: Context, booking: Booking) -> str:
    dealer = ctx.reference.dealers[booking.dealer_code]
    return ctx.t._(
        "📅 Already booked: {services}, {when}.",
        services=services_line(ctx.t, booking.services),
        when=when(ctx.t, booking.starts_at, dealer),
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
    booked_lines: list[str],
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
    lines += booked_lines
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
        rows.append([button(mark + flag + operation_name(t, code), ToggleService(code))])
    rows.append([button(t.pgettext("button", "Continue ➡️"), ServicesChosen())])
    rows.append(stop_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


@router.reask(BookingStep.SERVICES, draft=BOOKING)
async def reask_services(ctx: Context) -> None:
    await ask_services(ctx, ctx.draft(BookingDraft), edit=False)


@router.state(BookingStep.SERVICES)
async def services_typed(ctx: Context) -> None:
    """A service named in words ("อยากเปลี่ยนน้ำมันเครื่อง", "brakes please") is chosen;
    naming one already chosen keeps it chosen."""
    draft = ctx.draft(BookingDraft)
    aliases = {ToggleService(c).pack(): operation_keywords(ctx.t, c) for c in draft.offered}
    code = await offered_choice(ctx, aliases=aliases)
    if code is None:
        return
    if code in aliases and ToggleService.unpack(code).service in draft.services:
        name = operation_name(ctx.t, ToggleService.unpack(code).service)
        ctx.reply(ctx.t._("✅ {service} is chosen. Tap Continue when you are ready.", service=name))
        await ask_services(ctx, draft, edit=False)
        return
    await ctx.flows.press(ctx, code)


@router.on(ToggleService)
async def toggle_service(ctx: Context, code: ToggleService) -> None:
    draft = draft_of(ctx)
    wanted = code.service
    if not ctx.in_step(BookingStep.SERVICES) or wanted not in draft.offered:
        raise BadCode("service not offered")
    selected = set(draft.services) ^ {wanted}
    draft.services = [c for c in draft.offered if c in selected]
    await ask_services(ctx, draft, edit=True)


@router.on(ServicesChosen)
async def services_chosen(ctx: Context, code: ServicesChosen) -> None:
    del code
    draft = draft_with_services(ctx)
    if not draft.services:
        ctx.toast(ctx.t._("Please choose at least one service."))
        return
    booked = await already_booked(ctx, draft)
    if booked is not None:
        offer_to_move(ctx, draft, booked, edit=False)
        return
    await _go_to_centers(ctx, draft)


@router.on(BookOtherServices)
async def book_other_services(ctx: Context, code: BookOtherServices) -> None:
    """Only the services the car's open visit doesn't hold already."""
    del code
    draft = draft_with_services(ctx)
    booked = await already_booked(ctx, draft)
    if not ctx.in_step(BookingStep.SERVICES) or booked is None:
        raise BadCode("nothing is booked twice")
    draft.services = [c for c in draft.services if c not in booked.services]
    if not draft.services:
        raise BadCode("no other services chosen")
    await _go_to_centers(ctx, draft)


async def _go_to_centers(ctx: Context, draft: BookingDraft) -> None:
    if not await ask_center(ctx, draft):
        ctx.reply(
            ctx.t._(
                "No center near you offers all of these together. Please choose fewer services."
            )
        )
        await ask_services(ctx, draft, edit=False)
