"""An owner's story over Telegram, on both runtimes against the fake Bot API server:
the story and its photo reach the London center's staff group, a moderator's Approve
posts both to the owner's club and tells the owner, and a forged press by the owner is
refused."""

from __future__ import annotations

from bot.app import App
from bot.domain.clubs import Club
from bot.domain.staff import Role
from bot.domain.text import isolate
from bot.services.stories import STORY_RULE
from handlers.codes.stories import ApproveStory, StoryAgree, StoryPhotosDone
from tests.conftest import NOW
from tests.e2e.conftest import Person, RunningBot, markup_of
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser
from tests.flows.helpers import DEMO_LONDON
from tests.staff import make_staff

LONDON = "GB-LON-01"
CLUB = TgChat(-1002000000931, "Aurora owners London")
STORY = "Our first trip to the Highlands: 900 miles and not a single worry."


async def a_london_club(app: App) -> None:
    async with app.database.uow() as uow:
        uow.clubs.add(
            Club(
                channel="telegram",
                chat_id=CLUB.id,
                market="GB",
                languages="en",
                linked_by="test",
                linked_at=NOW,
                dealer_code=LONDON,
            )
        )
        await uow.commit()


async def test_an_approved_story_is_posted_with_its_photo_in_the_club(
    api: FakeBotAPI, bot: RunningBot, app: App
) -> None:
    staff_chat = app.reference.dealers[LONDON].staff_chat_id
    assert staff_chat is not None
    await a_london_club(app)
    owner = Person(api, TgUser(5060, "Oliver", "en"))
    moderator = Person(api, TgUser(5061, "Tom", "en"), group=TgChat(staff_chat, "London desk"))
    await make_staff(app, 5061, role=Role.MODERATOR, dealer=LONDON, channel="telegram")
    await owner.command("start")
    await owner.share_contact(DEMO_LONDON)

    await owner.command("story")
    await owner.say(STORY)
    [received] = await owner.send_photo("highlands")
    assert received.params["text"] == "1 photo received. Send more, or tap Done."
    await owner.tap(StoryPhotosDone)
    moderator.mark = len(api.calls)
    [thanks] = await owner.tap(StoryAgree)
    assert thanks.params["text"].startswith("Thank you! A moderator will read your story")
    card, photo = await api.wait_for(lambda: moderator.answered()[1:] and moderator.answered())
    assert card.params["text"].startswith("#S1 · 📸 A story from " + isolate("Oliver Smith"))
    assert photo.method == "sendPhoto"
    assert photo.params["photo"] == "highlands"

    # The owner forges the moderator's button: refused on the button, nothing posted.
    forged = api.press(owner.user, ApproveStory(1).pack(), api.last_message_id(owner.user.id))
    query = forged["callback_query"]["id"]
    await api.wait_for(lambda: query in api.answered)
    await api.settle()
    answers = {c.params["callback_query_id"]: c.params for c in api.calls_to("answerCallbackQuery")}
    assert answers[query]["text"] == "Sorry, only this dealer's moderators can decide on stories."
    assert api.sent_to(CLUB.id) == []

    owner.mark = len(api.calls)
    await moderator.press(ApproveStory(1).pack())
    post, posted_photo = await api.wait_for(
        lambda: api.sent_to(CLUB.id)[1:] and api.sent_to(CLUB.id)
    )
    assert post.params["text"].split("\n\n") == [
        f"📸 A story from {isolate('Oliver')}, who drives an Aurora E3:",
        isolate(STORY),
    ]
    assert posted_photo.params["photo"] == "highlands"
    [told] = await api.wait_for(owner.answered)
    points = app.reference.rules("GB").activity(STORY_RULE).points
    assert told.params["text"] == (
        f"🎉 Your story is published in the owners' club! {points} points are on their way to you."
    )
    edits = [c for c in api.edits_in(staff_chat) if "Approved by" in c.params["text"]]
    assert edits, "the card says who approved it"
    assert not markup_of(edits[-1]).get("inline_keyboard")
