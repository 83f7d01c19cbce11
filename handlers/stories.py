"""Owners' stories: an owner writes one in the private chat (/story or the menu), adds
a few photos and agrees to publication; the card goes to their dealer's staff chat,
where a moderator approves it (posted to the owner's club, points paid once) or
declines it. The owner hears either outcome in their language; staff cards use the
market's language; the club reads the post in its first language."""

from __future__ import annotations

from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Dealer
from bot.domain.staff import StaffMember
from bot.domain.stories import STORY_LIMIT, STORY_PHOTOS, Story, StoryStatus, story_tag
from bot.domain.text import isolate
from bot.i18n import Translator, escape
from bot.services import stories
from bot.services.dealer_questions import TooLong
from bot.services.loyalty.earn import AwardOutcome
from bot.services.queries import vehicles as vehicle_queries
from bot.services.queries.owners import owner_by_id
from bot.services.staff import LacksRole, NotStaff
from bot.services.stories import STORY_RULE
from handlers.booking_texts import model_name
from handlers.codes import BadCode, button
from handlers.codes.menu import MainMenu
from handlers.codes.stories import (
    ApproveStory,
    DeclineStory,
    StoryAgree,
    StoryCancel,
    StoryHome,
    StoryPhotosDone,
)
from handlers.common import market_translator, reach_owner, show_main_menu
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.router import Draft, Router
from handlers.states.stories import StoryDraft, StoryStep
from handlers.typed import pressed_by_name
from handlers.types import Button, EventKind, Screen

router = Router()
STORY = Draft(lambda ctx: ctx.t.pgettext("button", "↩️ Continue your story"))


# --- the owner ---------------------------------------------------------------------------


@router.command("story")
async def story_command(ctx: Context) -> None:
    await _start(ctx, edit=False)


@router.on(StoryHome)
async def story_button(ctx: Context, _code: StoryHome) -> None:
    await _start(ctx, edit=True)


async def _start(ctx: Context, *, edit: bool) -> None:
    if await _moderators_of(ctx) is None:
        return
    ctx.enter(StoryStep.TEXT, StoryDraft())
    _ask_text(ctx, edit=edit)


def _ask_text(ctx: Context, *, edit: bool = False) -> None:
    ctx.reply(
        ctx.t._(
            "📸 Tell the owners' club your story: a trip, a tip, a moment with your car. "
            "Write it in one message (up to {limit} characters); you can add photos next.",
            limit=ctx.t.number(STORY_LIMIT),
        ),
        [_cancel_row(ctx)],
        edit=edit,
    )


def _cancel_row(ctx: Context) -> list[Button]:
    return [button(ctx.t.pgettext("button", "✖️ Cancel"), StoryCancel())]


@router.reask(StoryStep.TEXT, draft=STORY)
async def reask_text(ctx: Context) -> None:
    _ask_text(ctx)


@router.state(StoryStep.TEXT)
async def story_typed(ctx: Context) -> None:
    draft = ctx.draft(StoryDraft)
    if ctx.event.kind is EventKind.PHOTO and ctx.event.photo_id:
        if len(draft.photos) < STORY_PHOTOS:
            draft.photos.append(ctx.event.photo_id)
        if not ctx.event.text.strip():  # a photo without a caption: the text comes next
            ctx.enter(StoryStep.TEXT, draft)
            ctx.reply(ctx.t._("Photo kept. Now write your story in a message."))
            return
    elif ctx.event.kind is not EventKind.TEXT or not ctx.event.text.strip():
        ctx.reply(ctx.t._("Please write your story as a text message."))
        await ctx.flows.reask(ctx)
        return
    elif await pressed_by_name(ctx):  # "Cancel", typed
        return
    try:
        draft.text = stories.checked_text(ctx.event.text)
    except TooLong as error:
        ctx.enter(StoryStep.TEXT, draft)
        ctx.reply(
            ctx.t._(
                "That is a little long: please keep it under {limit} characters.",
                limit=ctx.t.number(error.limit),
            )
        )
        return
    if len(draft.photos) >= STORY_PHOTOS:
        _ask_consent(ctx, draft)
        return
    ctx.enter(StoryStep.PHOTOS, draft)
    _ask_photos(ctx, draft)


def _ask_photos(ctx: Context, draft: StoryDraft) -> None:
    t = ctx.t
    if draft.photos:
        text = t.ngettext(
            "{n} photo received. Send more, or tap Done.",
            "{n} photos received. Send more, or tap Done.",
            len(draft.photos),
        )
    else:
        text = t.ngettext(
            "Add up to {n} photo now, or tap Done.",
            "Add up to {n} photos now, or tap Done.",
            STORY_PHOTOS,
        )
    ctx.reply(
        text, [[button(t.pgettext("button", "✅ Done"), StoryPhotosDone())], _cancel_row(ctx)]
    )


@router.reask(StoryStep.PHOTOS, draft=STORY)
async def reask_photos(ctx: Context) -> None:
    _ask_photos(ctx, ctx.draft(StoryDraft))


@router.state(StoryStep.PHOTOS)
async def story_photo(ctx: Context) -> None:
    draft = ctx.draft(StoryDraft)
    if ctx.event.kind is EventKind.PHOTO and ctx.event.photo_id:
        draft.photos.append(ctx.event.photo_id)
        if len(draft.photos) >= STORY_PHOTOS:
            _ask_consent(ctx, draft)
            return
        ctx.enter(StoryStep.PHOTOS, draft)
        _ask_photos(ctx, draft)
        return
    if await pressed_by_name(ctx):  # "Done", typed
        return
    ctx.reply(ctx.t._("Please send photos, or tap Done."))
    _ask_photos(ctx, draft)


@router.on(StoryPhotosDone)
async def photos_done(ctx: Context, _code: StoryPhotosDone) -> None:
    if not ctx.in_step(StoryStep.PHOTOS, StoryStep.CONSENT):
        raise BadCode("no story being written")
    _ask_consent(ctx, ctx.draft(StoryDraft))


def _ask_consent(ctx: Context, draft: StoryDraft) -> None:
    t = ctx.t
    ctx.enter(StoryStep.CONSENT, draft)
    photos = (
        t.ngettext("{n} photo attached.", "{n} photos attached.", len(draft.photos))
        if draft.photos
        else t._("No photos.")
    )
    ctx.reply(
        "\n\n".join(
            [
                t._("Here is your story:"),
                escape(isolate(draft.text)),
                photos,
                t._(
                    "May we publish it in the owners' club with your first name? "
                    "A moderator reads it first."
                ),
            ]
        ),
        [
            [button(t.pgettext("button", "✅ Yes, publish it"), StoryAgree())],
            _cancel_row(ctx),
        ],
    )


@router.reask(StoryStep.CONSENT, draft=STORY)
async def reask_consent(ctx: Context) -> None:
    _ask_consent(ctx, ctx.draft(StoryDraft))


@router.on(StoryCancel)
async def cancel(ctx: Context, _code: StoryCancel) -> None:
    if ctx.in_step(StoryStep.TEXT, StoryStep.PHOTOS, StoryStep.CONSENT):
        ctx.clear_state()
    ctx.reply(ctx.t._("Your story was not sent."), edit=True)
    show_main_menu(ctx)


@router.on(StoryAgree)
async def agree(ctx: Context, _code: StoryAgree) -> None:
    if not ctx.in_step(StoryStep.CONSENT):
        raise BadCode("no story waiting for consent")
    draft = ctx.draft(StoryDraft)
    owner = ctx.owner
    assert owner is not None
    found = await _moderators_of(ctx)
    if found is None:
        return
    dealer, vehicle = found
    assert dealer.staff_chat_id is not None
    # Photos are the platform's file ids: they can be posted only on the platform they
    # came from (an owner on WhatsApp sends the story's text to Telegram groups).
    same_platform = ctx.deps.staff_channel in (None, ctx.event.channel)
    story = await stories.submit(
        ctx.uow,
        owner,
        dealer_code=dealer.code,
        locale=ctx.t.code,
        text=draft.text,
        photos=draft.photos if same_platform else [],
        now=ctx.now,
    )
    ctx.clear_state()
    st = market_translator(ctx, dealer.market)
    ctx.screens.append(
        Screen(
            text=_card(ctx, st, story, owner, vehicle),
            buttons=tuple(tuple(row) for row in _decision_buttons(st, story)),
            chat_id=dealer.staff_chat_id,
            channel=ctx.deps.staff_channel,
            photos=tuple(story.photos),
        )
    )
    ctx.reply(
        ctx.t._(
            "Thank you! A moderator will read your story, and I'll tell you here when "
            "it is published."
        ),
        [back_to_menu(ctx)],
        edit=True,
    )


async def _moderators_of(ctx: Context) -> tuple[Dealer, Vehicle | None] | None:
    """The dealer whose moderators read the owner's story (the one that sold or serves
    their car, else their market's first with a staff chat); None, and the owner told,
    when there is none."""
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    vehicles = list(await vehicle_queries.vehicles_of(ctx.uow, owner.id))
    for vehicle in vehicles:
        dealer = ctx.reference.dealers.get(vehicle.dealer_code or "")
        if dealer is not None and dealer.market == owner.market and dealer.staff_chat_id:
            return dealer, vehicle
    for dealer in ctx.reference.dealers_in(owner.market):
        if dealer.staff_chat_id is not None:
            return dealer, vehicles[0] if vehicles else None
    ctx.clear_state()
    ctx.reply(ctx.t._("Sorry, that is not available to you."), [back_to_menu(ctx)])
    return None


def _card(ctx: Context, st: Translator, story: Story, owner: Owner, vehicle: Vehicle | None) -> str:
    tag = story_tag(story.id or 0)
    lines = [
        st._("{tag} · 📸 A story from {name}", tag=tag, name=isolate(owner.full_name)),
        st._("🚗 Car: {car}", car=model_name(ctx.reference, vehicle) if vehicle else "—"),
        st._("🌐 Language: {language}", language=st.language(story.locale)),
        st._("✅ The owner agreed to publication."),
        "",
        escape(isolate(story.text)),
    ]
    if story.photos:
        lines += ["", st.ngettext("{n} photo attached.", "{n} photos attached.", len(story.photos))]
    return "\n".join(lines)


def _decision_buttons(st: Translator, story: Story) -> list[list[Button]]:
    return [
        [
            button(st.pgettext("button", "✅ Approve"), ApproveStory(story.id or 0)),
            button(st.pgettext("button", "✖️ Decline"), DeclineStory(story.id or 0)),
        ]
    ]


# --- moderators ----------------------------------------------------------------------------


def _refused(ctx: Context) -> None:
    ctx.toast(ctx.t._("Sorry, only this dealer's moderators can decide on stories."))


def _already(ctx: Context, story: Story) -> None:
    if story.status is StoryStatus.APPROVED:
        ctx.toast(ctx.t._("This story was approved already."))
    else:
        ctx.toast(ctx.t._("This story was declined already."))


@router.on(ApproveStory, needs_owner=False, private_only=False)
async def approve(ctx: Context, code: ApproveStory) -> None:
    try:
        done = await stories.approve(
            ctx.uow,
            ctx.reference,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            story_id=code.story,
            now=ctx.now,
        )
    except stories.UnknownStory as error:
        raise BadCode("unknown story") from error
    except (NotStaff, LacksRole):
        _refused(ctx)
        return
    except stories.AlreadyDecided as error:
        _already(ctx, error.story)
        return
    except stories.NoClub:
        ctx.reply(
            ctx.t._(
                "{tag} · There is no linked club for this owner's country and car yet. "
                "Link one with /link in its group, then approve again.",
                tag=story_tag(code.story),
            )
        )
        return
    story, club = done.story, done.club
    assert club is not None
    owner = await owner_by_id(ctx.uow, story.owner_id)
    assert owner is not None
    vehicles = list(await vehicle_queries.vehicles_of(ctx.uow, story.owner_id))
    vehicle = next((v for v in vehicles if club.model in (None, v.model)), None)
    # The club reads the story in its first language; it names the owner by first name.
    ct = ctx.deps.catalogs.translator(club.locales[0] if club.locales else "en", club.market)
    ctx.screens.append(
        Screen(
            text="\n\n".join(
                [
                    ct._(
                        "📸 A story from {name}, who drives an {model}:",
                        name=isolate(owner.first_name),
                        model=model_name(ctx.reference, vehicle) if vehicle else "—",
                    ),
                    escape(isolate(story.text)),
                ]
            ),
            chat_id=club.chat_id,
            channel=club.channel if club.channel != ctx.event.channel else None,
            photos=tuple(story.photos),
        )
    )
    await _settled(ctx, story, done.member, owner, vehicle, approved=True)
    chat = await reach_owner(ctx, story.owner_id)
    if chat is not None:
        points = ctx.reference.rules(story.market).activity(STORY_RULE).points
        chat.tell(
            ctx,
            chat.t.ngettext(
                "🎉 Your story is published in the owners' club! {n} point is on its way to you.",
                "🎉 Your story is published in the owners' club! {n} points are on their "
                "way to you.",
                points,
            )
            if done.award is AwardOutcome.AWARDED
            else chat.t._("🎉 Your story is published in the owners' club. Thank you!"),
        )


@router.on(DeclineStory, needs_owner=False, private_only=False)
async def decline(ctx: Context, code: DeclineStory) -> None:
    try:
        done = await stories.decline(
            ctx.uow,
            ctx.reference.dealers,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            story_id=code.story,
            now=ctx.now,
        )
    except stories.UnknownStory as error:
        raise BadCode("unknown story") from error
    except (NotStaff, LacksRole):
        _refused(ctx)
        return
    except stories.AlreadyDecided as error:
        _already(ctx, error.story)
        return
    story = done.story
    owner = await owner_by_id(ctx.uow, story.owner_id)
    assert owner is not None
    vehicles = list(await vehicle_queries.vehicles_of(ctx.uow, story.owner_id))
    vehicle = vehicles[0] if vehicles else None
    await _settled(ctx, story, done.member, owner, vehicle, approved=False)
    chat = await reach_owner(ctx, story.owner_id)
    if chat is not None:
        chat.tell(
            ctx,
            chat.t._(
                "Thank you for your story! This time the moderators decided not to publish "
                "it in the club. We would love to read your next one."
            ),
            [[button(chat.t.pgettext("button", "⬅️ Menu"), MainMenu())]],
        )


async def _settled(
    ctx: Context,
    story: Story,
    member: StaffMember,
    owner: Owner,
    vehicle: Vehicle | None,
    *,
    approved: bool,
) -> None:
    """The card, in the market's language, now says who decided, without buttons."""
    dealer = ctx.reference.dealers[story.dealer_code]
    st = market_translator(ctx, dealer.market)
    verdict = (
        st._("✅ Approved by {name} and posted in the club.", name=isolate(member.name))
        if approved
        else st._("✖️ Declined by {name}.", name=isolate(member.name))
    )
    ctx.reply(f"{_card(ctx, st, story, owner, vehicle)}\n\n{verdict}", edit=True)
