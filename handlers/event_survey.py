"""The survey after a club event in chat: a rating of 1 to 5 stars, then an optional
comment. Only an owner who was checked in, while the survey is open; the first rating
counts."""

from __future__ import annotations

from bot.domain.club_events import RATINGS
from bot.services import event_feedback
from bot.services.event_feedback import FeedbackNotOpen, NotTheirSeat
from handlers.codes import BadCode, button
from handlers.codes.events import EventRating, SkipEventComment
from handlers.common import show_main_menu
from handlers.context import Context
from handlers.errors import NotYours
from handlers.router import Router
from handlers.states.events import EventSurveyComment, EventSurveyStep
from handlers.typed import pressed_by_name

router = Router()


@router.on(EventRating)
async def rating(ctx: Context, code: EventRating) -> None:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    if code.rating not in RATINGS:
        raise BadCode("rating out of range")
    try:
        rated = await event_feedback.rate(
            ctx.uow, owner_id=owner.id, event_id=code.event, rating=code.rating, now=ctx.now
        )
    except NotTheirSeat as error:
        raise NotYours from error
    except FeedbackNotOpen:
        ctx.toast(ctx.t._("This survey is closed. Thank you all the same!"))
        return
    if not rated.first_time:
        ctx.toast(ctx.t._("Thank you, we already have your answer."))
        return
    ctx.enter(EventSurveyStep.COMMENT, EventSurveyComment(event_id=code.event))
    _ask_comment(ctx, code.event)


def _ask_comment(ctx: Context, event_id: int) -> None:
    ctx.reply(
        ctx.t._(
            "Thank you! Anything you'd like the organisers to know for next time? "
            "Write it here, or tap Skip."
        ),
        [[button(ctx.t.pgettext("button", "Skip"), SkipEventComment(event_id))]],
        edit=True,
    )


@router.reask(EventSurveyStep.COMMENT)
async def reask_comment(ctx: Context) -> None:
    _ask_comment(ctx, ctx.draft(EventSurveyComment).event_id)


@router.on(SkipEventComment)
async def skip_comment(ctx: Context, code: SkipEventComment) -> None:
    del code
    ctx.clear_state()
    ctx.reply(ctx.t._("Thank you for your time."), edit=True)
    show_main_menu(ctx)


@router.state(EventSurveyStep.COMMENT)
async def comment(ctx: Context) -> None:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    event_id = ctx.draft(EventSurveyComment).event_id
    if await pressed_by_name(ctx):  # "Skip", typed
        return
    if not ctx.event.text.strip():
        ctx.reply(ctx.t._("Please write your comment as text, or tap Skip."))
        return
    try:
        await event_feedback.comment(
            ctx.uow, owner_id=owner.id, event_id=event_id, text=ctx.event.text
        )
    except NotTheirSeat as error:
        raise NotYours from error
    ctx.clear_state()
    ctx.reply(ctx.t._("Thank you, we've passed it on to the team."))
