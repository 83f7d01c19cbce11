"""Service booking in chat: /book, the car and its odometer.

/book walks through: vehicle (if several) -> odometer (optional) -> services (the due
one first, open recalls flagged: `handlers.booking_services`) -> center (nearest first
after sharing a location, or from the list, the last one used first:
`handlers.booking_center`) -> day and time (a localized calendar, the center's local
time: `handlers.booking_slots`) -> transport, notes, summary and confirm
(`handlers.booking_confirm`). The confirm button carries a token that becomes the
booking's request key, so a second tap books nothing twice. Times travel in button
codes as UTC and every id is re-checked. /bookings, moving and cancelling are
`handlers.my_bookings`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.owners import Vehicle
from bot.services.queries import vehicles as vehicle_queries
from handlers.booking_common import BOOKING, draft_of, own_vehicle, owner_id, stop_button
from handlers.booking_services import ask_services
from handlers.booking_texts import model_name
from handlers.codes import BadCode, button
from handlers.codes.booking import (
    ChooseVehicle,
    ConfirmMileage,
    RetypeMileage,
    SkipMileage,
    StartBooking,
    StopBooking,
    VehiclePage,
)
from handlers.common import show_main_menu
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.odometer import (
    ask_to_confirm,
    still_surprising,
    take_confirmed_reading,
    take_typed_reading,
)
from handlers.paging import PAGE_SIZE, page_caption, page_of, pager_row, vehicles_matching
from handlers.router import Router
from handlers.states.booking import BookingDraft, BookingStep
from handlers.typed import take_typed_choice

router = Router()


@router.command("book")
async def book_command(ctx: Context) -> None:
    await _start(ctx, edit=False)


@router.on(StartBooking)
async def start_button(ctx: Context, code: StartBooking) -> None:
    del code
    await _start(ctx, edit=True)


@router.on(StopBooking)
async def stop_booking(ctx: Context, code: StopBooking) -> None:
    del code
    ctx.clear_state()
    ctx.reply(ctx.t._("OK, nothing was booked."), remove_keyboard=True)
    show_main_menu(ctx)


# --- vehicle and odometer ------------------------------------------------------------------


async def _start(
    ctx: Context, *, edit: bool, page: int = 0, among: Sequence[Vehicle] | None = None
) -> None:
    ctx.clear_state()
    vehicles = among or await vehicle_queries.vehicles_of(ctx.uow, owner_id(ctx))
    if not vehicles:
        ctx.reply(ctx.t._("No vehicles are registered to you yet."), [back_to_menu(ctx)], edit=edit)
        return
    if len(vehicles) == 1:
        _ask_mileage(ctx, vehicles[0], edit=edit)
        return
    ctx.enter(BookingStep.VEHICLE)
    shown = page_of(vehicles, page)
    rows = [
        [
            button(
                f"🚗 {model_name(ctx.reference, v)}" + (f" …{v.vin[-4:]}" if v.vin else ""),
                ChooseVehicle(v.id or 0),
            )
        ]
        for v in shown.items
    ]
    if among is None and (pager := pager_row(ctx.t, shown, VehiclePage)):
        rows.append(pager)
    rows.append(stop_button(ctx))
    lines = [ctx.t._("Which car needs a service?"), page_caption(ctx.t, shown)]
    ctx.reply("\n\n".join(line for line in lines if line), rows, edit=edit)


@router.reask(BookingStep.VEHICLE, draft=BOOKING)
async def reask_vehicle(ctx: Context) -> None:
    await _start(ctx, edit=False)


@router.on(VehiclePage)
async def vehicle_page(ctx: Context, code: VehiclePage) -> None:
    await _start(ctx, edit=True, page=code.page)


@router.state(BookingStep.VEHICLE)
async def vehicle_typed(ctx: Context) -> None:
    """A car typed instead of tapped: part of its VIN (a fleet's cars on any page), its
    model, or the end of its VIN."""
    vehicles = await vehicle_queries.vehicles_of(ctx.uow, owner_id(ctx))
    found = vehicles_matching(vehicles, ctx.event.text)
    if len(found) == 1:
        await ctx.flows.press(ctx, ChooseVehicle(found[0].id or 0).pack())
        return
    if found:  # several cars share that part: the list of just those
        await _start(ctx, edit=False, among=found[:PAGE_SIZE])
        return
    await take_typed_choice(
        ctx,
        aliases={
            ChooseVehicle(v.id or 0).pack(): (v.model, v.vin[-6:] if v.vin else v.model)
            for v in vehicles
        },
    )


@router.on(ChooseVehicle)
async def chose_vehicle(ctx: Context, code: ChooseVehicle) -> None:
    vehicle = await own_vehicle(ctx, code.vehicle)
    _ask_mileage(ctx, vehicle, edit=True)


def _ask_mileage(ctx: Context, vehicle: Vehicle, *, edit: bool) -> None:
    t = ctx.t
    ctx.enter(BookingStep.MILEAGE, BookingDraft(vehicle=vehicle.id or 0))
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
        [[button(t.pgettext("button", "Skip ➡️"), SkipMileage())], stop_button(ctx)],
        edit=edit,
    )


@router.reask(BookingStep.MILEAGE, draft=BOOKING)
async def reask_mileage(ctx: Context) -> None:
    draft = ctx.draft(BookingDraft)
    vehicle = await own_vehicle(ctx, draft.vehicle)
    if draft.pending_km is None:
        _ask_mileage(ctx, vehicle, edit=False)
        return
    check = still_surprising(ctx, vehicle, draft.pending_km)
    if check is None:
        _ask_mileage(ctx, vehicle, edit=False)
        return
    ask_to_confirm(
        ctx,
        vehicle,
        check,
        confirm=ConfirmMileage(),
        retype=RetypeMileage(),
        more=[stop_button(ctx)],
    )


@router.state(BookingStep.MILEAGE)
async def mileage_entered(ctx: Context) -> None:
    draft = ctx.draft(BookingDraft)
    vehicle = await own_vehicle(ctx, draft.vehicle)
    draft.pending_km = None

    def hold(km: int) -> None:
        draft.pending_km = km
        ctx.enter(BookingStep.MILEAGE, draft)

    km = await take_typed_reading(
        ctx,
        vehicle,
        hold=hold,
        confirm=ConfirmMileage(),
        retype=RetypeMileage(),
        reask=lambda: _ask_mileage(ctx, vehicle, edit=False),
        more=[stop_button(ctx)],
    )
    if km is not None:
        await ask_services(ctx, draft, edit=False)


@router.on(ConfirmMileage)
async def confirm_mileage(ctx: Context, code: ConfirmMileage) -> None:
    del code
    draft = draft_of(ctx)
    if not ctx.in_step(BookingStep.MILEAGE) or draft.pending_km is None:
        raise BadCode("no reading waiting")
    vehicle = await own_vehicle(ctx, draft.vehicle)
    if not take_confirmed_reading(ctx, vehicle, draft.pending_km):
        _ask_mileage(ctx, vehicle, edit=False)
        return
    draft.pending_km = None
    await ask_services(ctx, draft, edit=True)


@router.on(RetypeMileage)
async def retype_mileage(ctx: Context, code: RetypeMileage) -> None:
    del code
    draft = draft_of(ctx)
    if not ctx.in_step(BookingStep.MILEAGE):
        raise BadCode("not at the odometer")
    _ask_mileage(ctx, await own_vehicle(ctx, draft.vehicle), edit=True)


@router.on(SkipMileage)
async def skip_mileage(ctx: Context, code: SkipMileage) -> None:
    del code
    draft = draft_of(ctx)
    draft.pending_km = None
    await ask_services(ctx, draft, edit=True)
