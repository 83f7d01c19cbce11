"""Staff correct an announcement already sent, from its confirmation in private chat
("✏️ Correct it"): one language's text at a time; every club message showing that
language is then edited in place by the group poster, and copies still to go carry the
new wording. The role and the country are checked on every press."""

from __future__ import annotations

from bot.domain.announcements import Announcement, per_text_limit
from bot.i18n import native_language_name
from bot.services import announcements, clubs
from bot.services.announcements import AnnouncementError
from bot.services.queries.announcements import announcement_by_id
from bot.services.staff import actor_id
from handlers.announcements import moderator, stop_row
from handlers.codes import button
from handlers.codes.announcements import CorrectAnnouncement, CorrectLanguage
from handlers.context import Context
from handlers.router import Router
from handlers.states.announcements import AnnounceStep, CorrectionDraft
from handlers.typed import pressed_by_name
from handlers.types import EventKind

router = Router()


async def _correctable(ctx: Context, announcement_id: int) -> Announcement | None:
    """The announcement, when the presser may correct it (staff of its country) and it
    was not cancelled."""
    member = await moderator(ctx)
    if member is None:
        return None
    found = await announcement_by_id(ctx.uow, announcement_id)
    if (
        found is None
        or found.cancelled_at is not None
        or not (found.market and clubs.in_scope(member, found.market, ctx.reference.dealers))
    ):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return None
    return found


@router.on(CorrectAnnouncement, needs_owner=False)
async def correct_which(ctx: Context, code: CorrectAnnouncement) -> None:
    found = await _correctable(ctx, code.announcement)
    if found is None:
        return
    rows = [
        [button(native_language_name(locale), CorrectLanguage(code.announcement, locale))]
        for locale in found.texts
    ]
    ctx.reply(ctx.t._("Which language's text do you want to correct?"), rows)


@router.on(CorrectLanguage, needs_owner=False)
async def correct_language(ctx: Context, code: CorrectLanguage) -> None:
    found = await _correctable(ctx, code.announcement)
    if found is None:
        return
    if code.locale not in found.texts:
        ctx.toast(ctx.t._("This button is no longer valid."))
        return
    ctx.enter(AnnounceStep.CORRECTION, CorrectionDraft(code.announcement, code.locale))
    await ctx.flows.reask(ctx)


# One message: a command simply leaves it (nothing was written yet).
@router.reask(AnnounceStep.CORRECTION, needs_owner=False)
async def ask_correction(ctx: Context) -> None:
    draft = ctx.draft(CorrectionDraft)
    ctx.reply(
        ctx.t._(
            "Send the corrected text in {language}.",
            language=native_language_name(draft.locale),
        ),
        [stop_row(ctx.t)],
    )


@router.state(AnnounceStep.CORRECTION, needs_owner=False)
async def correction_given(ctx: Context) -> None:
    if await pressed_by_name(ctx):
        return
    draft = ctx.draft(CorrectionDraft)
    text = ctx.event.text.strip() if ctx.event.kind is EventKind.TEXT else ""
    if not text:
        ctx.reply(ctx.t._("Please send the text as a message."))
        await ctx.flows.reask(ctx)
        return
    found = await _correctable(ctx, draft.announcement)
    if found is None:
        ctx.clear_state()
        return
    try:
        await announcements.correct(
            ctx.uow,
            draft.announcement,
            {draft.locale: text},
            actor=actor_id(ctx.event.channel, ctx.event.user_id),
            now=ctx.now,
        )
    except AnnouncementError:
        ctx.reply(
            ctx.t._(
                "That is longer than a message may be ({limit} characters). Please shorten it.",
                limit=ctx.t.number(per_text_limit(bool(found.photo), len(found.texts))),
            )
        )
        await ctx.flows.reask(ctx)
        return
    ctx.clear_state()
    ctx.reply(
        ctx.t._(
            "✏️ Announcement {number} is corrected: the clubs' messages are edited in place, "
            "and copies still to go carry the new text.",
            number=ctx.t.number(draft.announcement),
        )
    )
