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
    BOOKING,
    draft_of,
    flow_dealer,
    flow_minutes,
    horizon,
    owner_id,
    stop_button,
    zone_note,
)
from handlers.booking_texts import short_when
from handlers.calendar import CalendarCodes, first_of_month, month_keyboard
from handlers.codes import BadCode, button
from handlers.codes.booking import CalendarBlank, CalendarPage, ChooseDay, ChooseTime
from handlers.context import Context
from handlers.router import Router
from handlers.states.booking import BookingDraft, BookingStep
from handlers.types import Button

router = Router()

TIMES_PER_ROW = 4
MONTHS_TO_LOOK_AHEAD = 4
CALENDAR = CalendarCodes(page=CalendarPage, day=ChooseDay, blank=CalendarBlank())


async def show_calendar(
    ctx: Context, draft: BookingDraft, month: date | None, *, edit: bool
) -> None:
    t = ctx.t
    dealer = flow_dealer(ctx, draft)
    first, last = await horizon(ctx, dealer)
    minutes = await flow_minutes(ctx, draft)
    explicit = month is not None
    month = first_of_month(month or first)
    if not first_of_month(first) <= month <= first_of_month(last):
        raise BadCode("month outside the booking window")
    enabled: set[date] = set()
    for _attempt in range(MONTHS_TO_LOOK_AHEAD):
        low = max(first, month)
        high = min(last, _month_end(month))
        found = await booking_service.slots_between(
            ctx.uow, dealer, low, high, minutes, ctx.now, ignore_booking=draft.move
        )
        enabled = set(found)
        next_month = _month_end(month) + timedelta(days=1)
        if enabled or explicit or next_month > last:
            break
        month = next_month
    draft.token = None
    draft.day = None
    ctx.enter(BookingStep.DATE, draft)
    lines = [
        t._("<b>{center}</b>", center=dealer.name),
        t._("Choose a day: days with free times show their number."),
    ]
    if not enabled:
        lines.append(t._("No free times this month. Try the next one."))
    note = zone_note(ctx, dealer)
    if note:
        lines.append(note)
    rows = month_keyboard(t, CALENDAR, month, enabled, first, last)
    rows.append(stop_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


def _month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def another_day_button(ctx: Context, day: date) -> list[Button]:
    return [button(ctx.t.pgettext("button", "📅 Another day"), CalendarPage(first_of_month(day)))]


@router.on(CalendarPage)
async def calendar_page(ctx: Context, code: CalendarPage) -> None:
    await show_calendar(ctx, draft_of(ctx), code.month, edit=True)


@router.on(CalendarBlank)
async def calendar_blank(ctx: Context, code: CalendarBlank) -> None:
    del code
    ctx.toast(ctx.t._("Days with a number can be booked."))


@router.reask(BookingStep.DATE, draft=BOOKING)
async def reask_date(ctx: Context) -> None:
    """The day's times when a day is on screen (if it still has free ones), else the
    calendar."""
    draft = ctx.draft(BookingDraft)
    if draft.day is not None:
        dealer = flow_dealer(ctx, draft)
        slots = await day_slots(ctx, draft, dealer, draft.day)
        if slots:
            show_times(ctx, draft, dealer, draft.day, slots, edit=False)
            return
    await show_calendar(ctx, draft, None, edit=False)


@router.on(ChooseDay)
async def chose_day(ctx: Context, code: ChooseDay) -> None:
    draft = draft_of(ctx)
    day = code.day
    dealer = flow_dealer(ctx, draft)
    first, last = await horizon(ctx, dealer)
    if not first <= day <= last or not is_open_on(dealer, day):
        raise BadCode("not a day the center is open for booking")
    slots = await day_slots(ctx, draft, dealer, day)
    if not slots:
        ctx.toast(ctx.t._("No free times left that day. Please choose another."))
        await show_calendar(ctx, draft, first_of_month(day), edit=True)
        return
    show_times(ctx, draft, dealer, day, slots, edit=True)


async def day_slots(ctx: Context, draft: BookingDraft, dealer: Dealer, day: date) -> list[Slot]:
    """The free times of one day at the center (none outside the booking window)."""
    first, last = await horizon(ctx, dealer)
    if not first <= day <= last:
        return []
    minutes = await flow_minutes(ctx, draft)
    found = await booking_service.slots_between(
        ctx.uow, dealer, day, day, minutes, ctx.now, ignore_booking=draft.move
    )
    return found.get(day, [])


def show_times(
    ctx: Context,
    draft: BookingDraft,
    dealer: Dealer,
    day: date,
    slots: list[Slot],
    *,
    edit: bool,
) -> None:
    t = ctx.t
    draft.day = day
    ctx.enter(BookingStep.DATE, draft)
    lines = [
        t._(
            "<b>{date}</b>, {center}: choose a time.",
            date=t.skeleton(day, "yMMMMEEEEd"),
            center=dealer.name,
        )
    ]
    note = zone_note(ctx, dealer)
    if note:
        lines.append(note)
    buttons = [
        button(t.time(slot.start, dealer.timezone), ChooseTime(slot.start)) for slot in slots
    ]
    rows = [buttons[i : i + TIMES_PER_ROW] for i in range(0, len(buttons), TIMES_PER_ROW)]
    rows.append(another_day_button(ctx, day))
    rows.append(stop_button(ctx))
    ctx.reply("\n".join(lines), rows, edit=edit)


def offer_alternatives(
    ctx: Context,
    draft: BookingDraft,
    dealer: Dealer,
    wanted: datetime,
    error: SlotGone,
    *,
    edit: bool,
    headline: str = "",
) -> None:
    """The slot went while the owner hesitated (or was never free: `headline` says
    so): say so and offer the nearest free ones."""
    t = ctx.t
    draft.token = None
    draft.start = None
    draft.day = local_day(wanted, dealer.timezone)  # a time typed next is on that day
    ctx.enter(BookingStep.DATE, draft)
    if headline:
        text = headline
    elif isinstance(error, SlotPast):
        text = t._("That time has passed or is too close now.")
    else:
        text = t._("Sorry, someone has just booked that time.")
    rows: list[list[Button]] = []
    if error.alternatives:
        text += "\n" + t._("The nearest free times at {center}:", center=dealer.name)
        for slot in error.alternatives:
            rows.append([button(short_when(t, slot.start, dealer), ChooseTime(slot.start))])
    else:
        text += "\n" + t._("There are no free times close to it. Please choose another day.")
    note = zone_note(ctx, dealer)
    if note:
        text += "\n" + note
    rows.append(another_day_button(ctx, local_day(wanted, dealer.timezone)))
    rows.append(stop_button(ctx))
    ctx.reply(text, rows, edit=edit)


async def chose_time(
    ctx: Context,
    code: ChooseTime,
    *,
    then: Callable[[Context, BookingDraft, Dealer], Awaitable[None]],
) -> None:
    """A time was picked: re-check it is a slot of the center and still free (else
    offer the nearest free ones), remember it, and go on with `then`."""
    draft = draft_of(ctx)
    # Any time picked, even a refused one, voids the summary's confirm: it would book
    # a time the owner has not checked again.
    draft.token = None
    ctx.enter(BookingStep(ctx.state), draft)
    start = code.start
    dealer = flow_dealer(ctx, draft)
    minutes = await flow_minutes(ctx, draft)
    if slot_at(dealer, start, minutes) is None:
        raise BadCode("not a slot of the center")
    first, last = await horizon(ctx, dealer)
    day = local_day(start, dealer.timezone)
    if day > last:
        raise BadCode("beyond the booking window")
    window = await booking_service.window_days(ctx.uow, ctx.reference, owner_id(ctx))
    free = await booking_service.free_slots(
        ctx.uow, dealer, day, minutes, ctx.now, window=window, ignore_booking=draft.move
    )
    if start not in {s.start for s in free}:
        alternatives = await booking_service.alternatives(
            ctx.uow, dealer, start, minutes, ctx.now, window=window, ignore_booking=draft.move
        )
        gone: SlotGone = (
            SlotPast(alternatives)
            if start < ctx.now + MIN_LEAD or day < first
            else SlotGone(alternatives)
        )
        offer_alternatives(ctx, draft, dealer, start, gone, edit=True)
        return
    draft.start = start
    ctx.enter(BookingStep.DATE, draft)
    await then(ctx, draft, dealer)
