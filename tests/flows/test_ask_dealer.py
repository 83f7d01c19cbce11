"""Ask the dealer: an owner's question reaches their dealer's staff chat, a staff reply
comes back to the owner's chat in the same thread, and the thread is the owner's data."""

from __future__ import annotations

import json

from bot.app import App
from bot.domain.questions import Author
from bot.domain.text import isolate
from bot.i18n import escape
from bot.services.queries.owners import owner_by_phone
from handlers.types import Screen
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, DEMO_SAO_PAULO, linked, translator

DUBAI_STAFF_CHAT = -1001000000201  # AE-DXB-01; its advisor is console user 900201, راشد
SAO_PAULO_STAFF_CHAT = -1001000000401  # BR-SAO-01; its advisor is 900401, Camila
BANGKOK_STAFF_CHAT = -1001000000101  # TH-BKK-01; its advisor is 900101, วิชัย


def staff(app: App, user_id: int, chat_id: int, lang: str = "en") -> Chat:
    return Chat(app, user_id=user_id, lang=lang, group_chat_id=chat_id)


def to_chat(screens: list[Screen], chat_id: int | None) -> list[str]:
    """The texts sent to `chat_id` (None: the chat that spoke)."""
    return [s.text for s in screens if s.chat_id == chat_id]


async def test_an_arabic_question_reaches_the_dubai_staff_chat_and_the_answer_comes_back(
    chat_factory: ChatFactory, app: App
) -> None:
    owner = await linked(chat_factory(lang="ar"), DEMO_DUBAI)  # أحمد المنصوري, Aurora X7
    t = translator("ar", "AE")
    st = translator("ar", "AE")  # the staff chat reads the market's language
    dealer = app.reference.dealers["AE-DXB-01"]
    await owner.say("/menu")
    await owner.tap("ask:home")
    assert owner.html == t._(
        "What would you like to ask {dealer}? Write your question in one message; "
        "their team answers here, in this chat.",
        dealer=dealer.name,
    )
    screens = await owner.say("هل يمكن تغيير الإطارات يوم السبت؟")
    [card] = to_chat(screens, DUBAI_STAFF_CHAT)
    name = isolate("أحمد المنصوري")
    assert card.splitlines()[:3] == [
        st._("{tag} · ❓ Question from {name}", tag="#Q1", name=name),
        st._("🚗 Car: {car}", car="Aurora X7 (2025)"),
        st._("🌐 Language: {language}", language="العربية"),
    ]
    assert escape(isolate("هل يمكن تغيير الإطارات يوم السبت؟")) in card
    assert to_chat(screens, None) == [
        t._(
            "{tag} · Sent to {dealer}. You'll get their answer here, in this chat.",
            tag="#Q1",
            dealer=dealer.name,
        )
    ]

    rashid = staff(app, 900201, DUBAI_STAFF_CHAT, lang="ar")
    screens = await rashid.say("@reply #Q1 نعم، من التاسعة صباحاً")
    [relay] = to_chat(screens, owner.chat_id)
    assert relay.split("\n\n") == [
        t._(
            "{tag} · 💬 {name} at {dealer} answered:",
            tag="#Q1",
            name=isolate("راشد"),
            dealer=dealer.name,
        ),
        escape(isolate("نعم، من التاسعة صباحاً")),
        t._("Reply to this message, or tap the button, to write back."),
    ]
    assert to_chat(screens, None) == [
        st._("{tag} · ✅ Answer sent to {name}.", tag="#Q1", name=name)
    ]

    # The owner replies to the relayed answer: the same thread, at the same dealer.
    owner.receive(screens)
    screens = await owner.say("@reply #Q1 شكراً، سآتي في العاشرة")
    [follow_up] = to_chat(screens, DUBAI_STAFF_CHAT)
    assert follow_up.startswith(st._("{tag} · ↩️ {name} writes again:", tag="#Q1", name=name))

    # Answering with the button: a force reply, then the answer.
    rashid.receive(screens)
    screens = await rashid.tap("ask:ans")
    assert screens[0].force_reply is True
    screens = await rashid.say("ممتاز، بانتظارك")
    assert escape(isolate("ممتاز، بانتظارك")) in to_chat(screens, owner.chat_id)[0]

    async with app.database.uow() as uow:
        question = await uow.questions.get(1)
        assert question is not None
        assert question.first_answer_at == question.asked_at  # the clock stands still here
        said = await uow.questions.messages([1])
        assert [m.author for m in said] == [Author.OWNER, Author.STAFF, Author.OWNER, Author.STAFF]


async def test_staff_of_another_dealer_cannot_answer_and_the_owner_hears_nothing(
    chat_factory: ChatFactory, app: App
) -> None:
    owner = await linked(chat_factory(lang="pt-br"), DEMO_SAO_PAULO)
    screens = await owner.say("/ask Vocês fazem alinhamento?")
    [card] = to_chat(screens, SAO_PAULO_STAFF_CHAT)
    st = translator("pt_BR", "BR")
    assert card.startswith(
        st._("{tag} · ❓ Question from {name}", tag="#Q1", name=isolate("João Silva"))
    )

    intruder = staff(app, 900101, SAO_PAULO_STAFF_CHAT, lang="th")  # Bangkok's advisor
    screens = await intruder.say("@reply #Q1 ไม่ค่ะ")
    assert [s.chat_id for s in screens] == [None]
    assert intruder.text == translator("th", "TH")._(
        "Sorry, only this dealer's staff can answer owners' questions."
    )
    screens = await intruder.press_code("ask:ans:1")
    assert intruder.text == ""
    assert [s.toast for s in screens] == [
        translator("th", "TH")._("Sorry, only this dealer's staff can answer owners' questions.")
    ]


async def test_an_owner_cannot_write_in_someone_elses_thread(
    chat_factory: ChatFactory, app: App
) -> None:
    joao = await linked(chat_factory(5001, lang="pt-br"), DEMO_SAO_PAULO)
    await joao.say("/ask Vocês fazem alinhamento?")
    somchai = await linked(chat_factory(5002, lang="th"), DEMO_BANGKOK)
    screens = await somchai.say("@reply #Q1 สวัสดี")
    assert [s.chat_id for s in screens] == [None]
    assert somchai.text == translator("th", "TH")._("Sorry, that is not available to you.")
    await somchai.press_code("ask:more:1")
    assert somchai.text == translator("th", "TH")._("Sorry, that is not available to you.")
    del app


async def test_the_thread_is_in_mydata_and_forget_erases_what_was_written(
    chat_factory: ChatFactory, app: App
) -> None:
    owner = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await owner.say("/ask เปลี่ยนน้ำมันเครื่องกี่บาท")
    wichai = staff(app, 900101, BANGKOK_STAFF_CHAT, lang="th")
    await wichai.say("@reply #Q1 ประมาณ 3,500 บาท")
    screens = await owner.say("/mydata")
    attachment = screens[0].attachment
    assert attachment is not None
    [thread] = json.loads(attachment.data)["questions_to_the_dealer"]
    assert thread["dealer"] == "TH-BKK-01"
    assert [(m["from"], m["text"]) for m in thread["messages"]] == [
        ("owner", "เปลี่ยนน้ำมันเครื่องกี่บาท"),
        ("staff", "ประมาณ 3,500 บาท"),
    ]
    async with app.database.uow() as uow:
        found = await owner_by_phone(uow, DEMO_BANGKOK)
        assert found is not None
        owner_id = found.id
    await owner.say("/forget")
    await owner.tap("priv:erase")
    async with app.database.uow() as uow:
        [question] = await uow.questions.of_owner(owner_id or 0)
        assert question.first_answer_at is not None, "kept for the response times"
        assert list(await uow.questions.messages([question.id or 0])) == []


async def test_a_question_too_long_is_refused_and_the_prompt_stays(
    chat_factory: ChatFactory,
) -> None:
    owner = await linked(chat_factory(lang="en"), DEMO_SAO_PAULO)
    await owner.say("/ask")
    await owner.say("x" * 1501)
    assert owner.text == "That is a little long: please keep it under 1,500 characters."
    screens = await owner.say("Do you align wheels?")
    assert len(to_chat(screens, SAO_PAULO_STAFF_CHAT)) == 1


async def test_the_kpi_report_gives_each_dealer_its_median_first_response(
    chat_factory: ChatFactory, app: App
) -> None:
    from datetime import timedelta

    from bot.clock import FixedClock
    from bot.services import kpi
    from bot.services.kpi import DealerResponses

    clock = app.clock
    assert isinstance(clock, FixedClock)
    owner = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    wichai = staff(app, 900101, BANGKOK_STAFF_CHAT, lang="th")
    for minutes in (10, 50, 20):
        await owner.say("/ask มีคำถามค่ะ")
        clock.set(clock.now() + timedelta(minutes=minutes))
    await wichai.say("@reply #Q1 ได้ครับ")  # 80 minutes after it was asked
    await wichai.say("@reply #Q2 ได้ครับ")  # 70 minutes
    await wichai.say("@reply #Q2 อีกอย่าง")  # a second answer: not a first response
    async with app.database.uow() as uow:
        report = await kpi.report(uow, app.reference, market="TH", now=clock.now())
    assert report.questions == [DealerResponses("TH-BKK-01", 3, 2, 75)]
