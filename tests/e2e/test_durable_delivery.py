"""What must arrive arrives: a new-booking card for a staff chat that fails with
network errors, a flood wait over a minute and 5xx is written with the booking and
reaches the chat later, exactly once. A 401 pauses the channel without losing it, and
a group that became a supergroup gets its card at the new id."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest

from bot import metrics
from bot.app import App
from bot.clock import FixedClock
from bot.domain.booking import BookingStatus
from bot.domain.care import OutboxStatus
from bot.services.health import CHANNELS
from handlers.codes.booking_staff import DeskConfirm
from tests.e2e.conftest import Person, RunningBot, book_first_free_slot
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser
from tests.flows.helpers import DEMO_LONDON, bookings_of


@pytest.fixture(autouse=True)
def healthy() -> None:
    CHANNELS.clear()


async def book(api: FakeBotAPI, user_id: int) -> list[str]:
    """Oliver books the first free slot in London; what he was told at the end."""
    owner = Person(api, TgUser(user_id, "Oliver", "en"))
    return [c.params.get("text", "") for c in await book_first_free_slot(owner, DEMO_LONDON)]


def cards(api: FakeBotAPI, chat: int) -> list[str]:
    """Booking cards the chat received (accepted by the server)."""
    return [
        c.params["text"]
        for c in api.sent_to(chat)
        if c.ok and c.method == "sendMessage" and DeskConfirm.prefix in str(c.params)
    ]


def refused_as(api: FakeBotAPI, chat: int, statuses: list[int]) -> bool:
    return refused(api, chat) == statuses


def refused(api: FakeBotAPI, chat: int) -> list[int]:
    """The status of each refused send to the chat, in order."""
    return [c.status for c in api.calls_to("sendMessage") if not c.ok and c.chat_id == chat]


async def relay_heard(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until the bot has taken in what the fake server answered. The server records
    a call as it answers it, before the bot reads the answer: moving the clock or
    reading the channel's health in between races the bot (a retry set off the moved
    clock is never due)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        assert loop.time() < deadline, f"the bot did not settle within {within} s"
        await asyncio.sleep(0.02)


async def back_in_line(app: App, chat: int, within: float = 5.0) -> None:
    """The relay has settled the last refused send to `chat`: the message waits to be
    tried again (pending, its lease given back, the failure noted)."""
    settled = False

    async def check() -> None:
        nonlocal settled
        async with app.database.uow() as uow:
            waiting = [m for m in await uow.deliveries.waiting() if m.chat_id == chat]
        settled = bool(waiting) and all(
            m.status is OutboxStatus.PENDING and m.lease_until is None and m.last_error
            for m in waiting
        )

    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    await check()
    while not settled:
        assert loop.time() < deadline, f"the relay did not settle within {within} s"
        await asyncio.sleep(0.02)
        await check()


async def test_a_booking_card_reaches_a_failing_staff_chat_later_exactly_once(
    api: FakeBotAPI, bot: RunningBot, app: App, staff_chat: int
) -> None:
    assert isinstance(app.clock, FixedClock)
    api.fail_next("sendMessage", 502, chat_id=staff_chat, times=2)  # 5xx
    api.fail_next("sendMessage", 429, retry_after=90, chat_id=staff_chat)  # over a minute
    told = await book(api, 5101)
    assert told[0].startswith("✅ Booked! Aurora Park Royal London will confirm your visit")
    [booking] = await bookings_of(app, DEMO_LONDON)
    assert booking.status == BookingStatus.REQUESTED
    for failures in ([502], [502, 502], [502, 502, 429]):
        # each failure puts the card back in line; time moves on
        await api.wait_for(partial(refused_as, api, staff_chat, failures), within=5)
        await back_in_line(app, staff_chat)
        assert cards(api, staff_chat) == []
        app.clock.advance(timedelta(seconds=120))
    await api.wait_for(lambda: cards(api, staff_chat), within=5)
    app.clock.advance(timedelta(hours=2))
    await api.settle(quiet=1.5)  # a relay round passes: nothing goes twice
    [card] = cards(api, staff_chat)
    assert f"Booking #{booking.id}" in card
    assert refused(api, staff_chat) == [502, 502, 429]


async def test_a_refused_token_pauses_the_staff_chat_and_loses_nothing(
    api: FakeBotAPI, bot: RunningBot, app: App, staff_chat: int, runtime: str
) -> None:
    assert isinstance(app.clock, FixedClock)
    api.fail_next("sendMessage", 401, chat_id=staff_chat, times=2)
    await book(api, 5102)
    await api.wait_for(lambda: refused(api, staff_chat) == [401], within=5)
    await back_in_line(app, staff_chat)
    await api.settle(quiet=0.3)  # the owner's own replies are done too
    app.clock.advance(timedelta(minutes=6))  # the pause is over: tried again, refused again
    await api.wait_for(lambda: refused(api, staff_chat) == [401, 401], within=5)
    await back_in_line(app, staff_chat)
    assert CHANNELS.paused("telegram")
    said = {
        "aiogram": "TelegramUnauthorizedError: Telegram server says - Unauthorized",
        "ptb": "InvalidToken: Unauthorized",
    }
    assert CHANNELS.refused == {"telegram": said[runtime]}
    app.clock.advance(timedelta(minutes=1))  # paused: nothing is tried meanwhile
    await api.settle(quiet=1.5)
    assert (refused(api, staff_chat), cards(api, staff_chat)) == ([401, 401], [])
    app.clock.advance(timedelta(minutes=5))  # the token works again
    await api.wait_for(lambda: cards(api, staff_chat), within=5)
    await relay_heard(lambda: not CHANNELS.paused("telegram"))
    app.clock.advance(timedelta(hours=1))
    await api.settle(quiet=1.5)
    assert len(cards(api, staff_chat)) == 1


async def test_a_staff_group_upgraded_to_a_supergroup_gets_the_card_at_its_new_id(
    api: FakeBotAPI, bot: RunningBot, app: App, staff_chat: int
) -> None:
    supergroup = -1009999000111
    api.upgrade_group(staff_chat, supergroup)
    await book(api, 5103)
    await api.wait_for(lambda: cards(api, supergroup), within=5)
    await book_again_sent_to_new_id(api, app, staff_chat, supergroup)


async def book_again_sent_to_new_id(api: FakeBotAPI, app: App, old: int, new: int) -> None:
    """The move is remembered: the next card goes to the new id at once."""
    async with app.database.uow() as uow:
        assert await uow.chat_moves.current("telegram", old) == new
    assert refused(api, old) == [400]
    assert len(cards(api, new)) == 1


async def test_a_group_upgrade_announced_as_an_update_moves_the_staff_chat_before_any_send(
    api: FakeBotAPI, bot: RunningBot, app: App, staff_chat: int
) -> None:
    supergroup = -1009999000222
    api.group_upgraded(TgUser(5104, "Tom", "en"), TgChat(staff_chat, "London desk"), supergroup)

    async def moved() -> int:
        async with app.database.uow() as uow:
            return await uow.chat_moves.current("telegram", staff_chat)

    for _ in range(100):
        if await moved() == supergroup:
            break
        await asyncio.sleep(0.05)
    assert await moved() == supergroup
    await book(api, 5105)
    await api.wait_for(lambda: cards(api, supergroup), within=5)
    assert refused(api, staff_chat) == []
    assert cards(api, staff_chat) == []


async def test_a_reply_that_cannot_be_sent_is_counted_not_silent(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    before = metrics.replies_lost("telegram", "retry_after")
    owner = TgUser(5106, "Oliver", "en")
    api.fail_next("sendMessage", 429, retry_after=120, chat_id=owner.id)  # over a minute
    api.command(owner, "start")
    await api.wait_for(lambda: metrics.replies_lost("telegram", "retry_after") > before, within=5)
    await api.settle(quiet=0.3)
    assert metrics.replies_lost("telegram", "retry_after") == before + 1
