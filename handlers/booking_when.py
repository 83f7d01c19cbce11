"""A day and time typed at the calendar, instead of tapped: "พรุ่งนี้ 10 โมง", "mañana a
las 10", "14/12", "بكرة الساعة ١٠", or a bare "10" while a day's times are on screen.

A free time is taken as if tapped (with every check a tap gets); a day alone shows its
times; a time that is not free offers the nearest free ones; a day that can't be
booked shows the calendar again. Anything else is read as one of the screen's buttons
(a day's number, a time, "Another day"), or gets a hint and the same screen.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.reference import Dealer
from bot.domain.slots import is_open_on, local_day
from bot.domain.typed_dates import TypedWhen, read_hour, read_when
from bot.services import booking as booking_service
from bot.services.booking import SlotGone
from handlers.booking_common import flow_dealer, flow_minutes, horizon, owner_id
from handlers.booking_slots import day_slots, offer_alternatives, show_calendar, show_times
from handlers.booking_texts import when
from handlers.calendar import first_of_month
from handlers.codes.booking import CalendarBlank, ChooseTime
from handlers.context import Context
from handlers.router import Router
from handlers.states.booking import BookingDraft, BookingStep
from handlers.typed import take_typed_choice
from handlers.types import EventKind

router = Router()


@router.state(BookingStep.DATE)
async def when_typed(ctx: Context) -> None:
    draft = ctx.draft(BookingDraft)
    dealer = flow_dealer(ctx, draft)
    typed = _typed_when(ctx, draft, dealer)
    day = typed.day or (draft.day if typed.time is not None else None)
    if day is None:
        t = ctx.t
        # TRANSLATORS: an example of a day owners may type; keep it a word the bot reads
        # (bot/domain/typed_dates.py lists them per language).
        tomorrow = t.pgettext("typed example", "tomorrow")
        hint = (
            t._("Which day? Please choose a day first.")
            if typed.time is not None
            else t._(
                "Please choose a day, or type one like “{tomorrow}” or “{example}”.",
                tomorrow=tomorrow,
                example=t.date(local_day(ctx.now, dealer.timezone), "short"),
            )
        )
        await take_typed_choice(ctx, passive=(CalendarBlank,), hint=hint)
        return
    slots = await day_slots(ctx, draft, dealer, day)
    if not slots:
        await _no_times(ctx, draft, dealer, day)
        return
    if typed.time is None:
        show_times(ctx, draft, dealer, day, slots, edit=False)
        return
    start = _at(day, typed.time, dealer)
    if start in {slot.start for slot in slots}:
        await ctx.flows.press(ctx, ChooseTime(start).pack())
        return
    await _not_free(ctx, draft, dealer, start)


def _typed_when(ctx: Context, draft: BookingDraft, dealer: Dealer) -> TypedWhen:
    if ctx.event.kind is not EventKind.TEXT:
        return TypedWhen()
    text = ctx.event.text
    when = read_when(text, ctx.t.locale, local_day(ctx.now, dealer.timezone))
    if when.day is None and when.time is None and draft.day is not None:
        return TypedWhen(time=read_hour(text))  # "10" while a day's times are shown
    return when


def _at(day: date, moment: time, dealer: Dealer) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZoneInfo(dealer.timezone)).astimezone(
        ZoneInfo("UTC")
    )


async def _no_times(ctx: Context, draft: BookingDraft, dealer: Dealer, day: date) -> None:
    t = ctx.t
    first, last = await horizon(ctx, dealer)
    if first <= day <= last and is_open_on(dealer, day):
        ctx.reply(t._("No free times on {date}. Please choose another day.", date=t.date(day)))
    else:
        ctx.reply(
            t._(
                "{date} can't be booked at {center}. Days with a number can.",
                date=t.date(day),
                center=dealer.name,
            )
        )
    month = first_of_month(day) if first <= day <= last else None
    await show_calendar(ctx, draft, month, edit=False)


async def _not_free(ctx: Context, draft: BookingDraft, dealer: Dealer, start: datetime) -> None:
    t = ctx.t
    minutes = await flow_minutes(ctx, draft)
    window = await booking_service.window_days(ctx.uow, ctx.reference, owner_id(ctx))
    nearest = await booking_service.alternatives(
        ctx.uow, dealer, start, minutes, ctx.now, window=window, ignore_booking=draft.move
    )
    headline = t._("{when} is not free.", when=when(t, start, dealer))
    offer_alternatives(ctx, draft, dealer, start, SlotGone(nearest), edit=False, headline=headline)
