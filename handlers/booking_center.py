"""The center step of booking: the centers of the owner's market that offer every
chosen service, the last one used first, or the nearest first after the owner shares
their location."""

from __future__ import annotations

from bot.domain.geo import distance_km
from bot.domain.reference import Dealer
from bot.services import booking as booking_service
from bot.services.queries import bookings as booking_queries
from handlers.booking_common import (
    BOOKING,
    draft_with_services,
    flow_vehicle,
    owner_id,
    owner_of,
    stop_button,
)
from handlers.booking_slots import show_calendar
from handlers.codes import BadCode, button
from handlers.codes.booking import ChooseCenter
from handlers.context import Context
from handlers.errors import NotYours
from handlers.router import Router
from handlers.states.booking import BookingDraft, BookingStep
from handlers.typed import take_typed_choice
from handlers.types import Button, EventKind, RequestButton, RequestKind

router = Router()


def _centers(ctx: Context, draft: BookingDraft) -> list[Dealer]:
    return booking_service.centers_for(ctx.reference, owner_of(ctx).market, draft.services)


async def ask_center(ctx: Context, draft: BookingDraft) -> bool:
    """Offer the centers for the chosen services; False when none offers them all."""
    t = ctx.t
    centers = _centers(ctx, draft)
    if not centers:
        return False
    ctx.enter(BookingStep.CENTER, draft)
    ctx.reply(
        t._(
            "Where should we service your car? Share your location to see the nearest "
            "centers first, or choose one below."
        ),
        keyboard=[
            [RequestButton(t.pgettext("button", "📍 Share my location"), RequestKind.LOCATION)]
        ],
    )
    await _center_list(ctx, draft, centers, None)
    return True


async def _center_list(
    ctx: Context,
    draft: BookingDraft,
    centers: list[Dealer],
    where: tuple[float, float] | None,
) -> None:
    t = ctx.t
    unit = ctx.market.distance_unit
    last_used = await booking_queries.last_center(ctx.uow, owner_id(ctx))
    vehicle = await flow_vehicle(ctx, draft)
    distances: dict[str, int] = {}
    if where is not None:
        distances = {
            d.code: round(distance_km(where[0], where[1], d.latitude, d.longitude)) for d in centers
        }
        centers = sorted(centers, key=lambda d: (distances[d.code], t.sort_key(d.name)))
    else:
        centers = sorted(
            centers,
            key=lambda d: (
                d.code != last_used,
                d.code != vehicle.dealer_code,
                t.sort_key(d.city),
                t.sort_key(d.name),
            ),
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
        rows.append([button(label, ChooseCenter(dealer.code))])
    rows.append(stop_button(ctx))
    ctx.reply("\n".join(lines), rows)


@router.reask(BookingStep.CENTER, draft=BOOKING)
async def reask_center(ctx: Context) -> None:
    draft = ctx.draft(BookingDraft)
    if not await ask_center(ctx, draft):
        raise BadCode("no center offers these services any more")


@router.state(BookingStep.CENTER)
async def center_location(ctx: Context) -> None:
    """A shared location lists the nearest first; a center typed by its name or city
    is chosen."""
    draft = ctx.draft(BookingDraft)
    location = ctx.event.location
    centers = _centers(ctx, draft)
    if ctx.event.kind is EventKind.LOCATION and location is not None:
        ctx.reply(ctx.t._("Thank you. The nearest centers first:"), remove_keyboard=True)
        await _center_list(ctx, draft, centers, (location.latitude, location.longitude))
        return
    await take_typed_choice(
        ctx, aliases={ChooseCenter(d.code).pack(): (d.name, d.city) for d in centers}
    )


@router.on(ChooseCenter)
async def chose_center(ctx: Context, code: ChooseCenter) -> None:
    draft = draft_with_services(ctx)
    dealer = ctx.reference.dealers.get(code.center)
    if dealer is None or dealer.market != owner_of(ctx).market:
        raise NotYours
    if not dealer.offers(tuple(draft.services)):
        raise BadCode("the center does not offer these services")
    draft.dealer = dealer.code
    ctx.enter(BookingStep.DATE, draft)
    ctx.reply(ctx.t._("📍 {center}", center=dealer.name), remove_keyboard=True)
    await show_calendar(ctx, draft, None, edit=False)
