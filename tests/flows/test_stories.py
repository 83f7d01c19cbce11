"""Owners' stories: an owner writes one with photos and agrees to publication, a
moderator of their dealer approves it in the staff chat (posted to the owner's club,
the adopted-content points paid once) or declines it, and the owner is told in their
language. In Arabic, Portuguese and Thai."""

from __future__ import annotations

import json

from bot.app import App
from bot.domain.staff import Role
from bot.domain.stories import StoryStatus
from bot.domain.text import isolate
from bot.i18n import escape
from bot.services.stories import STORY_RULE
from handlers.codes.stories import ApproveStory
from handlers.types import Screen
from tests.conftest import NOW, Chat, ChatFactory
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, DEMO_SAO_PAULO, linked, translator
from tests.flows.test_clubs import DUBAI_CLUB, link_x7_club
from tests.staff import make_staff

DUBAI_STAFF_CHAT = -1001000000201  # AE-DXB-01
SAO_PAULO_STAFF_CHAT = -1001000000401  # BR-SAO-01
STORY_AR = "رحلة رائعة إلى جبل جيس مع نادي الملاك!"


def sent_to(screens: list[Screen], chat_id: int | None) -> list[Screen]:
    return [s for s in screens if s.chat_id == chat_id]


async def story_sent(owner: Chat, text: str, photos: tuple[str, ...] = ()) -> list[Screen]:
    """/story, the text, the photos, Done (unless the photos filled it), agree."""
    await owner.say("/story")
    await owner.say(text)
    for photo in photos:
        await owner.say(f"@photo {photo}")
    if owner.codes("sty:done"):
        await owner.tap("sty:done")
    return await owner.tap("sty:ok")


async def test_an_arabic_story_is_approved_posted_in_the_club_and_pays_its_points_once(
    app: App, chat_factory: ChatFactory
) -> None:
    ar = translator("ar", "AE")
    await link_x7_club(app, DUBAI_CLUB, 9201, "AE-DXB-01", "ar")
    owner = await linked(chat_factory(lang="ar"), DEMO_DUBAI)  # أحمد, an Aurora X7
    await owner.say("/story")
    assert owner.html == ar._(
        "📸 Tell the owners' club your story: a trip, a tip, a moment with your car. "
        "Write it in one message (up to {limit} characters); you can add photos next.",
        limit=ar.number(1500),
    )
    await owner.say(STORY_AR)
    assert owner.html == ar.ngettext(
        "Add up to {n} photo now, or tap Done.", "Add up to {n} photos now, or tap Done.", 3
    )
    await owner.say("@photo dunes.jpg")
    assert owner.html == ar.ngettext(
        "{n} photo received. Send more, or tap Done.",
        "{n} photos received. Send more, or tap Done.",
        1,
    )
    await owner.tap("sty:done")
    assert escape(isolate(STORY_AR)) in owner.html
    assert (
        ar._(
            "May we publish it in the owners' club with your first name? "
            "A moderator reads it first."
        )
        in owner.html
    )
    screens = await owner.tap("sty:ok")
    [card] = sent_to(screens, DUBAI_STAFF_CHAT)
    assert card.text.splitlines()[0] == ar._(
        "{tag} · 📸 A story from {name}", tag="#S1", name=isolate("أحمد المنصوري")
    )
    assert ar._("✅ The owner agreed to publication.") in card.text
    assert card.photos == ("dunes.jpg",)
    assert [b.code for b in card.buttons[0]] == ["sty:appr:1", "sty:decl:1"]
    assert [s.text for s in sent_to(screens, None)] == [
        ar._(
            "Thank you! A moderator will read your story, and I'll tell you here when it is "
            "published."
        )
    ]

    moderator = Chat(app, user_id=9201, lang="ar", group_chat_id=DUBAI_STAFF_CHAT)
    moderator.receive(screens)
    screens = await moderator.tap("sty:appr")
    [post] = sent_to(screens, DUBAI_CLUB)
    assert post.text.split("\n\n") == [
        ar._(
            "📸 A story from {name}, who drives an {model}:",
            name=isolate("أحمد"),
            model="Aurora X7",
        ),
        escape(isolate(STORY_AR)),
    ]
    assert post.photos == ("dunes.jpg",)
    points = app.reference.rules("AE").activity(STORY_RULE).points
    [told] = sent_to(screens, owner.chat_id)
    assert told.text == ar.ngettext(
        "🎉 Your story is published in the owners' club! {n} point is on its way to you.",
        "🎉 Your story is published in the owners' club! {n} points are on their way to you.",
        points,
    )
    [card] = sent_to(screens, None)
    assert card.edit
    assert card.text.endswith(
        ar._("✅ Approved by {name} and posted in the club.", name=isolate("Moderator 9201"))
    )
    assert card.buttons == ()

    # A second press (a double tap, or another moderator): refused politely, paid once.
    screens = await moderator.press_code(ApproveStory(1))
    assert [s.toast for s in screens] == [ar._("This story was approved already.")]
    async with app.database.uow() as uow:
        story = await uow.stories.get(1)
        assert story is not None
        assert story.status is StoryStatus.APPROVED
        club = await uow.clubs.in_chat("console", DUBAI_CLUB)
        assert club is not None
        assert story.club_id == club.id
        lots = await uow.point_lots.of_owner(story.owner_id)
        assert [
            (lot.source, lot.source_id, lot.points) for lot in lots if lot.rule == STORY_RULE
        ] == [("story", "1", points)]


async def test_no_club_is_said_to_the_moderator_and_a_decline_is_told_kindly_in_portuguese(
    app: App, chat_factory: ChatFactory
) -> None:
    pt = translator("pt_BR", "BR")
    await make_staff(app, 9401, role=Role.MODERATOR, dealer="BR-SAO-01", at=NOW)
    owner = await linked(chat_factory(lang="pt-BR"), DEMO_SAO_PAULO)
    screens = await story_sent(owner, "Viagem incrível até a serra com o meu S5.")
    [card] = sent_to(screens, SAO_PAULO_STAFF_CHAT)
    assert card.photos == ()
    assert pt._("No photos.") not in card.text

    moderator = Chat(app, user_id=9401, lang="pt-BR", group_chat_id=SAO_PAULO_STAFF_CHAT)
    moderator.receive(screens)
    screens = await moderator.tap("sty:appr")
    assert [s.text for s in screens] == [
        pt._(
            "{tag} · There is no linked club for this owner's country and car yet. Link one "
            "with /link in its group, then approve again.",
            tag="#S1",
        )
    ]
    moderator.receive([card])
    screens = await moderator.tap("sty:decl")
    [told] = sent_to(screens, owner.chat_id)
    assert told.text == pt._(
        "Thank you for your story! This time the moderators decided not to publish it in "
        "the club. We would love to read your next one."
    )
    assert sent_to(screens, None)[0].text.endswith(
        pt._("✖️ Declined by {name}.", name=isolate("Moderator 9401"))
    )
    screens = await moderator.press_code(ApproveStory(1))
    assert [s.toast for s in screens] == [pt._("This story was declined already.")]
    async with app.database.uow() as uow:
        story = await uow.stories.get(1)
        assert story is not None
        assert story.status is StoryStatus.DECLINED
        lots = await uow.point_lots.of_owner(story.owner_id)
        assert [lot for lot in lots if lot.rule == STORY_RULE] == []


async def test_forged_and_foreign_presses_are_refused_and_decide_nothing(
    app: App, chat_factory: ChatFactory
) -> None:
    await link_x7_club(app, DUBAI_CLUB, 9201, "AE-DXB-01", "ar")
    owner = await linked(chat_factory(lang="ar"), DEMO_DUBAI)
    await story_sent(owner, STORY_AR)
    en = translator("en", "AE")
    refusal = en._("Sorry, only this dealer's moderators can decide on stories.")

    # The owner forges the moderator's button in the private chat.
    screens = await owner.press_code(ApproveStory(1))
    assert [s.toast for s in screens] == [
        translator("ar", "AE")._("Sorry, only this dealer's moderators can decide on stories.")
    ]
    # An advisor of the same dealer: staff, but no moderator.
    await make_staff(app, 9202, role=Role.ADVISOR, dealer="AE-DXB-01", at=NOW)
    advisor = Chat(app, user_id=9202, lang="en", group_chat_id=DUBAI_STAFF_CHAT)
    assert [s.toast for s in await advisor.press_code(ApproveStory(1))] == [refusal]
    # A moderator of another dealer, pressing in the Dubai chat.
    await make_staff(app, 9102, role=Role.MODERATOR, dealer="TH-BKK-01", at=NOW)
    bangkok = Chat(app, user_id=9102, lang="en", group_chat_id=DUBAI_STAFF_CHAT)
    assert [s.toast for s in await bangkok.press_code("sty:decl:1")] == [refusal]
    # Malformed and unknown stories.
    assert [s.toast for s in await bangkok.press_code("sty:appr:x")] == [
        en._("This button is no longer valid.")
    ]
    moderator = Chat(app, user_id=9201, lang="en", group_chat_id=DUBAI_STAFF_CHAT)
    assert [s.toast for s in await moderator.press_code(ApproveStory(99))] == [
        en._("This button is no longer valid.")
    ]
    async with app.database.uow() as uow:
        story = await uow.stories.get(1)
        assert story is not None
        assert story.status is StoryStatus.SUBMITTED


async def test_a_thai_story_survives_a_language_change_and_another_command(
    chat_factory: ChatFactory,
) -> None:
    th, en = translator("th", "TH"), translator("en", "TH")
    owner = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await owner.say("/story")
    await owner.say("@location 13.75,100.50")  # not a story
    assert th._("Please write your story as a text message.") in owner.text
    await owner.say("ก" * 1501)
    assert owner.html == th._(
        "That is a little long: please keep it under {limit} characters.",
        limit=th.number(1500),
    )
    await owner.say("ทริปเชียงใหม่สุดประทับใจ")
    await owner.say("@photo a.jpg")
    await owner.say("/language")
    await owner.tap("lang:set:en")
    assert (
        en.ngettext(
            "{n} photo received. Send more, or tap Done.",
            "{n} photos received. Send more, or tap Done.",
            1,
        )
        in owner.html
    )
    await owner.say("/points")  # asks before leaving the story
    assert owner.codes("draft:resume")
    await owner.tap("draft:resume")
    await owner.say("@photo b.jpg")
    await owner.say("done")  # "Done", typed
    assert en._("Here is your story:") in owner.html
    assert en.ngettext("{n} photo attached.", "{n} photos attached.", 2) in owner.html
    screens = await owner.tap("sty:ok")
    [card] = sent_to(screens, -1001000000101)  # TH-BKK-01's staff chat
    assert card.photos == ("a.jpg", "b.jpg")
    assert escape(isolate("ทริปเชียงใหม่สุดประทับใจ")) in card.text


async def test_stories_are_in_mydata_and_forget_erases_them(
    app: App, chat_factory: ChatFactory
) -> None:
    owner = await linked(chat_factory(lang="pt-BR"), DEMO_SAO_PAULO)
    await story_sent(owner, "Minha história", ("p.jpg",))
    await owner.say("/mydata")
    [export] = [s.attachment for s in owner.screens if s.attachment is not None]
    [story] = json.loads(export.data)["stories"]
    assert (story["text"], story["photos"], story["status"]) == ("Minha história", 1, "submitted")
    await owner.say("/forget")
    await owner.tap("priv:erase")
    async with app.database.uow() as uow:
        found = await uow.stories.get(1)
    assert found is None


async def test_a_hebrew_story_declined_in_tel_aviv_is_told_kindly_in_hebrew(
    app: App, chat_factory: ChatFactory
) -> None:
    he = translator("he", "IL")
    tlv_staff_chat = app.reference.dealers["IL-TLV-01"].staff_chat_id
    await make_staff(app, 9721, role=Role.MODERATOR, dealer="IL-TLV-01", at=NOW)
    owner = await linked(chat_factory(user_id=5721, lang="he"), "+972528765432")  # נועה, E3
    await owner.say("/story")
    await owner.say("@photo sea.jpg")  # a photo with no caption: kept, the text next
    assert owner.html == he._("Photo kept. Now write your story in a message.")
    await owner.say("נסענו עם ה־E3 לאילת!")
    assert owner.html == he.ngettext(
        "{n} photo received. Send more, or tap Done.",
        "{n} photos received. Send more, or tap Done.",
        1,
    )
    await owner.say("סיום")  # "Done", typed
    assert he._("Here is your story:") in owner.html
    screens = await owner.tap("sty:ok")
    [card] = sent_to(screens, tlv_staff_chat)
    assert card.text.splitlines()[0] == he._(
        "{tag} · 📸 A story from {name}", tag="#S1", name=isolate("נועה לוי")
    )
    moderator = Chat(app, user_id=9721, lang="he", group_chat_id=tlv_staff_chat)
    moderator.receive(screens)
    screens = await moderator.tap("sty:decl")
    [told] = sent_to(screens, owner.chat_id)
    assert told.text == he._(
        "Thank you for your story! This time the moderators decided not to publish it in "
        "the club. We would love to read your next one."
    )
