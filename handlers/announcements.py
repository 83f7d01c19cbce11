"""Staff write an announcement in private chat: /announce (moderators and above). The
country is the staff member's (an admin picks one); the audience is the country's clubs
(a dealer's staff: their dealer's clubs) and/or its owners who accept marketing
messages; the text is asked in each language that audience reads, the country's first
language first; an optional photo; then a preview of every variant with the audience
per language and channel, and send now, tomorrow at 10:00 in each reader's own time,
or cancel. Every press re-checks the role and the country in the database.

Files with finer audiences (tiers, models, life-cycle segments, buttons) go through
`ownerbot announce FILE.toml`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.announcements import Announcement, per_text_limit
from bot.domain.staff import StaffMember
from bot.i18n import Translator, escape, native_language_name
from bot.services import announcements, clubs
from bot.services.announcements import AnnouncementError, Plan
from bot.services.queries.announcements import announcement_by_id
from bot.services.staff import LacksRole, NotStaff, actor_id
from handlers.announcement_models import model_rows, reach_line, toggled
from handlers.codes import button
from handlers.codes.announcements import (
    AnnounceAudience,
    AnnounceMarket,
    AnnounceModel,
    AnnouncePin,
    CancelAnnouncement,
    CorrectAnnouncement,
    Reach,
    SendAnnouncement,
    SkipAnnouncePhoto,
    StopAnnouncing,
)
from handlers.context import Context
from handlers.router import Draft, Router
from handlers.states.announcements import AnnounceDraft, AnnounceStep
from handlers.typed import pressed_by_name
from handlers.types import Button, EventKind, Screen

router = Router()

ANNOUNCEMENT = Draft(lambda ctx: ctx.t.pgettext("button", "📣 Continue the announcement"))
SEND_AT = time(10, 0)  # "tomorrow": at this local time in each reader's zone


async def moderator(ctx: Context) -> StaffMember | None:
    """The staff member who may announce, or a refusal said in the chat."""
    try:
        return await clubs.club_staff(ctx.uow, ctx.event.channel, ctx.event.user_id)
    except LacksRole:
        ctx.reply(ctx.t._("This command is for moderators and managers."))
    except NotStaff:
        ctx.reply(ctx.t._("This command is for dealer staff."))
    return None


def stop_row(t: Translator) -> list[Button]:
    return [button(t.pgettext("button", "✖️ Cancel"), StopAnnouncing())]


@router.command("announce", needs_owner=False)
async def start_announcing(ctx: Context) -> None:
    member = await moderator(ctx)
    if member is None:
        return
    market = clubs.home_market(member, ctx.reference.dealers)
    draft = AnnounceDraft(market=market or "", dealer=member.dealer_code)
    ctx.enter(AnnounceStep.MARKET if market is None else AnnounceStep.AUDIENCE, draft)
    await ctx.flows.reask(ctx)


@router.reask(AnnounceStep.MARKET, draft=ANNOUNCEMENT, needs_owner=False)
async def ask_market(ctx: Context) -> None:
    t = ctx.t
    markets = sorted(ctx.reference.markets, key=lambda code: t.sort_key(t.country(code)))
    rows = [
        [button(t.country(code), AnnounceMarket(code)) for code in markets[i : i + 3]]
        for i in range(0, len(markets), 3)
    ]
    ctx.reply(
        t._("📣 A new announcement. Which country is it for?"), [*rows, stop_row(t)], edit=True
    )


@router.reask(AnnounceStep.AUDIENCE, draft=ANNOUNCEMENT, needs_owner=False)
async def ask_audience(ctx: Context) -> None:
    t = ctx.t
    draft = ctx.draft(AnnounceDraft)
    ctx.reply(
        t._(
            "📣 A new announcement for {country}. Who should get it: the owners' clubs "
            "(groups), owners in private chat (those who accept marketing messages), or both?",
            country=t.country(draft.market),
        ),
        [
            [button(t.pgettext("button", "👥 Clubs"), AnnounceAudience(Reach.CLUBS))],
            [button(t.pgettext("button", "💬 Owners"), AnnounceAudience(Reach.OWNERS))],
            [button(t.pgettext("button", "Both"), AnnounceAudience(Reach.BOTH))],
            stop_row(t),
        ],
        edit=True,
    )


@router.reask(AnnounceStep.TEXT, draft=ANNOUNCEMENT, needs_owner=False)
async def ask_text(ctx: Context) -> None:
    t = ctx.t
    draft = ctx.draft(AnnounceDraft)
    position = min(len(draft.texts), len(draft.languages) - 1)
    ctx.reply(
        t._(
            "Send the announcement's text in {language} ({position} of {total}), as it should "
            "read.",
            language=native_language_name(draft.languages[position]),
            position=t.number(position + 1),
            total=t.number(len(draft.languages)),
        ),
        [stop_row(t)],
        edit=ctx.event.kind is EventKind.BUTTON,
    )


@router.reask(AnnounceStep.PHOTO, draft=ANNOUNCEMENT, needs_owner=False)
async def ask_photo(ctx: Context) -> None:
    t = ctx.t
    ctx.reply(
        t._("Send a photo to go with it, or tap No photo."),
        [[button(t.pgettext("button", "No photo"), SkipAnnouncePhoto())], stop_row(t)],
        edit=ctx.event.kind is EventKind.BUTTON,
    )


@router.reask(AnnounceStep.PREVIEW, draft=ANNOUNCEMENT, needs_owner=False)
async def show_preview(ctx: Context) -> None:
    t = ctx.t
    draft = ctx.draft(AnnounceDraft)
    if len(draft.texts) < len(draft.languages):  # a language still to write
        ctx.enter(AnnounceStep.TEXT, draft)
        await ctx.flows.reask(ctx)
        return
    announcement = _announcement(ctx, draft, None)
    reached = await announcements.plan(ctx.uow, ctx.reference, announcement, ctx.now)
    sizes = reached.sizes()
    for code in draft.languages:
        header = t._(
            "👁 {language}: {clubs}, {owners}",
            language=native_language_name(code),
            clubs=_clubs(t, sizes.get(("groups", code), 0)),
            owners=_owners(t, sizes.get(("owners", code), 0)),
        )
        body = escape(announcement.texts[code])
        photos = (draft.photo,) if draft.photo else ()
        ctx.screens.append(Screen(text=f"{header}\n\n{body}", photos=photos))
    _counted(draft, reached)
    ctx.enter(AnnounceStep.PREVIEW, draft)
    _send_question(ctx, draft, edit=False)


def _counted(draft: AnnounceDraft, reached: Plan) -> None:
    draft.clubs_reached, draft.owners_reached = len(reached.groups), len(reached.owners)


def _send_question(ctx: Context, draft: AnnounceDraft, *, edit: bool) -> None:
    t = ctx.t
    pin = (
        t.pgettext("button", "📌 Pin in clubs: on")
        if draft.pin
        else t.pgettext("button", "📌 Pin in clubs: off")
    )
    reach = reach_line(
        t,
        ctx.reference,
        draft.models,
        _clubs(t, draft.clubs_reached),
        _owners(t, draft.owners_reached),
    )
    ctx.reply(
        reach
        + "\n"
        + t._(
            "That is how each language will look. Send it now, or tomorrow at {time} in each "
            "reader's own time?",
            time=_ten(ctx, draft),
        ),
        [
            *model_rows(ctx.reference, draft.models),
            [button(t.pgettext("button", "✅ Send now"), SendAnnouncement(False))],
            [
                button(
                    t.pgettext("button", "🕙 Tomorrow at {time}", time=_ten(ctx, draft)),
                    SendAnnouncement(True),
                )
            ],
            *([[button(pin, AnnouncePin(not draft.pin))]] if draft.clubs else []),
            stop_row(t),
        ],
        edit=edit,
    )


def _clubs(t: Translator, n: int) -> str:
    return t.ngettext("{n} club", "{n} clubs", n)


def _owners(t: Translator, n: int) -> str:
    return t.ngettext("{n} owner", "{n} owners", n)


def _announcement(ctx: Context, draft: AnnounceDraft, send_at: str | None) -> Announcement:
    audience = announcements.wizard_audience(
        draft.market, draft.dealer, draft.clubs, draft.owners, draft.models
    )
    return Announcement(
        texts=dict(zip(draft.languages, draft.texts, strict=False)),
        audience=audience.to_json(),
        buttons=[],
        created_by=actor_id(ctx.event.channel, ctx.event.user_id),
        created_at=ctx.now,
        market=draft.market,
        photo=draft.photo,
        send_at_local=send_at,
        pin=draft.pin and draft.clubs,
    )


async def _step(ctx: Context, step: AnnounceStep) -> tuple[StaffMember, AnnounceDraft] | None:
    """The member and the draft when they stand at `step` and may still announce for
    the draft's country."""
    if not ctx.in_step(step):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return None
    member = await moderator(ctx)
    if member is None:
        ctx.clear_state()
        return None
    draft = ctx.draft(AnnounceDraft)
    if draft.market and not clubs.in_scope(member, draft.market, ctx.reference.dealers):
        ctx.clear_state()
        ctx.reply(ctx.t._("You can announce to your own country only."))
        return None
    return member, draft


@router.on(AnnounceMarket, needs_owner=False)
async def chose_market(ctx: Context, code: AnnounceMarket) -> None:
    found = await _step(ctx, AnnounceStep.MARKET)
    if found is None:
        return
    _member, draft = found
    if code.market not in ctx.reference.markets:
        await ctx.flows.reask(ctx)
        return
    draft.market = code.market
    ctx.enter(AnnounceStep.AUDIENCE, draft)
    await ctx.flows.reask(ctx)


@router.on(AnnounceAudience, needs_owner=False)
async def chose_audience(ctx: Context, code: AnnounceAudience) -> None:
    found = await _step(ctx, AnnounceStep.AUDIENCE)
    if found is None:
        return
    _member, draft = found
    draft.clubs = code.reach in (Reach.CLUBS, Reach.BOTH)
    draft.owners = code.reach in (Reach.OWNERS, Reach.BOTH)
    audience = announcements.wizard_audience(draft.market, draft.dealer, draft.clubs, draft.owners)
    languages, reached = await announcements.languages_needed(
        ctx.uow, ctx.reference, audience, draft.market, ctx.now
    )
    if not _anyone(reached):
        ctx.toast(ctx.t._("Nobody is in this audience yet."))
        return
    draft.languages, draft.texts = languages, []
    ctx.enter(AnnounceStep.TEXT, draft)
    await ctx.flows.reask(ctx)


def _anyone(reached: Plan) -> bool:
    return bool(reached.groups or reached.owners)


@router.state(AnnounceStep.TEXT, needs_owner=False)
async def text_given(ctx: Context) -> None:
    if await pressed_by_name(ctx):
        return
    draft = ctx.draft(AnnounceDraft)
    text = ctx.event.text.strip() if ctx.event.kind is EventKind.TEXT else ""
    if not text:
        ctx.reply(ctx.t._("Please send the text as a message."))
        await ctx.flows.reask(ctx)
        return
    limit = per_text_limit(False, _shown_together(draft))
    if len(text) > limit:
        ctx.reply(
            ctx.t._(
                "That is longer than a message may be ({limit} characters). Please shorten it.",
                limit=ctx.t.number(limit),
            )
        )
        await ctx.flows.reask(ctx)
        return
    draft.texts = [*draft.texts, text][: len(draft.languages)]
    done = len(draft.texts) >= len(draft.languages)
    ctx.enter(AnnounceStep.PHOTO if done else AnnounceStep.TEXT, draft)
    await ctx.flows.reask(ctx)


def _shown_together(draft: AnnounceDraft) -> int:
    """A club's copy shows every language it speaks, one under the other."""
    return len(draft.languages) if draft.clubs else 1


@router.state(AnnounceStep.PHOTO, needs_owner=False)
async def photo_given(ctx: Context) -> None:
    if await pressed_by_name(ctx):
        return
    draft = ctx.draft(AnnounceDraft)
    if ctx.event.kind is not EventKind.PHOTO or not ctx.event.photo_id:
        await ctx.flows.reask(ctx)
        return
    limit = per_text_limit(True, _shown_together(draft))
    if any(len(text) > limit for text in draft.texts):
        ctx.reply(
            ctx.t._(
                "With a photo, each text may have at most {limit} characters. Send /announce "
                "to write shorter texts, or tap No photo.",
                limit=ctx.t.number(limit),
            )
        )
        await ctx.flows.reask(ctx)
        return
    draft.photo = ctx.event.photo_id
    ctx.enter(AnnounceStep.PREVIEW, draft)
    await ctx.flows.reask(ctx)


@router.on(SkipAnnouncePhoto, needs_owner=False)
async def no_photo(ctx: Context, _code: SkipAnnouncePhoto) -> None:
    found = await _step(ctx, AnnounceStep.PHOTO)
    if found is None:
        return
    _member, draft = found
    draft.photo = None
    ctx.enter(AnnounceStep.PREVIEW, draft)
    await ctx.flows.reask(ctx)


@router.on(AnnouncePin, needs_owner=False)
async def toggle_pin(ctx: Context, code: AnnouncePin) -> None:
    found = await _step(ctx, AnnounceStep.PREVIEW)
    if found is None:
        return
    _member, draft = found
    draft.pin = code.pin
    ctx.enter(AnnounceStep.PREVIEW, draft)
    _send_question(ctx, draft, edit=True)


@router.on(AnnounceModel, needs_owner=False)
async def toggle_model(ctx: Context, code: AnnounceModel) -> None:
    found = await _step(ctx, AnnounceStep.PREVIEW)
    if found is None:
        return
    _member, draft = found
    models = toggled(ctx.reference, draft.models, code.model)
    if models is None:
        ctx.toast(ctx.t._("Keep at least one model."))
        return
    trial = replace(draft, models=models)
    reached = await announcements.plan(
        ctx.uow, ctx.reference, _announcement(ctx, trial, None), ctx.now
    )
    if not _anyone(reached):
        ctx.toast(ctx.t._("Nobody is in this audience yet."))
        return
    _counted(trial, reached)
    ctx.enter(AnnounceStep.PREVIEW, trial)
    _send_question(ctx, trial, edit=True)


@router.on(SendAnnouncement, needs_owner=False)
async def send(ctx: Context, code: SendAnnouncement) -> None:
    found = await _step(ctx, AnnounceStep.PREVIEW)
    if found is None:
        return
    _member, draft = found
    send_at = (
        _tomorrow(ctx.now, ctx.reference.markets[draft.market].timezone) if code.tomorrow else None
    )
    announcement = _announcement(ctx, draft, send_at)
    try:
        queued = await announcements.create(ctx.uow, ctx.reference, announcement, now=ctx.now)
    except AnnouncementError:
        ctx.clear_state()
        ctx.reply(ctx.t._("Nobody is in this audience any more; nothing was sent."))
        return
    ctx.clear_state()
    t = ctx.t
    number = t.number(announcement.id or 0)
    clubs_n, owners_n = _clubs(t, len(queued.groups)), _owners(t, len(queued.owners))
    if send_at is None:
        ctx.reply(
            t._(
                "📣 Announcement {number} is on its way: {clubs}, {owners}.",
                number=number,
                clubs=clubs_n,
                owners=owners_n,
            ),
            [
                [
                    button(
                        t.pgettext("button", "✏️ Correct it"),
                        CorrectAnnouncement(announcement.id or 0),
                    )
                ]
            ]
            if queued.groups
            else None,
            edit=True,
        )
        return
    ctx.reply(
        t._(
            "📣 Announcement {number} will go out tomorrow at {time}, each reader's own time: "
            "{clubs}, {owners}.",
            number=number,
            time=_ten(ctx, draft),
            clubs=clubs_n,
            owners=owners_n,
        ),
        [[button(t.pgettext("button", "✖️ Cancel it"), CancelAnnouncement(announcement.id or 0))]],
        edit=True,
    )


def _ten(ctx: Context, draft: AnnounceDraft) -> str:
    """The hour it goes out, as the staff member's language writes it."""
    zone = ctx.reference.markets[draft.market].timezone
    return ctx.t.time(datetime.combine(ctx.now.date(), SEND_AT, tzinfo=ZoneInfo(zone)), zone)


def _tomorrow(now: datetime, zone: str) -> str:
    day = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    return datetime.combine(day, SEND_AT).strftime("%Y-%m-%dT%H:%M")


@router.on(StopAnnouncing, needs_owner=False)
async def stop(ctx: Context, _code: StopAnnouncing) -> None:
    if not any(ctx.in_step(step) for step in AnnounceStep):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return
    correcting = ctx.in_step(AnnounceStep.CORRECTION)
    ctx.clear_state()
    if correcting:
        ctx.reply(ctx.t._("No correction was made; the announcement stays as it is."), edit=True)
        return
    ctx.reply(ctx.t._("The announcement was put away; nothing was sent."), edit=True)


@router.on(CancelAnnouncement, needs_owner=False)
async def cancel(ctx: Context, code: CancelAnnouncement) -> None:
    member = await moderator(ctx)
    if member is None:
        return
    found = await announcement_by_id(ctx.uow, code.announcement)
    if found is None or not (
        found.market and clubs.in_scope(member, found.market, ctx.reference.dealers)
    ):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return
    t = ctx.t
    try:
        await announcements.cancel(
            ctx.uow,
            code.announcement,
            actor=actor_id(ctx.event.channel, ctx.event.user_id),
            now=ctx.now,
        )
    except AnnouncementError:
        ctx.toast(t._("It can't be cancelled any more: it has gone out."))
        return
    ctx.reply(
        t._(
            "Announcement {number} is cancelled; nothing more of it goes out.",
            number=t.number(code.announcement),
        ),
        edit=True,
    )
