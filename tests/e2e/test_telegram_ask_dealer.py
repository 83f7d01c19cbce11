"""Ask the dealer over Telegram, on both runtimes against the fake Bot API server: the
question reaches the dealer's staff group, a staff member's reply to that card reaches
the owner's private chat, and the owner's reply to it goes back in the same thread."""

from __future__ import annotations

from bot.app import App
from bot.domain.text import isolate
from tests.e2e.conftest import Person, RunningBot
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser
from tests.flows.helpers import DEMO_LONDON
from tests.staff import make_staff

LONDON = "GB-LON-01"


async def test_a_staff_reply_to_the_card_reaches_the_owner_and_the_thread_goes_on(
    api: FakeBotAPI, bot: RunningBot, app: App
) -> None:
    staff_chat = app.reference.dealers[LONDON].staff_chat_id
    assert staff_chat is not None
    owner = Person(api, TgUser(5040, "Oliver", "en"))
    advisor = Person(api, TgUser(5041, "Tom", "en"), group=TgChat(staff_chat, "London desk"))
    await make_staff(app, advisor.user.id, dealer=LONDON, channel="telegram")
    await owner.command("start")
    await owner.share_contact(DEMO_LONDON)

    [sent] = await owner.command("ask", "Is the E3 winter tyre set in stock?")
    assert sent.params["text"].startswith("#Q1 · Sent to Aurora Park Royal London.")
    [card] = await api.wait_for(lambda: api.sent_to(staff_chat))
    assert card.params["text"].startswith("#Q1 · ❓ Question from")
    card_id = api.last_message_id(staff_chat)

    # Not staff: a reply to the card is refused and reaches no one.
    stranger = Person(api, TgUser(5042, "Sam", "en"), group=TgChat(staff_chat, "London desk"))
    [refused] = await stranger.say("Ask me instead", reply_to=card_id)
    assert refused.params["text"] == (
        "Sorry, only this dealer's staff can answer owners' questions."
    )

    owner.mark = len(api.calls)
    [confirmed] = await advisor.say("Yes, we have two sets.", reply_to=card_id)
    assert confirmed.params["text"] == "#Q1 · ✅ Answer sent to " + isolate("Oliver Smith") + "."
    [relay] = await api.wait_for(owner.answered)  # another chat's: it may come after
    assert relay.params["text"].split("\n\n") == [
        f"#Q1 · 💬 {isolate('Advisor 5041')} at Aurora Park Royal London answered:",
        isolate("Yes, we have two sets."),
        "Reply to this message, or tap the button, to write back.",
    ]

    advisor.mark = len(api.calls)
    relay_id = api.last_message_id(owner.user.id)
    await owner.say("Great, please keep one for me.", reply_to=relay_id)
    [again] = await api.wait_for(advisor.answered)
    assert again.params["text"].startswith("#Q1 · ↩️ " + isolate("Oliver Smith") + " writes again:")
    assert isolate("Great, please keep one for me.") in again.params["text"]
