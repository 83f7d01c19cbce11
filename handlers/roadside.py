"""Roadside help and "Value my car" trade-in leads.

Both end in the staff chat of a center of the owner's market: the nearest to where the
owner is stuck, or the car's own dealer for a trade-in valuation.
"""

from __future__ import annotations

from bot.domain.geo import distance_km, maps_link
from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Dealer
from bot.domain.slots import is_open_at
from bot.domain.text import isolate
from bot.i18n import Translator, native_language_name
from bot.services.queries import vehicles as vehicle_queries
from handlers.booking_texts import model_name
from handlers.codes import BadCode, button
from handlers.codes.roadside import (
    ConfirmTradeInMileage,
    RetypeTradeInMileage,
    RoadsideHome,
    SkipTradeInMileage,
    TradeInPhotosDone,
    ValueCarsPage,
    ValueMyCar,
    ValueThisCar,
)
from handlers.common import market_translator, show_main_menu
from handlers.context import Context
from handlers.errors import NotYours
from handlers.menu import back_to_menu
from handlers.odometer import (
    ask_to_confirm,
    still_surprising,
    take_confirmed_reading,
    take_typed_reading,
)
from handlers.paging import page_of, pager_row
from handlers.router import Draft, Router
from handlers.states.roadside import RoadsideStep, TradeInDraft, TradeInStep
from handlers.typed import pressed_by_name
from handlers.types import Button, EventKind, RequestButton, RequestKind, Screen

router = Router()

MAX_PHOTOS = 10

VALUATION = Draft(lambda ctx: ctx.t.pgettext("button", "↩️ Continue the valuation"))


def _owner(ctx: Context) -> Owner:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    return ctx.owner


def _owner_lines(t: Translator, owner: Owner, market_locale: str) -> list[str]:
    return [
        t._(
            "Owner: {name} {last_name}, {phone}",
            name=isolate(owner.first_name),
            last_name=isolate(owner.last_name),
            phone=owner.phone or "—",
        ),
        t._(
            "Speaks: {language}",
            language=native_language_name(owner.locale or owner.locale_on_file or market_locale),
        ),
    ]


def _stop_label(ctx: Context) -> str:
    return ctx.t.pgettext("button", "✖ Cancel")


# --- roadside help -------------------------------------------------------------------------------


@router.command("sos")
async def sos_command(ctx: Context) -> None:
    _ask_location(ctx)


@router.on(RoadsideHome)
async def roadside_button(ctx: Context, code: RoadsideHome) -> None:
    del code
    _ask_location(ctx)


def _ask_location(ctx: Context) -> None:
    t = ctx.t
    ctx.enter(RoadsideStep.LOCATION)
    ctx.reply(
        "\n\n".join(
            [
                t._(
                    "🆘 24-hour roadside assistance ({country}): <b>{phone}</b>",
                    country=t.country(ctx.market.code),
                    phone=ctx.market.roadside_phone,
                ),
                t._(
                    "Call this number any time. Share your location too, and we will alert "
                    "the nearest {brand} center.",
                    brand=ctx.reference.brand,
                ),
                _in_danger(ctx),
            ]
        ),
        keyboard=[
            [RequestButton(t.pgettext("button", "📍 Share my location"), RequestKind.LOCATION)],
            [RequestButton(_stop_label(ctx))],
        ],
    )


def _in_danger(ctx: Context) -> str:
    return ctx.t._(
        "🚨 If you are in danger, call the emergency number {emergency} first.",
        emergency=ctx.market.emergency_phone,
    )


def nearest_center(ctx: Context, market: str, latitude: float, longitude: float) -> Dealer | None:
    centers = ctx.reference.dealers_in(market)
    if not centers:
        return None
    return min(centers, key=lambda d: distance_km(latitude, longitude, d.latitude, d.longitude))


@router.reask(RoadsideStep.LOCATION)
async def reask_location(ctx: Context) -> None:
    _ask_location(ctx)


@router.state(RoadsideStep.LOCATION)
async def roadside_location(ctx: Context) -> None:
    t = ctx.t
    location = ctx.event.location
    if ctx.event.kind is EventKind.TEXT and ctx.event.text.strip() == _stop_label(ctx):
        ctx.clear_state()
        ctx.reply(t._("OK. Take care, and call us any time."), remove_keyboard=True)
        show_main_menu(ctx)
        return
    if ctx.event.kind is not EventKind.LOCATION or location is None:
        _ask_location(ctx)
        return
    owner = _owner(ctx)
    dealer = nearest_center(ctx, owner.market, location.latitude, location.longitude)
    ctx.clear_state()
    if dealer is None or dealer.staff_chat_id is None:
        ctx.reply(
            "\n\n".join(
                [
                    t._(
                        "Please call {phone}: they can see where help is needed.",
                        phone=ctx.market.roadside_phone,
                    ),
                    _in_danger(ctx),
                ]
            ),
            remove_keyboard=True,
        )
        return
    st = market_translator(ctx, dealer.market)
    vehicles = await vehicle_queries.vehicles_of(ctx.uow, owner.id or 0)
    km = round(
        distance_km(location.latitude, location.longitude, dealer.latitude, dealer.longitude)
    )
    lines = [st._("🆘 <b>Roadside help needed</b>")]
    lines += _owner_lines(st, owner, ctx.market.default_locale)
    lines += [
        st._("Car: {model}, VIN {vin}", model=model_name(ctx.reference, v), vin=v.vin or "—")
        for v in vehicles
    ]
    lines.append(st._("Location: {link}", link=maps_link(location.latitude, location.longitude)))
    lines.append(
        st._(
            "{distance} from {center}",
            distance=st.distance(km, ctx.market.distance_unit),
            center=dealer.name,
        )
    )
    open_now = is_open_at(dealer, ctx.now)
    lines.append(
        st._("Please call the owner now.")
        if open_now
        else st._(
            "Sent outside opening hours: the owner was asked to call roadside assistance. "
            "Please call them when you open."
        )
    )
    ctx.to_staff(dealer.staff_chat_id, "\n".join(lines))
    if open_now:
        told = t._(
            "Help has been alerted: {center} will call you at {phone}.",
            center=dealer.name,
            phone=owner.phone or "—",
        )
    else:  # nobody is at the center to call back: don't promise it
        told = t._(
            "{center} is closed now: we have sent them your location, but nobody there can "
            "call you before it opens. Please call the 24-hour roadside assistance at "
            "{roadside}: they can send help right away.",
            center=dealer.name,
            roadside=ctx.market.roadside_phone,
        )
    ctx.reply("\n\n".join([told, _in_danger(ctx)]), remove_keyboard=True)


# --- value my car (trade-in lead) --------------------------------------------------


async def _own_vehicle(ctx: Context, vehicle_id: int) -> Vehicle:
    vehicle = await vehicle_queries.owned_vehicle(ctx.uow, _owner(ctx).id or 0, vehicle_id)
    if vehicle is None:
        raise NotYours
    return vehicle


@router.on(ValueMyCar)
async def value_my_car(ctx: Context, code: ValueMyCar) -> None:
    del code
    await _value_which_car(ctx, 0)


@router.on(ValueCarsPage)
async def value_cars_page(ctx: Context, code: ValueCarsPage) -> None:
    await _value_which_car(ctx, code.page)


async def _value_which_car(ctx: Context, page: int) -> None:
    ctx.clear_state()
    vehicles = await vehicle_queries.vehicles_of(ctx.uow, _owner(ctx).id or 0)
    if not vehicles:
        ctx.reply(ctx.t._("No vehicles are registered to you yet."), [back_to_menu(ctx)], edit=True)
    elif len(vehicles) == 1:
        _ask_mileage(ctx, vehicles[0])
    else:
        shown = page_of(vehicles, page)
        rows = [
            [
                button(
                    f"🚗 {model_name(ctx.reference, v)}" + (f" …{v.vin[-4:]}" if v.vin else ""),
                    ValueThisCar(v.id or 0),
                )
            ]
            for v in shown.items
        ]
        if pager := pager_row(ctx.t, shown, ValueCarsPage):
            rows.append(pager)
        ctx.reply(ctx.t._("Which car would you like us to value?"), rows, edit=True)


@router.on(ValueThisCar)
async def value_this_car(ctx: Context, code: ValueThisCar) -> None:
    ctx.clear_state()
    _ask_mileage(ctx, await _own_vehicle(ctx, code.vehicle))


@router.on(SkipTradeInMileage)
async def skip_trade_in_mileage(ctx: Context, code: SkipTradeInMileage) -> None:
    del code
    _ask_photos(ctx, _valuation(ctx, TradeInStep.MILEAGE))


@router.on(TradeInPhotosDone)
async def photos_done(ctx: Context, code: TradeInPhotosDone) -> None:
    del code
    await _send_lead(ctx, _valuation(ctx, TradeInStep.PHOTOS))


def _ask_mileage(ctx: Context, vehicle: Vehicle) -> None:
    ctx.enter(TradeInStep.MILEAGE, TradeInDraft(vehicle=vehicle.id or 0))
    _mileage_question(ctx, vehicle)


def _mileage_question(ctx: Context, vehicle: Vehicle) -> None:
    t = ctx.t
    ctx.reply(
        "\n".join(
            [
                t._(
                    "Let's find out what your {model} is worth. Our sales team makes you an "
                    "offer, with no obligation.",
                    model=model_name(ctx.reference, vehicle),
                ),
                t._("What does the odometer show now? Send the number of miles, or skip.")
                if ctx.market.distance_unit == "mi"
                else t._(
                    "What does the odometer show now? Send the number of kilometres, or skip."
                ),
            ]
        ),
        [[button(t.pgettext("button", "Skip ➡️"), SkipTradeInMileage())]],
        edit=ctx.event.kind is EventKind.BUTTON,
    )


@router.reask(TradeInStep.MILEAGE, draft=VALUATION)
async def reask_trade_in_mileage(ctx: Context) -> None:
    draft = ctx.draft(TradeInDraft)
    vehicle = await _own_vehicle(ctx, draft.vehicle)
    check = None if draft.pending_km is None else still_surprising(ctx, vehicle, draft.pending_km)
    if check is None:
        _mileage_question(ctx, vehicle)
        return
    ask_to_confirm(
        ctx, vehicle, check, confirm=ConfirmTradeInMileage(), retype=RetypeTradeInMileage()
    )


@router.state(TradeInStep.MILEAGE)
async def trade_in_mileage(ctx: Context) -> None:
    draft = ctx.draft(TradeInDraft)
    vehicle = await _own_vehicle(ctx, draft.vehicle)

    def hold(km: int) -> None:
        draft.pending_km = km
        ctx.enter(TradeInStep.MILEAGE, draft)

    km = await take_typed_reading(
        ctx,
        vehicle,
        hold=hold,
        confirm=ConfirmTradeInMileage(),
        retype=RetypeTradeInMileage(),
        reask=lambda: _mileage_question(ctx, vehicle),
    )
    if km is not None:
        _ask_photos(ctx, draft)


@router.on(ConfirmTradeInMileage)
async def confirm_trade_in_mileage(ctx: Context, code: ConfirmTradeInMileage) -> None:
    del code
    draft = _valuation(ctx, TradeInStep.MILEAGE)
    if draft.pending_km is None:
        raise BadCode("no reading waiting")
    vehicle = await _own_vehicle(ctx, draft.vehicle)
    if take_confirmed_reading(ctx, vehicle, draft.pending_km):
        _ask_photos(ctx, draft)
    else:
        _ask_mileage(ctx, vehicle)


@router.on(RetypeTradeInMileage)
async def retype_trade_in_mileage(ctx: Context, code: RetypeTradeInMileage) -> None:
    del code
    draft = _valuation(ctx, TradeInStep.MILEAGE)
    _ask_mileage(ctx, await _own_vehicle(ctx, draft.vehicle))


def _valuation(ctx: Context, step: TradeInStep) -> TradeInDraft:
    """The valuation in progress, at `step`; BadCode for a button of another."""
    if not ctx.in_step(step):
        raise BadCode("no valuation in progress")
    return ctx.draft(TradeInDraft)


def _done_button(ctx: Context) -> list[list[Button]]:
    return [[button(ctx.t.pgettext("button", "✅ Done"), TradeInPhotosDone())]]


def _ask_photos(ctx: Context, draft: TradeInDraft) -> None:
    draft.photos = []
    draft.pending_km = None
    ctx.enter(TradeInStep.PHOTOS, draft)
    _photos_question(ctx)


def _photos_question(ctx: Context) -> None:
    ctx.reply(
        ctx.t._(
            "Photos help us make a good offer: send a few (outside, inside, the dashboard), "
            "then tap Done. Or tap Done without photos."
        ),
        _done_button(ctx),
    )


@router.reask(TradeInStep.PHOTOS, draft=VALUATION)
async def reask_photos(ctx: Context) -> None:
    """The photos question again; the photos already sent stay."""
    received = len(ctx.draft(TradeInDraft).photos)
    if received:
        _photos_received(ctx, received)
    else:
        _photos_question(ctx)


def _photos_received(ctx: Context, received: int) -> None:
    ctx.reply(
        ctx.t.ngettext(
            "{n} photo received. Send more, or tap Done.",
            "{n} photos received. Send more, or tap Done.",
            received,
        ),
        _done_button(ctx),
    )


@router.state(TradeInStep.PHOTOS)
async def trade_in_photo(ctx: Context) -> None:
    draft = ctx.draft(TradeInDraft)
    photos = draft.photos
    if ctx.event.kind is EventKind.PHOTO and ctx.event.photo_id:
        if len(photos) < MAX_PHOTOS:
            photos.append(ctx.event.photo_id)
        ctx.enter(TradeInStep.PHOTOS, draft)
        _photos_received(ctx, len(photos))
        return
    if await pressed_by_name(ctx):  # "Done", typed
        return
    ctx.reply(ctx.t._("Please send photos, or tap Done."), _done_button(ctx))


async def _send_lead(ctx: Context, draft: TradeInDraft) -> None:
    t = ctx.t
    owner = _owner(ctx)
    vehicle = await _own_vehicle(ctx, draft.vehicle)
    photos = draft.photos
    dealer = ctx.reference.dealers.get(vehicle.dealer_code or "")
    if dealer is None or dealer.market != owner.market:
        centers = ctx.reference.dealers_in(owner.market)
        dealer = centers[0] if centers else None
    ctx.clear_state()
    if dealer is not None and dealer.staff_chat_id is not None:
        st = market_translator(ctx, dealer.market)
        unit = ctx.market.distance_unit
        lines = [st._("💰 <b>Trade-in lead</b>: the owner asks what their car is worth.")]
        lines += _owner_lines(st, owner, ctx.market.default_locale)
        lines.append(
            st._(
                "Car: {model}, VIN {vin}",
                model=model_name(ctx.reference, vehicle),
                vin=vehicle.vin or "—",
            )
        )
        if vehicle.model_year:
            lines.append(st._("Model year: {year}", year=vehicle.model_year))
        if vehicle.delivery_date:
            lines.append(st._("Delivered: {date}", date=st.date(vehicle.delivery_date)))
        if vehicle.mileage_km is not None:
            lines.append(
                st._("Odometer: {distance}", distance=st.distance(vehicle.mileage_km, unit))
            )
        lines.append(
            st.ngettext("{n} photo attached.", "{n} photos attached.", len(photos))
            if photos
            else st._("No photos.")
        )
        ctx.screens.append(
            Screen(
                text="\n".join(lines),
                chat_id=dealer.staff_chat_id,
                channel=ctx.deps.staff_channel,
                photos=tuple(photos),
            )
        )
    ctx.reply(
        t._(
            "Thank you! The sales team at {center} will contact you with an offer soon.",
            center=dealer.name if dealer else ctx.reference.brand,
        ),
        edit=True,
    )
    show_main_menu(ctx)
