"""A recommended friend's dealer list starts with the dealer nearest the owner's own (we
keep no one's location; the dealer the owner uses is where they live and drive)."""

from __future__ import annotations

from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import linked

DEMO_MANCHESTER = "+447400123456"  # Emma: her car is from Manchester
DEMO_LONDON = "+447911123456"  # Oliver: his car is from London


async def dealers_offered(chat: Chat) -> list[str]:
    await chat.say("/refer")
    await chat.tap("ref:new")
    await chat.say("Sam Taylor")
    await chat.say("07911 223344")
    await chat.tap("ref:nomodel")
    return [c.removeprefix("ref:dealer:") for c in chat.codes("ref:dealer:")]


async def test_an_owner_in_manchester_sees_manchester_first(chat_factory: ChatFactory) -> None:
    chat: Chat = await linked(chat_factory(user_id=7310, lang="en"), DEMO_MANCHESTER)
    assert await dealers_offered(chat) == ["GB-MAN-01", "GB-LON-01"]


async def test_an_owner_in_london_sees_london_first(chat_factory: ChatFactory) -> None:
    chat: Chat = await linked(chat_factory(user_id=7320, lang="en"), DEMO_LONDON)
    assert await dealers_offered(chat) == ["GB-LON-01", "GB-MAN-01"]
