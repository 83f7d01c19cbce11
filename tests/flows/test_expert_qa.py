"""Ask the expert: a moderator opens a session in a club, an owner sends a question
ahead in the private chat, a moderator picks it and writes the answer in the staff
chat, and the digest goes to the club in each of its languages while the asker is told
in theirs. In Arabic and English, and Portuguese."""

from __future__ import annotations

from datetime import date

from bot.app import App
from bot.domain.staff import Role
from bot.domain.stories import ExpertQuestionStatus, SessionStatus
from bot.domain.text import isolate
from bot.i18n import escape
from handlers.codes.stories import AskExpert, PickQuestion, PostDigest
from handlers.types import Screen
from tests.conftest import NOW, Chat, ChatFactory
from tests.flows.helpers import DEMO_DUBAI, DEMO_SAO_PAULO, linked, translator
from tests.flows.test_clubs import DUBAI_CLUB, link_x7_club
from tests.staff import make_staff

DUBAI_STAFF_CHAT = -1001000000201
QUESTION = "هل أحتاج إطارات شتوية لرحلة إلى جبل جيس؟"
ANSWER = "Not in the UAE: all-season tyres are enough."


def sent_to(screens: list[Screen], chat_id: int | None) -> list[str]:
    return [s.text for s in screens if s.chat_id == chat_id]


async def an_arabic_and_english_club(app: App) -> Chat:
    await link_x7_club(app, DUBAI_CLUB, 9201, "AE-DXB-01", "ar")
    async with app.database.uow() as uow:
        club = await uow.clubs.in_chat("console", DUBAI_CLUB)
        assert club is not None
        club.languages = "ar,en"
        await uow.commit()
    return Chat(app, user_id=9201, lang="en", group_chat_id=DUBAI_CLUB)


async def test_a_question_is_picked_answered_and_posted_as_a_digest_in_arabic_and_english(
    app: App, chat_factory: ChatFactory
) -> None:
    ar, en = translator("ar", "AE"), translator("en", "AE")
    in_club = await an_arabic_and_english_club(app)
    await in_club.say("/expert_open 2027-01-20 | Dr. Sami Haddad | Tyres for the desert")
    assert in_club.html == ar._(
        "🎓 Ask the expert: {topic}, with {expert}, on {date}. Send your questions ahead "
        "with /expert in our private chat.",
        topic=isolate("Tyres for the desert"),
        expert=isolate("Dr. Sami Haddad"),
        date=ar.date(date(2027, 1, 20), "long"),
    )

    owner = await linked(chat_factory(lang="ar"), DEMO_DUBAI)
    await owner.say("/expert")
    assert owner.codes("exp:ask") == ["exp:ask:1"]
    await owner.tap("exp:ask")
    await owner.say("@location 25.1,55.2")  # not a question
    assert ar._("Please write your question as a text message.") in owner.text
    screens = await owner.say(QUESTION)
    [card] = [s for s in screens if s.chat_id == DUBAI_STAFF_CHAT]
    assert card.text.splitlines()[0] == ar._(
        "{tag} · 🎓 A question for {expert} ({topic}) from {name}",
        tag="#E1",
        expert=isolate("Dr. Sami Haddad"),
        topic=isolate("Tyres for the desert"),
        name=isolate("أحمد المنصوري"),
    )
    assert sent_to(screens, None) == [
        ar._(
            "Thank you! Your question is in. If it is picked, you'll get {expert}'s answer here.",
            expert=isolate("Dr. Sami Haddad"),
        )
    ]

    moderator = Chat(app, user_id=9201, lang="en", group_chat_id=DUBAI_STAFF_CHAT)
    moderator.receive(screens)
    await moderator.tap("exp:pick")
    assert moderator.html == en._(
        "{tag} · 📌 Picked by {name}.", tag="#E1", name=isolate("Moderator 9201")
    )
    screens = await moderator.tap("exp:ans")
    assert screens[0].force_reply
    await moderator.say(ANSWER)
    assert moderator.html == en._("{tag} · ✅ Answer saved.", tag="#E1")
    await owner.press_code(AskExpert(1))  # a second question, sent after the digest
    screens = await moderator.tap("exp:post")
    digest = [
        t._(
            "🎓 Ask the expert: {topic}. {expert} answers your questions.",
            topic=isolate("Tyres for the desert"),
            expert=isolate("Dr. Sami Haddad"),
        )
        + "\n\n❓ "
        + escape(isolate(QUESTION))
        + "\n💬 "
        + escape(isolate(ANSWER))
        for t in (ar, en)
    ]
    assert sent_to(screens, DUBAI_CLUB) == digest
    [told] = sent_to(screens, owner.chat_id)
    assert told.startswith(
        ar._(
            "🎓 {expert} answered your question about {topic}:",
            expert=isolate("Dr. Sami Haddad"),
            topic=isolate("Tyres for the desert"),
        )
    )
    assert sent_to(screens, None) == [
        en.ngettext(
            "📣 The digest is posted in the club, and {n} asker was told.",
            "📣 The digest is posted in the club, and {n} askers were told.",
            1,
        )
    ]
    # Posted once: a second press says so, and the session takes no more questions.
    await owner.say("وماذا عن الإطارات الرملية؟")
    assert owner.html == ar._("There is no open session with an expert in your clubs right now.")
    screens = await moderator.press_code(PostDigest(1))
    assert [s.toast for s in screens] == [en._("This session's digest was posted already.")]
    await owner.say("/expert")
    assert owner.html == ar._("There is no open session with an expert in your clubs right now.")
    async with app.database.uow() as uow:
        session = await uow.expert_sessions.get(1)
        assert session is not None
        assert session.status is SessionStatus.POSTED
        [question] = await uow.expert_questions.of_session(1)
        assert (question.status, question.answer) == (ExpertQuestionStatus.ANSWERED, ANSWER)


async def test_strangers_and_forged_codes_are_refused(app: App, chat_factory: ChatFactory) -> None:
    en = translator("en", "AE")
    in_club = await an_arabic_and_english_club(app)
    outsider = Chat(app, user_id=9555, lang="en", group_chat_id=DUBAI_CLUB)
    await outsider.say("/expert_open 2027-01-20 | Me | Anything")
    assert outsider.html == en._("Sorry, only moderators of this club's country can do this.")
    await in_club.say("/expert_open next week | Dr. Sami")
    assert in_club.html == en._(
        "Give the date, the expert's name and the topic, for example: {example}",
        example="/expert_open 2027-01-20 | Dr. Sami Haddad | Winter tyres",
    )
    await in_club.say("/expert_open 2027-01-20 | Dr. Sami Haddad | Tyres")
    owner = await linked(chat_factory(lang="ar"), DEMO_DUBAI)
    await owner.say("/expert")
    await owner.tap("exp:ask")
    await owner.say(QUESTION)

    # A Brazilian owner: the Dubai club's session is not his to ask in.
    pt = translator("pt_BR", "BR")
    brazil = await linked(Chat(app, user_id=5401, lang="pt-BR"), DEMO_SAO_PAULO)
    await brazil.say("/expert")
    assert brazil.html == pt._("There is no open session with an expert in your clubs right now.")
    screens = await brazil.press_code(AskExpert(1))
    assert [s.toast for s in screens] == [pt._("This button is no longer valid.")]
    # The owner forges the moderators' buttons; a Bangkok moderator presses in Dubai.
    ar = translator("ar", "AE")
    screens = await owner.press_code(PickQuestion(1))
    assert [s.toast for s in screens] == [
        ar._("Sorry, only moderators of this club's country can do this.")
    ]
    await make_staff(app, 9102, role=Role.MODERATOR, dealer="TH-BKK-01", at=NOW)
    bangkok = Chat(app, user_id=9102, lang="en", group_chat_id=DUBAI_STAFF_CHAT)
    screens = await bangkok.press_code(PostDigest(1))
    assert [s.toast for s in screens] == [
        en._("Sorry, only moderators of this club's country can do this.")
    ]
    # Nothing answered yet: no digest.
    moderator = Chat(app, user_id=9201, lang="en", group_chat_id=DUBAI_STAFF_CHAT)
    screens = await moderator.press_code(PostDigest(1))
    assert [s.toast for s in screens] == [en._("No answers yet: answer a question first.")]
    async with app.database.uow() as uow:
        [question] = await uow.expert_questions.of_session(1)
        assert question.status is ExpertQuestionStatus.ASKED
