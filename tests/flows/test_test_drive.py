"""The trade-in suggestion's test-drive offer reaches the dealer's sales staff."""

from __future__ import annotations

from bot.app import App
from handlers.codes.test_drive import AskTestDrive
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import linked


async def test_a_test_drive_request_reaches_the_dealer_with_the_tier_priority(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), "+4915112345678")  # Lukas, Co-creator
    await chat.press_code(AskTestDrive())  # from the trade-in suggestion
    assert "Which model would you like to try?" in chat.text
    screens = await chat.press("Aurora E3")
    staff_chat = app.reference.dealers["DE-BER-01"].staff_chat_id
    [lead] = [s for s in screens if s.chat_id == staff_chat]
    assert "Aurora E3" in lead.text
    assert "+4915112345678" in lead.text
    assert "Vorrang bei Probefahrten" in lead.text, "the staff chat reads the market's language"
    assert "will call you" in chat.text
