"""/newevent: staff (moderators and above) create a club event in private chat, step by
step: the title in each language of their country, the local date and time, the place
and its map location, the seats, a linked club; then a preview with the Co-creators-first
switch, and Create. The event is checked and stored by the same service as
`ownerbot events create`. Every step and press re-checks the role and the country."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.club_events import ClubEvent
from bot.domain.staff import Role, StaffMember
from bot.i18n import native_language_name
from bot.services import clubs
from bot.services.event_file import EventFileError, EventSpec, create_event, spec_from_wizard
from bot.services.queries.clubs import linked_clubs_of
from bot.services.staff import LacksRole, NotStaff, actor_id, require_staff
from handlers.club_texts import interest_name
from handlers.codes import button
from handlers.codes.events import (
    StopWizard,
    WizardClub,
    WizardCreate,
    WizardMarket,
    WizardPriority,
)
from handlers.context import Context
from handlers.events import event_card
from handlers.router import Router
from handlers.states.events import EventDraft, EventWizardStep
from handlers.types import Button, EventKind

router = Router()

TITLE_LIMIT = 100
PLACE_LIMIT = 200
MAX_SEATS = 10_000
_WHEN = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2})[:.](\d{2})\s*$")
Step = EventWizardStep


async def _moderator(ctx: Context) -> StaffMember | None:
    try:
        return await require_staff(ctx.uow, ctx.event.channel, ctx.event.user_id, Role.MODERATOR)
    except LacksRole:
        ctx.reply(ctx.t._("This command is for moderators and managers."))
    except NotStaff:
        ctx.reply(ctx.t._("This command is for dealer staff."))
    return None


@router.command("newevent", needs_owner=False)
async def new_event(ctx: Context) -> None:
    member = await _moderator(ctx)
    if member is None:
        return
    market = clubs.home_market(member, ctx.reference.dealers)
    ctx.enter(Step.MARKET if market is None else Step.TITLE, EventDraft(market=market or ""))
    await ctx.flows.reask(ctx)


def _stop_row(ctx: Context) -> list[Button]:
    return [button(ctx.t.pgettext("button", "✖️ Cancel"), StopWizard())]


@router.reask(Step.MARKET, needs_owner=False)
async def ask_market(ctx: Context) -> None:
    t = ctx.t
    markets = sorted(ctx.reference.markets, key=lambda code: t.sort_key(t.country(code)))
    rows = [
        [button(t.country(code), WizardMarket(code)) for code in markets[i : i + 3]]
        for i in range(0, len(markets), 3)
    ]
    ctx.reply(t._("A new club event. Which country is it in?"), [*rows, _stop_row(ctx)])


@router.reask(Step.TITLE, needs_owner=False)
async def ask_title(ctx: Context) -> None:
    draft = ctx.draft(EventDraft)
    languages = ctx.reference.market(draft.market).languages
    language = native_language_name(languages[_title_index(draft, languages)])
    ctx.reply(ctx.t._("The event's title in {language}?", language=language), [_stop_row(ctx)])


@router.reask(Step.WHEN, needs_owner=False)
async def ask_when(ctx: Context) -> None:
    t = ctx.t
    draft = ctx.draft(EventDraft)
    ctx.reply(
        t._(
            "When does it start? The local date and time in {country}, for example "
            "2027-01-16 07:30.",
            country=t.country(draft.market),
        ),
        [_stop_row(ctx)],
    )


@router.reask(Step.PLACE, needs_owner=False)
async def ask_place(ctx: Context) -> None:
    ctx.reply(ctx.t._("Where does it take place? Send the place's name."), [_stop_row(ctx)])


@router.reask(Step.LOCATION, needs_owner=False)
async def ask_location(ctx: Context) -> None:
    ctx.reply(
        ctx.t._("Now share the place's location on the map (📎 → Location)."),
        [_stop_row(ctx)],
    )


@router.reask(Step.CAPACITY, needs_owner=False)
async def ask_capacity(ctx: Context) -> None:
    ctx.reply(ctx.t._("How many seats are there?"), [_stop_row(ctx)])


@router.reask(Step.CLUB, needs_owner=False)
async def ask_club(ctx: Context) -> None:
    t = ctx.t
    draft = ctx.draft(EventDraft)
    rows = []
    for club in await linked_clubs_of(ctx.uow, draft.market):
        model = ctx.reference.models.get(club.model or "")
        label = model.name if model else t.pgettext("button", "Every model")
        if club.interest is not None:
            label += " · " + interest_name(t, club.interest)
        rows.append([button(f"💬 {label}", WizardClub(club.id or 0))])
    rows.append([button(t.pgettext("button", "No club"), WizardClub(0))])
    ctx.reply(t._("Is it an event of one of the country's clubs?"), [*rows, _stop_row(ctx)])


@router.reask(Step.PREVIEW, needs_owner=False)
async def preview(ctx: Context) -> None:
    _preview(ctx)


def _preview(ctx: Context, *, edit: bool = False) -> None:
    t = ctx.t
    draft = ctx.draft(EventDraft)
    event = _event(ctx, draft)
    priority = (
        t._("⭐ Co-creators move up the waitlist first.")
        if draft.co_creators_first
        else t._("The waitlist moves up in the order people answered.")
    )
    switch = (
        t.pgettext("button", "Everyone in order")
        if draft.co_creators_first
        else t.pgettext("button", "⭐ Co-creators first")
    )
    ctx.reply(
        t._("Here is how owners will see it:")
        + "\n\n"
        + event_card(t, event, 0)
        + "\n\n"
        + priority,
        [
            [button(switch, WizardPriority())],
            [button(t.pgettext("button", "✅ Create the event"), WizardCreate())],
            _stop_row(ctx),
        ],
        edit=edit,
    )


def _event(ctx: Context, draft: EventDraft) -> ClubEvent:
    return _spec(ctx, draft).event


def _spec(ctx: Context, draft: EventDraft) -> EventSpec:
    languages = ctx.reference.market(draft.market).languages
    assert draft.starts is not None
    return spec_from_wizard(
        ctx.reference,
        market=draft.market,
        titles=dict(zip(languages, draft.titles, strict=False)),
        starts=draft.starts,
        place=draft.place,
        latitude=draft.latitude or 0.0,
        longitude=draft.longitude or 0.0,
        capacity=draft.capacity,
        co_creators_first=draft.co_creators_first,
        club_chat=draft.club or None,
        actor=actor_id(ctx.event.channel, ctx.event.user_id),
        now=ctx.now,
    )


async def _at(ctx: Context, step: Step) -> EventDraft | None:
    """The draft when this person stands at `step` and may still create events."""
    if not ctx.in_step(step):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return None
    member = await _moderator(ctx)
    if member is None:
        ctx.clear_state()
        return None
    draft = ctx.draft(EventDraft)
    if draft.market and not member.serves_market(draft.market, ctx.reference.dealers):
        ctx.clear_state()
        ctx.reply(ctx.t._("You can create events of your dealer's country only."))
        return None
    return draft


async def _next(ctx: Context, step: Step, draft: EventDraft) -> None:
    ctx.enter(step, draft)
    await ctx.flows.reask(ctx)


@router.on(WizardMarket, needs_owner=False)
async def chose_market(ctx: Context, code: WizardMarket) -> None:
    draft = await _at(ctx, Step.MARKET)
    if draft is None:
        return
    if code.market not in ctx.reference.markets:
        await ctx.flows.reask(ctx)
        return
    draft.market = code.market
    await _next(ctx, Step.TITLE, draft)


async def _text(ctx: Context, step: Step, limit: int) -> tuple[EventDraft, str] | None:
    """The typed answer at `step`, or the step asked again (empty, or too long)."""
    draft = await _at(ctx, step)
    if draft is None:
        return None
    text = ctx.event.text.strip() if ctx.event.kind is EventKind.TEXT else ""
    if not text or len(text) > limit:
        if text:
            ctx.reply(
                ctx.t.ngettext(
                    "Please keep it to {n} character at most.",
                    "Please keep it to {n} characters at most.",
                    limit,
                )
            )
        await ctx.flows.reask(ctx)
        return None
    return draft, text


def _title_index(draft: EventDraft, languages: tuple[str, ...]) -> int:
    """The language whose title is asked: the first without one (the last again when a
    stale draft has them all)."""
    return min(len(draft.titles), len(languages) - 1)


@router.state(Step.TITLE, needs_owner=False)
async def title(ctx: Context) -> None:
    answer = await _text(ctx, Step.TITLE, TITLE_LIMIT)
    if answer is None:
        return
    draft, text = answer
    languages = ctx.reference.market(draft.market).languages
    draft.titles = [*draft.titles[: _title_index(draft, languages)], text]
    await _next(ctx, Step.TITLE if len(draft.titles) < len(languages) else Step.WHEN, draft)


@router.state(Step.WHEN, needs_owner=False)
async def when(ctx: Context) -> None:
    answer = await _text(ctx, Step.WHEN, 40)
    if answer is None:
        return
    draft, text = answer
    starts = _local_time(text, ctx.reference.market(draft.market).timezone)
    if starts is None or starts <= ctx.now:
        ctx.reply(ctx.t._("Please write a date and time still to come, as in the example."))
        await ctx.flows.reask(ctx)
        return
    draft.starts = starts
    await _next(ctx, Step.PLACE, draft)


def _local_time(text: str, zone: str) -> datetime | None:
    found = _WHEN.match(text)
    if found is None:
        return None
    year, month, day, hour, minute = (int(part) for part in found.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(
            ZoneInfo("UTC")
        )
    except ValueError:
        return None


@router.state(Step.PLACE, needs_owner=False)
async def place(ctx: Context) -> None:
    answer = await _text(ctx, Step.PLACE, PLACE_LIMIT)
    if answer is None:
        return
    draft, text = answer
    draft.place = text
    await _next(ctx, Step.LOCATION, draft)


@router.state(Step.LOCATION, needs_owner=False)
async def location(ctx: Context) -> None:
    draft = await _at(ctx, Step.LOCATION)
    if draft is None:
        return
    shared = ctx.event.location
    if ctx.event.kind is not EventKind.LOCATION or shared is None:
        await ctx.flows.reask(ctx)
        return
    draft.latitude, draft.longitude = shared.latitude, shared.longitude
    await _next(ctx, Step.CAPACITY, draft)


@router.state(Step.CAPACITY, needs_owner=False)
async def capacity(ctx: Context) -> None:
    answer = await _text(ctx, Step.CAPACITY, 10)
    if answer is None:
        return
    draft, text = answer
    seats = int(text) if text.isdecimal() else 0
    if not 0 < seats <= MAX_SEATS:
        ctx.reply(ctx.t._("Please send the number of seats, for example 20."))
        await ctx.flows.reask(ctx)
        return
    draft.capacity = seats
    await _next(ctx, Step.CLUB, draft)


@router.on(WizardClub, needs_owner=False)
async def chose_club(ctx: Context, code: WizardClub) -> None:
    draft = await _at(ctx, Step.CLUB)
    if draft is None:
        return
    linked = {club.id: club.chat_id for club in await linked_clubs_of(ctx.uow, draft.market)}
    if code.club and code.club not in linked:  # unlinked since, or forged
        await ctx.flows.reask(ctx)
        return
    draft.club = linked[code.club] if code.club else 0
    await _next(ctx, Step.PREVIEW, draft)


@router.on(WizardPriority, needs_owner=False)
async def switch_priority(ctx: Context, _code: WizardPriority) -> None:
    draft = await _at(ctx, Step.PREVIEW)
    if draft is None:
        return
    draft.co_creators_first = not draft.co_creators_first
    ctx.enter(Step.PREVIEW, draft)
    _preview(ctx, edit=True)


@router.on(WizardCreate, needs_owner=False)
async def create(ctx: Context, _code: WizardCreate) -> None:
    draft = await _at(ctx, Step.PREVIEW)
    if draft is None:
        return
    try:
        event = await create_event(ctx.uow, _spec(ctx, draft), ctx.now)
    except EventFileError:
        # Started meanwhile, or its club was unlinked: the answers are kept.
        ctx.reply(ctx.t._("The start time has passed or the club was unlinked: please check."))
        ctx.enter(Step.WHEN, draft)
        await ctx.flows.reask(ctx)
        return
    ctx.clear_state()
    ctx.reply(
        ctx.t._(
            "✅ Event {number} is created. Post its card in a club group with /event {number}.",
            number=event.id,
        ),
        edit=True,
    )


@router.on(StopWizard, needs_owner=False)
async def stop(ctx: Context, _code: StopWizard) -> None:
    if not any(ctx.in_step(step) for step in Step):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return
    ctx.clear_state()
    ctx.reply(ctx.t._("No event was created."), edit=True)
