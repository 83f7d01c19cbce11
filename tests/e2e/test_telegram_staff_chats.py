"""What flows post to a dealer's staff chat, as the fake Bot API server receives it
from each runtime: the invoice prompt asks for a reply (privacy mode shows a bot only
replies to its own messages), and trade-in photos arrive as an album."""

from __future__ import annotations

from bot.app import App
from bot.domain.booking import BookingStatus
from bot.domain.text import isolate
from handlers.codes.booking_staff import DeskArrived, DeskCompleted, DeskConfirm
from handlers.codes.roadside import TradeInPhotosDone, ValueMyCar
from tests.e2e.conftest import LONDON, Person, RunningBot, book_first_free_slot, markup_of
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser
from tests.flows.helpers import DEMO_LONDON, bookings_of
from tests.staff import make_staff


async def test_the_invoice_prompt_in_the_staff_group_asks_for_a_reply(
    api: FakeBotAPI, bot: RunningBot, app: App, staff_chat: int
) -> None:
    owner = Person(api, TgUser(5030, "Oliver", "en"))
    advisor = Person(api, TgUser(5031, "Tom", "en"), group=TgChat(staff_chat, "London desk"))
    await make_staff(app, advisor.user.id, dealer=LONDON, channel="telegram")
    await book_first_free_slot(owner, DEMO_LONDON)
    await advisor.tap(DeskConfirm)
    await advisor.tap(DeskArrived)
    [prompt] = await advisor.tap(DeskCompleted)

    assert prompt.method == "sendMessage"
    assert "reply with the invoice amount" in prompt.params["text"]
    assert markup_of(prompt) == {"force_reply": True, "selective": True}
    # A selective force reply reaches only the users the text mentions.
    assert '<a href="tg://user?id=5031">' in prompt.params["text"]
    [completed] = await advisor.say("1,234.50")
    assert f"Completed by {isolate('Advisor 5031')}" in completed.params["text"]
    [booking] = await bookings_of(app, DEMO_LONDON)
    assert booking.status == BookingStatus.COMPLETED


async def test_trade_in_photos_reach_the_dealers_staff_chat_as_an_album(
    api: FakeBotAPI, bot: RunningBot, staff_chat: int
) -> None:
    owner = Person(api, TgUser(5032, "Oliver", "en"))
    await owner.command("start")
    await owner.share_contact(DEMO_LONDON)
    await owner.command("menu")
    await owner.tap(ValueMyCar)
    await owner.say("9,500")
    assert "1 photo received" in (await owner.send_photo("front-123"))[0].params["text"]
    assert "2 photos received" in (await owner.send_photo("dash-456"))[0].params["text"]
    await owner.tap(TradeInPhotosDone)

    lead, album = await api.wait_for(
        lambda: api.sent_to(staff_chat)[1:] and api.sent_to(staff_chat)
    )
    assert "Trade-in lead" in lead.params["text"]
    assert "2 photos attached" in lead.params["text"]
    assert album.method == "sendMediaGroup"
    assert album.params["media"] == [
        {"type": "photo", "media": "front-123"},
        {"type": "photo", "media": "dash-456"},
    ]
    posted = [m for (chat, _id), m in api.messages.items() if chat == staff_chat and "photo" in m]
    assert [m["photo"][-1]["file_id"] for m in posted] == ["front-123", "dash-456"]
    assert len({m["media_group_id"] for m in posted}) == 1, "one album"
