"""Ask the dealer: an owner's question goes to their dealer's staff chat, a staff
member's reply to that card comes back to the owner's chat, and either side writes
again in the same thread.

Every message about a thread opens with its tag (#Q12, `bot.domain.questions`): a reply
to one of them (Telegram's reply, the console's `@reply #Q12 ...`) is read as a message
in that thread, and the "Answer" / "Write back" buttons ask for one. Staff cards use
the market's language; the owner reads answers in their own language; what people
wrote is passed on as they wrote it, isolated so it can't turn the card around.
"""

from __future__ import annotations

from bot.domain.owners import Owner, Vehicle
from bot.domain.questions import DealerQuestion, tagged_thread, thread_tag
from bot.domain.reference import Dealer
from bot.domain.text import isolate
from bot.i18n import Translator, escape
from bot.services import dealer_questions as questions
from bot.services.dealer_questions import TooLong, UnknownQuestion
from bot.services.queries import vehicles as vehicle_queries
from bot.services.staff import NotStaff
from handlers.booking_staff import mention
from handlers.codes import BadCode, button
from handlers.codes.menu import MainMenu
from handlers.codes.questions import AnswerQuestion, AskDealer, WriteAgain
from handlers.common import market_translator, reach_owner
from handlers.context import Context
from handlers.errors import NotYours
from handlers.menu import back_to_menu
from handlers.router import Router
from handlers.states.questions import AnswerDraft, AnswerStep, AskDraft, AskStep
from handlers.types import Button, EventKind, Screen

router = Router()


# --- the owner ---------------------------------------------------------------------------


@router.command("ask")
async def ask_command(ctx: Context) -> None:
    """/ask opens the prompt; /ask TEXT sends the question at once."""
    if ctx.event.text:
        await _send(ctx, AskDraft(), ctx.event.text)
        return
    await _prompt(ctx, AskDraft(), edit=False)


@router.on(AskDealer)
async def ask_button(ctx: Context, _code: AskDealer) -> None:
    await _prompt(ctx, AskDraft(), edit=True)


@router.on(WriteAgain)
async def write_again(ctx: Context, code: WriteAgain) -> None:
    await _own_question(ctx, code.question)
    await _prompt(ctx, AskDraft(question=code.question), edit=False)


@router.reask(AskStep.TEXT)
async def reask_question(ctx: Context) -> None:
    await _prompt(ctx, ctx.draft(AskDraft), edit=False)


async def _prompt(ctx: Context, draft: AskDraft, *, edit: bool) -> None:
    found = await _dealer_of(ctx, draft)
    if found is None:
        return
    dealer, _vehicle = found
    if draft.question:
        text = ctx.t._(
            "{tag} · Write your message to {dealer}.",
            tag=thread_tag(draft.question),
            dealer=dealer.name,
        )
    else:
        text = ctx.t._(
            "What would you like to ask {dealer}? Write your question in one message; "
            "their team answers here, in this chat.",
            dealer=dealer.name,
        )
    ctx.enter(AskStep.TEXT, draft)
    ctx.reply(text, [back_to_menu(ctx)], edit=edit)


@router.state(AskStep.TEXT)
async def question_typed(ctx: Context) -> None:
    draft = ctx.draft(AskDraft)
    if ctx.event.kind is not EventKind.TEXT or not ctx.event.text.strip():
        ctx.reply(ctx.t._("Please write your question as a text message."))
        await ctx.flows.reask(ctx)
        return
    await _send(ctx, draft, ctx.event.text)


@router.quote(lambda text: tagged_thread(text) is not None, needs_owner=False, private_only=False)
async def reply_in_thread(ctx: Context) -> None:
    """A reply to one of the bot's messages about a thread: staff answering in their
    chat, or the owner writing back in the private chat."""
    number = tagged_thread(ctx.event.quoted) or 0
    if not ctx.event.is_private:
        await _answer(ctx, number, ctx.event.text)
        return
    if ctx.owner is None:
        return  # not linked (any more): nothing of theirs to write in
    await _send(ctx, AskDraft(question=number), ctx.event.text)


async def _send(ctx: Context, draft: AskDraft, text: str) -> None:
    owner = ctx.owner
    assert owner is not None
    found = await _dealer_of(ctx, draft)
    if found is None:
        return
    dealer, vehicle = found
    try:
        if draft.question:
            question = await questions.follow_up(ctx.uow, owner, draft.question, text, ctx.now)
        else:
            question = await questions.ask(
                ctx.uow,
                owner,
                dealer_code=dealer.code,
                vehicle_id=vehicle.id if vehicle else None,
                locale=ctx.t.code,
                text=text,
                now=ctx.now,
            )
    except TooLong as error:
        _too_long(ctx, error)
        ctx.enter(AskStep.TEXT, draft)
        return
    except UnknownQuestion as error:
        raise NotYours from error
    ctx.clear_state()
    if dealer.staff_chat_id is not None:
        st = market_translator(ctx, dealer.market)
        ctx.to_staff(
            dealer.staff_chat_id,
            _staff_card(ctx, st, question, owner, vehicle, text, first=not draft.question),
            [[button(st.pgettext("button", "✍️ Answer"), AnswerQuestion(question.id or 0))]],
        )
    ctx.reply(
        ctx.t._(
            "{tag} · Sent to {dealer}. You'll get their answer here, in this chat.",
            tag=thread_tag(question.id or 0),
            dealer=dealer.name,
        ),
        [back_to_menu(ctx)],
    )


def _too_long(ctx: Context, error: TooLong) -> None:
    ctx.reply(
        ctx.t._(
            "That is a little long: please keep it under {limit} characters.",
            limit=ctx.t.number(error.limit),
        )
    )


async def _dealer_of(ctx: Context, draft: AskDraft) -> tuple[Dealer, Vehicle | None] | None:
    """The dealer the owner writes to (the thread's, else the one that sold or serves
    their car, else their market's first) and the car it is about; None (and the owner
    told why) when no dealer takes questions in the chat."""
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    vehicles = list(await vehicle_queries.vehicles_of(ctx.uow, owner.id))
    if draft.question:
        question = await _own_question(ctx, draft.question)
        dealer = ctx.reference.dealers.get(question.dealer_code)
        vehicle = next((v for v in vehicles if v.id == question.vehicle_id), None)
    else:
        vehicle = next((v for v in vehicles if v.dealer_code in ctx.reference.dealers), None)
        dealer = ctx.reference.dealers[vehicle.dealer_code or ""] if vehicle else None
        if dealer is None:
            dealer = next(iter(ctx.reference.dealers_in(owner.market)), None)
            vehicle = vehicles[0] if vehicles else None
    if dealer is None or dealer.staff_chat_id is None:
        ctx.clear_state()
        text = (
            ctx.t._(
                "Sorry, {dealer} doesn't answer questions in the chat yet. Please call "
                "them on {phone}.",
                dealer=dealer.name,
                phone=dealer.phone,
            )
            if dealer is not None
            else ctx.t._("Sorry, that is not available to you.")
        )
        ctx.reply(text, [back_to_menu(ctx)])
        return None
    return dealer, vehicle


async def _own_question(ctx: Context, question_id: int) -> DealerQuestion:
    assert ctx.owner is not None
    try:
        return await questions.owners_question(ctx.uow, ctx.owner, question_id)
    except UnknownQuestion as error:
        raise NotYours from error


def _staff_card(
    ctx: Context,
    st: Translator,
    question: DealerQuestion,
    owner: Owner,
    vehicle: Vehicle | None,
    text: str,
    *,
    first: bool,
) -> str:
    tag = thread_tag(question.id or 0)
    name = isolate(owner.full_name)
    if not first:
        head = st._("{tag} · ↩️ {name} writes again:", tag=tag, name=name)
        return f"{head}\n\n{escape(isolate(text))}"
    model = ctx.reference.models.get(vehicle.model) if vehicle else None
    car = "—"
    if vehicle is not None:
        car = model.name if model else vehicle.model
        if vehicle.model_year:
            car = f"{car} ({vehicle.model_year})"
    lines = [
        st._("{tag} · ❓ Question from {name}", tag=tag, name=name),
        st._("🚗 Car: {car}", car=car),
        st._("🌐 Language: {language}", language=st.language(question.locale)),
        "",
        escape(isolate(text)),
        "",
        st._("Reply to this message to answer: the owner reads it in their chat."),
    ]
    return "\n".join(lines)


# --- staff ---------------------------------------------------------------------------------


@router.on(AnswerQuestion, needs_owner=False, private_only=False)
async def answer_button(ctx: Context, code: AnswerQuestion) -> None:
    try:
        await _ask_for_answer(ctx, code.question)
    except NotStaff:
        ctx.toast(ctx.t._("Sorry, only this dealer's staff can answer owners' questions."))
        return
    ctx.enter(AnswerStep.TEXT, AnswerDraft(question=code.question))


@router.reask(AnswerStep.TEXT, needs_owner=False, private_only=False)
async def reask_answer(ctx: Context) -> None:
    try:
        await _ask_for_answer(ctx, ctx.draft(AnswerDraft).question)
    except NotStaff as error:
        raise BadCode("no longer answerable") from error


async def _ask_for_answer(ctx: Context, number: int) -> None:
    """Ask the presser for their answer (NotStaff unless they serve its dealer)."""
    try:
        member, question = await questions.staff_question(
            ctx.uow,
            ctx.reference.dealers,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            question_id=number,
        )
    except UnknownQuestion as error:
        raise BadCode("unknown question") from error
    name = mention(member)
    # Telegram shows a group's messages to bots only when they reply to the bot.
    ctx.screens.append(
        Screen(
            text=ctx.t._(
                "{tag} · {name}, please reply with your answer to the owner.",
                tag=thread_tag(question.id or 0),
                name=name,
            ),
            force_reply=True,
        )
    )


@router.state(AnswerStep.TEXT, needs_owner=False, private_only=False)
async def answer_typed(ctx: Context) -> None:
    draft = ctx.draft(AnswerDraft)
    if ctx.event.kind is not EventKind.TEXT or not ctx.event.text.strip():
        await ctx.flows.reask(ctx)
        return
    await _answer(ctx, draft.question, ctx.event.text)


async def _answer(ctx: Context, number: int, text: str) -> None:
    if not text.strip():
        return
    try:
        done = await questions.answer(
            ctx.uow,
            ctx.reference.dealers,
            channel=ctx.event.channel,
            user_id=ctx.event.user_id,
            question_id=number,
            text=text,
            now=ctx.now,
        )
    except UnknownQuestion:
        ctx.reply(ctx.t._("There is no question {tag}.", tag=thread_tag(number)))
        return
    except NotStaff:
        ctx.reply(ctx.t._("Sorry, only this dealer's staff can answer owners' questions."))
        return
    except TooLong as error:
        _too_long(ctx, error)
        return
    if ctx.in_step(AnswerStep.TEXT):
        ctx.clear_state()
    await _relay_answer(ctx, done.question, done.member.name, text)


async def _relay_answer(ctx: Context, question: DealerQuestion, staff: str, text: str) -> None:
    dealer = ctx.reference.dealers[question.dealer_code]
    st = market_translator(ctx, dealer.market)
    tag = thread_tag(question.id or 0)
    chat = await reach_owner(ctx, question.owner_id)
    if chat is None or chat.chat_id is None:
        ctx.reply(st._("{tag} · ⚠️ The owner can no longer be reached in the chat.", tag=tag))
        return
    t = chat.t
    chat.tell(
        ctx,
        "\n\n".join(
            [
                t._(
                    "{tag} · 💬 {name} at {dealer} answered:",
                    tag=tag,
                    name=isolate(staff),
                    dealer=dealer.name,
                ),
                escape(isolate(text)),
                t._("Reply to this message, or tap the button, to write back."),
            ]
        ),
        _owner_buttons(t, question),
    )
    ctx.reply(
        st._("{tag} · ✅ Answer sent to {name}.", tag=tag, name=isolate(chat.owner.full_name))
    )


def _owner_buttons(t: Translator, question: DealerQuestion) -> list[list[Button]]:
    return [
        [button(t.pgettext("button", "↩️ Write back"), WriteAgain(question.id or 0))],
        [button(t.pgettext("button", "⬅️ Menu"), MainMenu())],
    ]
