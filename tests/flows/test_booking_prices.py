"""What a booking's card says about the price: "free" for a recall's repair, and a tier's
discount on labour taken off the indicative price (for the owner and for the desk)."""

from __future__ import annotations

from bot.app import App
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_BANGKOK, DEMO_LONDON, linked, sent_to, walk_to_summary

LONDON_STAFF_CHAT = -1001000000701


async def test_a_recall_only_visit_is_free_not_zero_baht_in_thai(
    chat_factory: ChatFactory, app: App
) -> None:
    th = app.catalogs.translator("th", "TH")
    chat: Chat = await linked(chat_factory(user_id=7010, lang="th"), DEMO_BANGKOK)
    await walk_to_summary(chat, {"recall"}, center="TH-BKK-01")
    free = th._("Indicative price: {amount}", amount=th._("free"))
    assert th._("free") != "free"
    assert free in chat.text
    assert "฿0" not in chat.text


async def test_a_companions_discount_on_labour_is_in_the_estimate_for_owner_and_desk(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(user_id=7020, lang="en"), DEMO_LONDON)
    await walk_to_summary(chat, {"maintenance"}, center="GB-LON-01")
    # Oliver's E3: maintenance £149.00, 40% of it labour; a Companion has 5% off labour.
    assert (
        "Indicative price: £149.00, or £146.02 with your tier discount (5% off labour)" in chat.text
    )
    screens = await chat.tap("bk:ok:")
    assert "£146.02 with your tier discount" in screens[0].text
    [desk] = sent_to(screens, LONDON_STAFF_CHAT)
    assert "£146.02 with the owner's tier discount (5% off labour)" in desk.text


async def test_an_explorer_sees_the_plain_price(chat_factory: ChatFactory, app: App) -> None:
    chat: Chat = await linked(chat_factory(user_id=7030, lang="en"), "+447400123456")
    await walk_to_summary(chat, {"inspection"}, center="GB-MAN-01")
    assert "Indicative price: £55.00" in chat.text
    assert "discount" not in chat.text
