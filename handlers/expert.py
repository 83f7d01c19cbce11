"""Ask the expert: a moderator opens a Q&A session in a club's group
(`/expert_open DATE | EXPERT | TOPIC`); owners list their clubs' open sessions with
/expert in the private chat and send a question; the question's card goes to the
club's dealer's staff chat, where moderators pick it and write the expert's answer;
"Post the digest" sends the answers to the club in each of its languages and tells
every asker in theirs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.clubs import Club
from bot.domain.reference import Dealer
from bot.domain.stories import ExpertQuestion, ExpertSession, expert_tag
from bot.domain.text import isolate
from bot.i18n import Translator, escape
from bot.services import expert_qa
from bot.services.dealer_questions import TooLong
from bot.services.expert_qa import (
    NothingAnswered,
    SessionClosed,
    UnknownExpertQuestion,
    UnknownSession,
)
from bot.services.queries.clubs import linked_club
from bot.services.staff import LacksRole, NotStaff
from handlers.codes import BadCode, button
from handlers.codes.stories import (
    AnswerExpertQuestion,
    AskExpert,
    ExpertHome,
    PickQuestion,
    PostDigest,
)
from handlers.common import market_translator, reach_owner, short_label
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.router import Router
from handlers.states.stories import ExpertAnswerDraft, ExpertDraft, ExpertStep
from handlers.types import Button, EventKind, Screen

router = Router()


def _club_translator(ctx: Context, club: Club) -> Translator:
    return ctx.deps.catalogs.translator(club.locales[0] if club.locales else "en", club.market)


def _staff_chat(ctx: Context, club: Club) -> Dealer | None:
    """Whose staff chat moderates the club's questions: the club's dealer, else the
    first of its market with a staff chat."""
    dealer = ctx.reference.dealers.get(club.dealer_code or "")
    if dealer is not None and dealer.staff_chat_id is not None:
        return dealer
    return next(
        (d for d in ctx.reference.dealers_in(club.market) if d.staff_chat_id is not None), None
    )


def _refused(ctx: Context) -> str:
    return ctx.t._("Sorry, only moderators of this club's country can do this.")


# --- staff open a session in the club ---------------------------------------------------


@router.command("expert_open", needs_owner=False, private_only=False)
async def open_session(ctx: Context) -> None:
    club = (
        None
        if ctx.event.is_private
        else await linked_club(ctx.uow, ctx.event.channel, ctx.event.chat_id)
    )
    if club is None:
        ctx.reply(ctx.t._("Send this command in a club's group."))
        return
    parts = [part.strip() for part in ctx.event.text.split("|")]
    try:
        held_on = date.fromisoformat(parts[0])
        _, expert, topic = parts
        if not expert or not topic:
            raise ValueError("empty")
    except ValueError:
        ctx.reply(
            ctx.t._(
                "Give the date, the expert's name and the topic, for example: {example}",
                example="/expert_open 2027-01-20 | Dr. Sami Haddad | Winter tyres",
            )
        )
        return
    try:
        session = await expert_qa.open_session(
            ctx.uow,
            ctx.reference.dealers,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            club=club,
            topic=topic,
            expert=expert,
            held_on=held_on,
            now=ctx.now,
        )
    except (NotStaff, LacksRole):
        ctx.reply(_refused(ctx))
        return
    except TooLong as error:
        ctx.reply(
            ctx.t._(
                "That is a little long: please keep it under {limit} characters.",
                limit=ctx.t.number(error.limit),
            )
        )
        return
    ct = _club_translator(ctx, club)  # the group reads it in the club's language
    ctx.reply(
        ct._(
            "🎓 Ask the expert: {topic}, with {expert}, on {date}. Send your questions "
            "ahead with /expert in our private chat.",
            topic=isolate(session.topic),
            expert=isolate(session.expert),
            date=ct.date(session.held_on, "long"),
        )
    )


# --- owners ask -------------------------------------------------------------------------


@router.command("expert")
async def expert_command(ctx: Context) -> None:
    await _list_sessions(ctx)


@router.on(ExpertHome)
async def expert_button(ctx: Context, _code: ExpertHome) -> None:
    await _list_sessions(ctx)


async def _list_sessions(ctx: Context) -> None:
    assert ctx.owner is not None
    found = await expert_qa.sessions_for(ctx.uow, ctx.owner)
    t = ctx.t
    if not found:
        ctx.reply(
            t._("There is no open session with an expert in your clubs right now."),
            [back_to_menu(ctx)],
        )
        return
    lines = [t._("🎓 Ask the expert: choose a session and send your question ahead.")]
    rows: list[list[Button]] = []
    for item in found:
        session = item.session
        lines.append(_session_line(t, session))
        rows.append([button(short_label(f"❓ {session.topic}"), AskExpert(session.id or 0))])
    ctx.reply("\n\n".join(lines), [*rows, back_to_menu(ctx)])


def _session_line(t: Translator, session: ExpertSession) -> str:
    return t._(
        "{topic}, with {expert}, on {date}",
        topic=isolate(session.topic),
        expert=isolate(session.expert),
        date=t.date(session.held_on, "long"),
    )


@router.on(AskExpert)
async def ask_button(ctx: Context, code: AskExpert) -> None:
    await _prompt(ctx, code.session)


@router.reask(ExpertStep.QUESTION)
async def reask_question(ctx: Context) -> None:
    await _prompt(ctx, ctx.draft(ExpertDraft).session)


async def _prompt(ctx: Context, session_id: int) -> None:
    assert ctx.owner is not None
    try:
        found = await expert_qa.owners_session(ctx.uow, ctx.owner, session_id)
    except UnknownSession as error:
        raise BadCode("no such open session") from error
    ctx.enter(ExpertStep.QUESTION, ExpertDraft(session=session_id))
    ctx.reply(
        ctx.t._(
            "Write your question for {expert} ({topic}) in one message.",
            expert=isolate(found.session.expert),
            topic=isolate(found.session.topic),
        ),
        [back_to_menu(ctx)],
    )


@router.state(ExpertStep.QUESTION)
async def question_typed(ctx: Context) -> None:
    draft = ctx.draft(ExpertDraft)
    owner = ctx.owner
    assert owner is not None
    if ctx.event.kind is not EventKind.TEXT or not ctx.event.text.strip():
        ctx.reply(ctx.t._("Please write your question as a text message."))
        await ctx.flows.reask(ctx)
        return
    try:
        question, found = await expert_qa.ask(
            ctx.uow,
            owner,
            session_id=draft.session,
            locale=ctx.t.code,
            text=ctx.event.text,
            now=ctx.now,
        )
    except UnknownSession:  # closed (its digest posted) while the owner was writing
        ctx.clear_state()
        ctx.reply(
            ctx.t._("There is no open session with an expert in your clubs right now."),
            [back_to_menu(ctx)],
        )
        return
    except TooLong as error:
        ctx.reply(
            ctx.t._(
                "That is a little long: please keep it under {limit} characters.",
                limit=ctx.t.number(error.limit),
            )
        )
        return
    ctx.clear_state()
    dealer = _staff_chat(ctx, found.club)
    if dealer is not None and dealer.staff_chat_id is not None:
        st = market_translator(ctx, found.club.market)
        lines = [
            st._(
                "{tag} · 🎓 A question for {expert} ({topic}) from {name}",
                tag=expert_tag(question.id or 0),
                expert=isolate(found.session.expert),
                topic=isolate(found.session.topic),
                name=isolate(owner.full_name),
            ),
            st._("🌐 Language: {language}", language=st.language(question.locale)),
            "",
            escape(isolate(question.text)),
        ]
        ctx.to_staff(
            dealer.staff_chat_id,
            "\n".join(lines),
            [[button(st.pgettext("button", "📌 Pick"), PickQuestion(question.id or 0))]],
        )
    ctx.reply(
        ctx.t._(
            "Thank you! Your question is in. If it is picked, you'll get {expert}'s answer here.",
            expert=isolate(found.session.expert),
        ),
        [back_to_menu(ctx)],
    )


# --- moderators pick and answer -----------------------------------------------------------


@router.on(PickQuestion, needs_owner=False, private_only=False)
async def pick(ctx: Context, code: PickQuestion) -> None:
    try:
        found = await expert_qa.pick(
            ctx.uow,
            ctx.reference.dealers,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            question_id=code.question,
            now=ctx.now,
        )
    except UnknownExpertQuestion as error:
        raise BadCode("unknown question") from error
    except (NotStaff, LacksRole):
        ctx.toast(_refused(ctx))
        return
    except SessionClosed:
        ctx.toast(ctx.t._("This session's digest was posted already."))
        return
    tag = expert_tag(found.question.id or 0)
    ctx.reply(
        ctx.t._("{tag} · 📌 Picked by {name}.", tag=tag, name=isolate(found.member.name)),
        [
            [
                button(
                    ctx.t.pgettext("button", "✍️ Answer"),
                    AnswerExpertQuestion(found.question.id or 0),
                )
            ]
        ],
    )


@router.on(AnswerExpertQuestion, needs_owner=False, private_only=False)
async def answer_button(ctx: Context, code: AnswerExpertQuestion) -> None:
    try:
        await _ask_for_answer(ctx, code.question)
    except (NotStaff, LacksRole):
        ctx.toast(_refused(ctx))
        return
    except SessionClosed:
        ctx.toast(ctx.t._("This session's digest was posted already."))
        return
    ctx.enter(ExpertStep.ANSWER, ExpertAnswerDraft(question=code.question))


@router.reask(ExpertStep.ANSWER, needs_owner=False, private_only=False)
async def reask_answer(ctx: Context) -> None:
    try:
        await _ask_for_answer(ctx, ctx.draft(ExpertAnswerDraft).question)
    except (NotStaff, LacksRole, SessionClosed) as error:
        raise BadCode("no longer answerable") from error


async def _ask_for_answer(ctx: Context, question_id: int) -> None:
    try:
        found = await expert_qa.staff_question(
            ctx.uow,
            ctx.reference.dealers,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            question_id=question_id,
        )
    except UnknownExpertQuestion as error:
        raise BadCode("unknown question") from error
    ctx.screens.append(
        Screen(
            text=ctx.t._(
                "{tag} · {name}, please reply with {expert}'s answer.",
                tag=expert_tag(question_id),
                name=isolate(found.member.name),
                expert=isolate(found.session.expert),
            ),
            force_reply=True,
        )
    )


@router.state(ExpertStep.ANSWER, needs_owner=False, private_only=False)
async def answer_typed(ctx: Context) -> None:
    draft = ctx.draft(ExpertAnswerDraft)
    if ctx.event.kind is not EventKind.TEXT or not ctx.event.text.strip():
        await ctx.flows.reask(ctx)
        return
    try:
        found = await expert_qa.answer(
            ctx.uow,
            ctx.reference.dealers,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            question_id=draft.question,
            text=ctx.event.text,
            now=ctx.now,
        )
    except (UnknownExpertQuestion, NotStaff, LacksRole, SessionClosed):
        ctx.clear_state()
        ctx.reply(_refused(ctx))
        return
    except TooLong as error:
        ctx.reply(
            ctx.t._(
                "That is a little long: please keep it under {limit} characters.",
                limit=ctx.t.number(error.limit),
            )
        )
        return
    ctx.clear_state()
    ctx.reply(
        ctx.t._("{tag} · ✅ Answer saved.", tag=expert_tag(draft.question)),
        [
            [
                button(
                    ctx.t.pgettext("button", "📣 Post the digest"),
                    PostDigest(found.session.id or 0),
                )
            ]
        ],
    )


# --- the digest ---------------------------------------------------------------------------


@router.on(PostDigest, needs_owner=False, private_only=False)
async def post_digest(ctx: Context, code: PostDigest) -> None:
    try:
        digest = await expert_qa.post_digest(
            ctx.uow,
            ctx.reference.dealers,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            session_id=code.session,
            now=ctx.now,
        )
    except UnknownSession as error:
        raise BadCode("unknown session") from error
    except (NotStaff, LacksRole):
        ctx.toast(_refused(ctx))
        return
    except SessionClosed:
        ctx.toast(ctx.t._("This session's digest was posted already."))
        return
    except NothingAnswered:
        ctx.toast(ctx.t._("No answers yet: answer a question first."))
        return
    club, session = digest.club, digest.session
    for locale in club.locales or ("en",):
        ct = ctx.deps.catalogs.translator(locale, club.market)
        ctx.reply(
            _digest(ct, session, digest.answered),
            chat_id=club.chat_id,
            channel=club.channel,
        )
    told = 0
    for question in digest.answered:
        chat = await reach_owner(ctx, question.owner_id)
        if chat is None or chat.chat_id is None:
            continue
        told += 1
        chat.tell(
            ctx,
            "\n\n".join(
                [
                    chat.t._(
                        "🎓 {expert} answered your question about {topic}:",
                        expert=isolate(session.expert),
                        topic=isolate(session.topic),
                    ),
                    "❓ " + escape(isolate(question.text)),
                    "💬 " + escape(isolate(question.answer or "")),
                ]
            ),
        )
    ctx.reply(
        ctx.t.ngettext(
            "📣 The digest is posted in the club, and {n} asker was told.",
            "📣 The digest is posted in the club, and {n} askers were told.",
            told,
        )
    )


def _digest(t: Translator, session: ExpertSession, answered: Sequence[ExpertQuestion]) -> str:
    parts = [
        t._(
            "🎓 Ask the expert: {topic}. {expert} answers your questions.",
            topic=isolate(session.topic),
            expert=isolate(session.expert),
        )
    ]
    for question in answered:
        parts.append(
            "❓ "
            + escape(isolate(question.text))
            + "\n💬 "
            + escape(isolate(question.answer or ""))
        )
    return "\n\n".join(parts)
