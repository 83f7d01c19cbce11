"""The main menu, help, "my car", and honest placeholders for what is not built yet
(service booking lives in `handlers.booking`, roadside help in `handlers.roadside`)."""

from __future__ import annotations

from bot.domain.owners import Vehicle
from bot.domain.vin import mask_vin
from bot.i18n import escape
from handlers.codes import BadCode, make_code, parse_code
from handlers.common import show_main_menu
from handlers.context import Context
from handlers.errors import NotYours
from handlers.router import Router
from handlers.types import Button

router = Router()

MAX_MILEAGE_KM = 2_000_000


@router.command("menu")
async def menu_command(ctx: Context) -> None:
    show_main_menu(ctx)


@router.button("menu")
async def menu_button(ctx: Context) -> None:
    show_main_menu(ctx, edit=True)


def back_to_menu(ctx: Context) -> list[Button]:
    return [Button(ctx.t.pgettext("button", "⬅️ Menu"), make_code("menu", "home"))]


@router.command("help", needs_owner=False)
async def help_command(ctx: Context) -> None:
    _show_help(ctx, edit=False)


@router.button("help", needs_owner=False)
async def help_button(ctx: Context) -> None:
    _show_help(ctx, edit=True)


def _show_help(ctx: Context, *, edit: bool) -> None:
    t = ctx.t
    lines = [
        t._("I am the {brand} owners' assistant. Commands:", brand=ctx.reference.brand),
        "",
        t._("/menu: everything I can do"),
        t._("/points: your points, tier and rewards"),
        t._("/book: book a service visit"),
        t._("/bookings: your upcoming visits"),
        t._("/refer: invite a friend"),
        t._("/settings: language, notifications, quiet hours"),
        t._("/language: change the language"),
        t._("/stop: no more news and offers"),
        t._("/mydata: download your data"),
        t._("/forget: erase your data"),
        "",
        t._("24-hour roadside assistance: {phone}", phone=ctx.market.roadside_phone),
    ]
    ctx.reply("\n".join(lines), [back_to_menu(ctx)] if ctx.owner else [], edit=edit)


@router.button("car")
async def my_car(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    if code.action == "list":
        await _list_vehicles(ctx)
    elif code.action == "km":
        vehicle_id = code.int_arg(0)
        await _own_vehicle(ctx, vehicle_id)
        ctx.set_state("car.mileage", vehicle_id=vehicle_id)
        unit = ctx.market.distance_unit
        ctx.reply(
            ctx.t._("What does the odometer show now? Send the number of miles.")
            if unit == "mi"
            else ctx.t._("What does the odometer show now? Send the number of kilometres.")
        )
    else:
        raise BadCode("unknown car action")


async def _own_vehicle(ctx: Context, vehicle_id: int) -> None:
    assert ctx.owner is not None
    vehicle = await ctx.uow.vehicles.get(vehicle_id)
    if vehicle is None or vehicle.owner_id != ctx.owner.id:
        raise NotYours


async def _list_vehicles(ctx: Context) -> None:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    t = ctx.t
    vehicles = await ctx.uow.vehicles.of_owner(ctx.owner.id)
    if not vehicles:
        ctx.reply(t._("No vehicles are registered to you yet."), [back_to_menu(ctx)], edit=True)
        return
    blocks: list[str] = []
    rows: list[list[Button]] = []
    for vehicle in vehicles:
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
                Button(
                    t.pgettext("button", "Update odometer: {model}", model=name),
                    make_code("car", "km", vehicle.id),
                )
            ]
        )
        rows.append(
            [
                Button(
                    t.pgettext("button", "💰 Value my car: {model}", model=name),
                    make_code("tv", "veh", vehicle.id),
                )
            ]
        )
    rows.append(back_to_menu(ctx))
    ctx.reply("\n\n".join(blocks), rows, edit=True)


@router.state("car.mileage")
async def mileage_entered(ctx: Context) -> None:
    vehicle_id = int(ctx.data["vehicle_id"])
    await _own_vehicle(ctx, vehicle_id)
    vehicle = await ctx.uow.vehicles.get(vehicle_id)
    assert vehicle is not None
    km = read_odometer(ctx, vehicle, ctx.event.text)
    if km is None:
        return
    ctx.clear_state()
    ctx.reply(
        ctx.t._(
            "Thank you, odometer saved: {distance}.",
            distance=ctx.t.distance(km, ctx.market.distance_unit),
        )
    )
    show_main_menu(ctx)


def read_odometer(ctx: Context, vehicle: Vehicle, text: str) -> int | None:
    """Store the odometer reading the owner typed (miles in mile markets); odometers only
    go up. On a problem, explain it and return None."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        ctx.reply(ctx.t._("Please send just the number, for example 12500."))
        return None
    value = int(digits)
    km = round(value * 1.609344) if ctx.market.distance_unit == "mi" else value
    if km > MAX_MILEAGE_KM:
        ctx.reply(ctx.t._("That is more than any car drives. Please check the number."))
        return None
    if vehicle.mileage_km is not None and km < vehicle.mileage_km:
        ctx.reply(
            ctx.t._(
                "That is less than the {distance} we have on record. Please check the number.",
                distance=ctx.t.distance(vehicle.mileage_km, ctx.market.distance_unit),
            )
        )
        return None
    vehicle.mileage_km = km
    vehicle.mileage_recorded_on = ctx.now.date()
    return km
