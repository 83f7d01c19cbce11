"""The main menu, help, "my car", and honest placeholders for what is not built yet
(service booking lives in `handlers.booking`, roadside help in `handlers.roadside`)."""

from __future__ import annotations

from bot.domain.owners import Vehicle
from bot.domain.staff import StaffMember
from bot.domain.vin import mask_vin
from bot.i18n import escape
from bot.services.queries.vehicles import owned_vehicle, vehicles_of
from bot.services.staff import active_staff
from handlers.codes import BadCode, button
from handlers.codes.menu import (
    ConfirmOdometer,
    HelpHome,
    MainMenu,
    MyCars,
    MyCarsPage,
    RetypeOdometer,
    UpdateOdometer,
)
from handlers.codes.roadside import ValueThisCar
from handlers.common import private_chat_pointer, show_main_menu
from handlers.context import Context
from handlers.errors import NotYours
from handlers.odometer import (
    ask_to_confirm,
    still_surprising,
    take_confirmed_reading,
    take_typed_reading,
)
from handlers.paging import page_caption, page_of, pager_row
from handlers.router import Router
from handlers.staff_help import staff_help_lines
from handlers.states.menu import CarStep, OdometerOf
from handlers.types import Button

router = Router()


@router.command("menu")
async def menu_command(ctx: Context) -> None:
    show_main_menu(ctx)


@router.on(MainMenu)
async def menu_button(ctx: Context, _code: MainMenu) -> None:
    show_main_menu(ctx, edit=True)


def back_to_menu(ctx: Context) -> list[Button]:
    return [button(ctx.t.pgettext("button", "⬅️ Menu"), MainMenu())]


@router.command("help", needs_owner=False, private_only=False)
async def help_command(ctx: Context) -> None:
    """Owners' help in the private chat; staff also read their commands, and in a group
    (the staff chat) only theirs."""
    member = await active_staff(ctx.uow, ctx.event.channel, ctx.event.user_id)
    if not ctx.event.is_private:
        if member is None:
            private_chat_pointer(ctx)
        else:
            ctx.reply("\n".join(staff_help_lines(ctx, member)))
        return
    _show_help(ctx, edit=False, member=member)


@router.on(HelpHome, needs_owner=False)
async def help_button(ctx: Context, _code: HelpHome) -> None:
    member = await active_staff(ctx.uow, ctx.event.channel, ctx.event.user_id)
    _show_help(ctx, edit=True, member=member)


def _show_help(ctx: Context, *, edit: bool, member: StaffMember | None) -> None:
    t = ctx.t
    lines = [
        t._("I am the {brand} owners' assistant. Commands:", brand=ctx.reference.brand),
        "",
        t._("/menu: everything I can do"),
        t._("/points: your points, tier and rewards"),
        t._("/book: book a service visit"),
        t._("/bookings: your upcoming visits"),
        t._("/refer: invite a friend"),
        t._("/ask: ask your dealer a question"),
        t._("/events: owners' club events, to save your seat"),
        t._("/settings: language, notifications, quiet hours"),
        t._("/language: change the language"),
        t._("/stop: no more news and offers"),
        t._("/mydata: download your data"),
        t._("/forget: erase your data"),
        "",
        t._("24-hour roadside assistance: {phone}", phone=ctx.market.roadside_phone),
    ]
    if member is not None:
        lines += ["", *staff_help_lines(ctx, member)]
    ctx.reply("\n".join(lines), [back_to_menu(ctx)] if ctx.owner else [], edit=edit)


@router.on(UpdateOdometer)
async def ask_for_odometer(ctx: Context, code: UpdateOdometer) -> None:
    vehicle = await _own_vehicle(ctx, code.vehicle)
    ctx.enter(CarStep.MILEAGE, OdometerOf(vehicle_id=vehicle.id or 0))
    _ask_odometer(ctx)


def _ask_odometer(ctx: Context) -> None:
    unit = ctx.market.distance_unit
    ctx.reply(
        ctx.t._("What does the odometer show now? Send the number of miles.")
        if unit == "mi"
        else ctx.t._("What does the odometer show now? Send the number of kilometres.")
    )


@router.reask(CarStep.MILEAGE)
async def reask_odometer(ctx: Context) -> None:
    draft = ctx.draft(OdometerOf)
    vehicle = await _own_vehicle(ctx, draft.vehicle_id)
    check = None if draft.pending_km is None else still_surprising(ctx, vehicle, draft.pending_km)
    if check is None:
        _ask_odometer(ctx)
        return
    ask_to_confirm(
        ctx,
        vehicle,
        check,
        confirm=ConfirmOdometer(draft.vehicle_id),
        retype=RetypeOdometer(draft.vehicle_id),
    )


async def _own_vehicle(ctx: Context, vehicle_id: int) -> Vehicle:
    assert ctx.owner is not None
    vehicle = await owned_vehicle(ctx.uow, ctx.owner.id or 0, vehicle_id)
    if vehicle is None:
        raise NotYours
    return vehicle


@router.on(MyCars)
async def list_vehicles(ctx: Context, _code: MyCars) -> None:
    await _list_vehicles(ctx, 0)


@router.on(MyCarsPage)
async def list_vehicles_page(ctx: Context, code: MyCarsPage) -> None:
    await _list_vehicles(ctx, code.page)


async def _list_vehicles(ctx: Context, page: int) -> None:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    t = ctx.t
    vehicles = await vehicles_of(ctx.uow, ctx.owner.id)
    if not vehicles:
        ctx.reply(t._("No vehicles are registered to you yet."), [back_to_menu(ctx)], edit=True)
        return
    shown = page_of(vehicles, page)
    blocks: list[str] = []
    rows: list[list[Button]] = []
    for vehicle in shown.items:
        model = ctx.reference.models.get(vehicle.model)
        name = model.name if model else vehicle.model
        lines = [f"🚗 <b>{escape(name)}</b>"]
        if vehicle.model_year:
            lines.append(t._("Model year: {year}", year=vehicle.model_year))
        if vehicle.vin:
            lines.append(t._("VIN: {vin}", vin=mask_vin(vehicle.vin)))
        if vehicle.delivery_date:
            lines.append(t._("Delivered: {date}", date=t.date(vehicle.delivery_date)))
        if vehicle.mileage_km is not None:
            lines.append(
                t._(
                    "Odometer: {distance}",
                    distance=t.distance(vehicle.mileage_km, ctx.market.distance_unit),
                )
            )
        dealer = ctx.reference.dealers.get(vehicle.dealer_code or "")
        if dealer:
            lines.append(t._("Dealer: {dealer}", dealer=dealer.name))
        blocks.append("\n".join(lines))
        rows.append(
            [
                button(
                    t.pgettext("button", "Update odometer: {model}", model=name),
                    UpdateOdometer(vehicle.id or 0),
                )
            ]
        )
        rows.append(
            [
                button(
                    t.pgettext("button", "💰 Value my car: {model}", model=name),
                    ValueThisCar(vehicle.id or 0),
                )
            ]
        )
    if pager := pager_row(t, shown, MyCarsPage):
        rows.append(pager)
        blocks.append(page_caption(t, shown))
    rows.append(back_to_menu(ctx))
    ctx.reply("\n\n".join(blocks), rows, edit=True)


@router.state(CarStep.MILEAGE)
async def mileage_entered(ctx: Context) -> None:
    draft = ctx.draft(OdometerOf)
    vehicle = await _own_vehicle(ctx, draft.vehicle_id)

    def hold(km: int) -> None:
        draft.pending_km = km
        ctx.enter(CarStep.MILEAGE, draft)

    km = await take_typed_reading(
        ctx,
        vehicle,
        hold=hold,
        confirm=ConfirmOdometer(draft.vehicle_id),
        retype=RetypeOdometer(draft.vehicle_id),
        reask=lambda: _ask_odometer(ctx),
    )
    if km is not None:
        ctx.clear_state()
        show_main_menu(ctx)


@router.on(ConfirmOdometer)
async def confirm_odometer(ctx: Context, code: ConfirmOdometer) -> None:
    draft = _held_reading(ctx, code.vehicle)
    vehicle = await _own_vehicle(ctx, draft.vehicle_id)
    if draft.pending_km is None:
        raise BadCode("no reading waiting")
    if take_confirmed_reading(ctx, vehicle, draft.pending_km):
        ctx.clear_state()
        show_main_menu(ctx)
    else:
        draft.pending_km = None
        ctx.enter(CarStep.MILEAGE, draft)
        _ask_odometer(ctx)


@router.on(RetypeOdometer)
async def retype_odometer(ctx: Context, code: RetypeOdometer) -> None:
    draft = _held_reading(ctx, code.vehicle)
    draft.pending_km = None
    ctx.enter(CarStep.MILEAGE, draft)
    _ask_odometer(ctx)


def _held_reading(ctx: Context, vehicle_id: int) -> OdometerOf:
    """The reading being typed for `vehicle_id`; BadCode for a button of another."""
    if not ctx.in_step(CarStep.MILEAGE):
        raise BadCode("no reading being typed")
    draft = ctx.draft(OdometerOf)
    if draft.vehicle_id != vehicle_id:
        raise BadCode("a reading of another vehicle")
    return draft
