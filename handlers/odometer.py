"""Odometer readings typed by the owner, in every flow that asks for one (booking, My
car, a trade-in valuation): read the number in the market's unit, check it
(`bot.domain.odometer`), ask "is that right?" about a surprising one, keep it.

A flow holds a reading awaiting confirmation in its draft (`pending_km`) and offers two
buttons of its own: keep it, or type it again.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.odometer import (
    ReadingCheck,
    Verdict,
    check_owner_reading,
    record_owner_reading,
    to_km,
)
from bot.domain.owners import ReadingSource, Vehicle
from bot.services import booking as booking_service
from handlers.codes import ButtonCode, button
from handlers.context import Context
from handlers.typed import take_typed_choice
from handlers.types import Button


def judge_typed_reading(ctx: Context, vehicle: Vehicle, text: str) -> ReadingCheck | None:
    """The typed reading, checked against the vehicle's; None, with the reason said,
    when it is no number or can't be right."""
    digits = "".join(ch for ch in text if ch.isdecimal())
    if not digits or len(digits) > 9:
        ctx.reply(ctx.t._("Please send just the number, for example 12500."))
        return None
    return judge_reading(ctx, vehicle, to_km(int(digits), ctx.market.distance_unit))


def judge_reading(ctx: Context, vehicle: Vehicle, km: int) -> ReadingCheck | None:
    """`km` checked against the vehicle's reading; None, with the reason said, when
    it can't be right."""
    assert ctx.owner is not None
    today = booking_service.owner_today(ctx.reference, ctx.owner, ctx.now)
    check = check_owner_reading(vehicle, km, today, ctx.market.distance_unit)
    t, unit = ctx.t, ctx.market.distance_unit
    if check.verdict is Verdict.IMPOSSIBLE:
        ctx.reply(t._("That is more than any car drives. Please check the number."))
        return None
    if check.verdict is Verdict.BELOW_DEALER:
        assert check.dealer_km is not None
        if check.dealer_on is None:
            text = t._(
                "That is less than the {distance} we have on record. Please check the number.",
                distance=t.distance(check.dealer_km, unit),
            )
        else:
            text = t._(
                "Your dealer recorded {distance} on {date}, and an odometer can't go back. "
                "Please check the number.",
                distance=t.distance(check.dealer_km, unit),
                date=t.date(check.dealer_on),
            )
        ctx.reply(text)
        return None
    return check


def still_surprising(ctx: Context, vehicle: Vehicle, km: int) -> ReadingCheck | None:
    """A held reading's check, asked again; None when it no longer needs asking."""
    assert ctx.owner is not None
    today = booking_service.owner_today(ctx.reference, ctx.owner, ctx.now)
    check = check_owner_reading(vehicle, km, today, ctx.market.distance_unit)
    return check if check.needs_confirmation else None


def ask_to_confirm(
    ctx: Context,
    vehicle: Vehicle,
    check: ReadingCheck,
    *,
    confirm: ButtonCode,
    retype: ButtonCode,
    more: list[list[Button]] | None = None,
) -> None:
    """ "123,456 mi — is that right?", or whether to replace the owner's own reading."""
    t, unit = ctx.t, ctx.market.distance_unit
    if check.verdict is Verdict.CORRECTION and vehicle.mileage_km is not None:
        if vehicle.mileage_source == ReadingSource.OWNER and vehicle.mileage_recorded_on:
            text = t._(
                "{distance} is less than the {previous} you sent on {date}. "
                "Replace your earlier reading?",
                distance=t.distance(check.km, unit),
                previous=t.distance(vehicle.mileage_km, unit),
                date=t.date(vehicle.mileage_recorded_on),
            )
        else:
            text = t._(
                "{distance} is less than the {previous} on record. Replace it?",
                distance=t.distance(check.km, unit),
                previous=t.distance(vehicle.mileage_km, unit),
            )
    else:
        text = t._("{distance} — is that right?", distance=t.distance(check.km, unit))
    rows = [
        [
            button(t.pgettext("button", "✅ Yes, that's right"), confirm),
            button(t.pgettext("button", "✏️ Type it again"), retype),
        ],
        *(more or []),
    ]
    ctx.reply(text, rows)


def keep_reading(ctx: Context, vehicle: Vehicle, km: int) -> None:
    assert ctx.owner is not None
    record_owner_reading(
        vehicle, km, booking_service.owner_today(ctx.reference, ctx.owner, ctx.now)
    )


async def take_typed_reading(
    ctx: Context,
    vehicle: Vehicle,
    *,
    hold: Callable[[int], None],
    confirm: ButtonCode,
    retype: ButtonCode,
    reask: Callable[[], None],
    more: list[list[Button]] | None = None,
) -> int | None:
    """The reading typed at a flow's odometer step, kept when it is fine (returned, in
    km). A surprising one is held (`hold`) and asked about; anything else gets its
    reason and the step again (`reask`). Words are read as the step's buttons ("skip",
    "yes")."""
    if not any(ch.isdecimal() for ch in ctx.event.text):
        hint = ctx.t._("Please send just the number, for example 12500.")
        await take_typed_choice(ctx, hint=hint)
        return None
    check = judge_typed_reading(ctx, vehicle, ctx.event.text)
    if check is None:
        reask()
        return None
    if check.needs_confirmation:
        hold(check.km)
        ask_to_confirm(ctx, vehicle, check, confirm=confirm, retype=retype, more=more)
        return None
    keep_reading(ctx, vehicle, check.km)
    ctx.reply(saved_text(ctx, check.km))
    return check.km


def take_confirmed_reading(ctx: Context, vehicle: Vehicle, km: int) -> bool:
    """The owner confirmed a held reading: checked again (a dealer's may have come
    in since) and kept."""
    if judge_reading(ctx, vehicle, km) is None:
        return False
    keep_reading(ctx, vehicle, km)
    ctx.reply(saved_text(ctx, km))
    return True


def saved_text(ctx: Context, km: int) -> str:
    return ctx.t._(
        "Thank you, odometer saved: {distance}.",
        distance=ctx.t.distance(km, ctx.market.distance_unit),
    )
