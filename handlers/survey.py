"""The post-visit survey in chat: a 0-10 score, an optional comment, and a heads-up to
the dealer's staff when the score is low (0-6), so someone calls the owner back."""

from __future__ import annotations

from bot.domain.care import SurveyAnswer
from bot.domain.text import isolate
from bot.services import surveys
from bot.services.surveys import NotTheirVisit, SurveyNotOpen
from handlers.codes import BadCode, button
from handlers.codes.survey import SkipSurveyComment, SurveyScore
from handlers.common import market_translator, show_main_menu
from handlers.context import Context
from handlers.errors import NotYours
from handlers.router import Router
from handlers.states.survey import SurveyComment, SurveyStep
from handlers.typed import pressed_by_name

router = Router()

MAX_SCORE = 10


@router.on(SurveyScore)
async def survey_score(ctx: Context, code: SurveyScore) -> None:
    owner = ctx.owner
    assert owner is not None
    if code.score > MAX_SCORE:
        raise BadCode("score out of range")
    try:
        result = await surveys.answer(
            ctx.uow, ctx.reference, owner=owner, visit_id=code.visit, score=code.score, now=ctx.now
        )
    except NotTheirVisit as error:
        raise NotYours from error
    except SurveyNotOpen:
        ctx.toast(ctx.t._("This survey is closed. Thank you all the same!"))
        return
    if not result.first_time:
        ctx.toast(ctx.t._("Thank you, we already have your answer."))
        return
    ctx.enter(SurveyStep.COMMENT, SurveyComment(visit_id=code.visit))
    _ask_comment(ctx, code.visit)
    if result.answer.detractor:
        await _alert_staff(ctx, result.answer)


def _ask_comment(ctx: Context, visit_id: int) -> None:
    ctx.reply(
        ctx.t._(
            "Thank you! Is there anything you'd like to tell us about the visit? "
            "Write it here, or tap Skip."
        ),
        [[button(ctx.t.pgettext("button", "Skip"), SkipSurveyComment(visit_id))]],
        edit=True,
    )


@router.reask(SurveyStep.COMMENT)
async def reask_comment(ctx: Context) -> None:
    _ask_comment(ctx, ctx.draft(SurveyComment).visit_id)


@router.on(SkipSurveyComment)
async def skip_comment(ctx: Context, code: SkipSurveyComment) -> None:
    del code
    ctx.clear_state()
    ctx.reply(ctx.t._("Thank you for your time."), edit=True)
    show_main_menu(ctx)


@router.state(SurveyStep.COMMENT)
async def survey_comment(ctx: Context) -> None:
    owner = ctx.owner
    assert owner is not None
    visit_id = ctx.draft(SurveyComment).visit_id
    if await pressed_by_name(ctx):  # "Skip", typed
        return
    if not ctx.event.text.strip():
        ctx.reply(ctx.t._("Please write your comment as text, or tap Skip."))
        return
    try:
        recorded = await surveys.comment(
            ctx.uow, owner=owner, visit_id=visit_id, text=ctx.event.text
        )
    except NotTheirVisit as error:
        raise NotYours from error
    except SurveyNotOpen:
        ctx.toast(ctx.t._("This survey is closed. Thank you all the same!"))
        return
    ctx.clear_state()
    ctx.reply(ctx.t._("Thank you, we've passed it on to the team."))
    if recorded.detractor:
        await _alert_staff(ctx, recorded)


async def _alert_staff(ctx: Context, answer: SurveyAnswer) -> None:
    dealer = ctx.reference.dealers.get(answer.dealer_code)
    owner = ctx.owner
    if dealer is None or dealer.staff_chat_id is None or owner is None:
        return
    st = market_translator(ctx, dealer.market)
    lines = [
        st._(
            "⚠️ Low score {score}/10 from {name} ({phone}) after their visit. Please call them "
            "back within a day.",
            score=answer.score,
            name=isolate(owner.full_name),
            phone=owner.phone or "",
        )
    ]
    if answer.comment:
        lines.append(st._("Their words: “{comment}”", comment=isolate(answer.comment)))
    ctx.to_staff(dealer.staff_chat_id, "\n".join(lines))
