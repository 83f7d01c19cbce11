"""The day-and-time step of booking and of moving a booking: a localized calendar of
the days with free times, the free times of a day in the center's zone, and the nearest
free alternatives when a time went while the owner hesitated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from bot.domain.reference import Dealer
from bot.domain.slots import MIN_LEAD, Slot, is_open_on, local_day, slot_at
from bot.services import booking as booking_service
from bot.services.booking import SlotGone, SlotPast
from handlers.booking_common import (
    PREFIX,
    flow_dealer,
    flow_minutes,
    forget,
    horizon,
    moving,
    need,
    owner_of,
    stop_button,
    zone_note,
)
from handlers.booking_texts import parse_slot, short_when, slot_code
from handlers.calendar import month_code, month_keyboard, parse_day, parse_month
from handlers.codes import BadCode, Code, make_code
from handlers.context import Context
from handlers.types import Button

TIMES_PER_ROW = 4
MONTHS_TO_LOOK_AHEAD = 4


async def show_calendar(ctx: Context, month: date | None, *, edit: bool) -> None:
    t = ctx.t
    dealer = flow_dealer(ctx)
    first, last = await horizon(ctx, dealer)
    minutes = await flow_minutes(ctx)
    explicit = month is not None
    month = (month or first).replace(day=1)
    if not first.replace(day=1) <= month <= last.replace(day=1):
        raise BadCode("month outside the booking window")
    enabled: set[date] = set()
    for _attempt in range(MONTHS_TO_LOOK_AHEAD):
        low = max(first, month)
        high = min(last, _month_end(month))
        found = await booking_service.slots_between(
            ctx.uow, dealer, low, high, minutes, ctx.now, ignore_booking=moving(ctx)
        )
        enabled = set(found)
        next_month = _month_end(month) + timedelta(days=1)
        if enabled or explicit or next_month > last:
            break
        month = next_month
    ctx.set_state("bk.date")
    forget(ctx, "token")
    lines = [
        t._("<b>{center}</b>", center=dealer.name),
        t._("Choose a day: days with free times show their number."),
    ]
    if not enabled:
        lines.append(t._("No free times this month. Try the next one."))
    note = zone_note(ctx, dealer)
    if note:
        lines.append(note)
    rows = month_keyboard(t, PREFIX, month, enabled, first, last)
    rows.append(stop_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


def _month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


async def calendar_page(ctx: Context, code: Code) -> None:
    need(ctx, "vehicle", "services", "dealer")
    await show_calendar(ctx, parse_month(code.arg(0)), edit=True)


async def chose_day(ctx: Context, code: Code) -> None:
    need(ctx, "vehicle", "services", "dealer")
    day = parse_day(code.arg(0))
    dealer = flow_dealer(ctx)
    first, last = await horizon(ctx, dealer)
    if not first <= day <= last or not is_open_on(dealer, day):
        raise BadCode("not a day the center is open for booking")
    minutes = await flow_minutes(ctx)
    found = await booking_service.slots_between(
        ctx.uow, dealer, day, day, minutes, ctx.now, ignore_booking=moving(ctx)
    )
    slots = found.get(day, [])
    if not slots:
        ctx.toast(ctx.t._("No free times left that day. Please choose another."))
        await show_calendar(ctx, day.replace(day=1), edit=True)
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
    note = zone_note(ctx, dealer)
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
    rows.append(stop_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


def offer_alternatives(
    ctx: Context, dealer: Dealer, wanted: datetime, error: SlotGone, *, edit: bool
) -> None:
    """The slot went while the owner hesitated: say so and offer the nearest free ones."""
    t = ctx.t
    ctx.set_state("bk.date")
    forget(ctx, "token", "start")
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
    note = zone_note(ctx, dealer)
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
    rows.append(stop_button(ctx))
    ctx.reply(text, rows, edit=edit)


async def chose_time(
    ctx: Context, code: Code, *, then: Callable[[Context, Dealer], Awaitable[None]]
) -> None:
    """A time was picked: re-check it is a slot of the center and still free (else
    offer the nearest free ones), remember it, and go on with `then`."""
    need(ctx, "vehicle", "services", "dealer")
    forget(ctx, "token")
    start = parse_slot(code.arg(0))
    dealer = flow_dealer(ctx)
    minutes = await flow_minutes(ctx)
    if slot_at(dealer, start, minutes) is None:
        raise BadCode("not a slot of the center")
    first, last = await horizon(ctx, dealer)
    day = local_day(start, dealer.timezone)
    if day > last:
        raise BadCode("beyond the booking window")
    window = await booking_service.window_days(ctx.uow, ctx.reference, owner_of(ctx).id or 0)
    free = await booking_service.free_slots(
        ctx.uow, dealer, day, minutes, ctx.now, window=window, ignore_booking=moving(ctx)
    )
    if start not in {s.start for s in free}:
        alternatives = await booking_service.alternatives(
            ctx.uow, dealer, start, minutes, ctx.now, window=window, ignore_booking=moving(ctx)
        )
        gone: SlotGone = (
            SlotPast(alternatives)
            if start < ctx.now + MIN_LEAD or day < first
            else SlotGone(alternatives)
        )
        offer_alternatives(ctx, dealer, start, gone, edit=True)
        return
    ctx.set_state("bk.date", start=start.isoformat())
    await then(ctx, dealer)
