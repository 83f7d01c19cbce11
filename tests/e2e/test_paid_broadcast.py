"""OWNERBOT_PAID_BROADCAST: the outbox's sends ask Telegram for the paid broadcast rate
(allow_paid_broadcast, up to 1,000 messages a second) on both runtimes, while the
replies to people's own messages stay on the free rate."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.channels.aiogram_runtime import AiogramPort
from bot.channels.ptb_runtime import PtbPort
from bot.channels.telegram.outbox import TelegramTransport
from bot.channels.telegram.port import TelegramPort
from bot.scheduler.delivery import Outcome
from handlers.types import Screen
from tests.fakes.bot_api import FakeBotAPI

CHAT = 7501
PHOTOS = ("photo-1", "photo-2")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest.fixture(params=["aiogram", "ptb"])
async def port(request: pytest.FixtureRequest, api: FakeBotAPI) -> AsyncIterator[TelegramPort]:
    if request.param == "aiogram":
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        yield AiogramPort(Bot(api.token, session=session))
        await session.close()
    else:
        bot = telegram.Bot(api.token, base_url=f"{api.base_url}/bot")
        await bot.initialize()
        yield PtbPort(bot)
        await bot.shutdown()


def paid_flags(api: FakeBotAPI) -> list[object]:
    return [
        call.params.get("allow_paid_broadcast")
        for call in api.calls
        if call.method in ("sendMessage", "sendMediaGroup")
    ]


async def test_with_paid_broadcast_every_outbox_send_asks_for_the_paid_rate(
    api: FakeBotAPI, port: TelegramPort
) -> None:
    transport = TelegramTransport(port, paid_broadcast=True)
    delivery = await transport.deliver(CHAT, [Screen(text="Your service is due", photos=PHOTOS)])
    assert delivery.outcome is Outcome.SENT
    assert paid_flags(api) == [True, True]
    assert transport.limits.per_second == 1000
    assert (transport.limits.chat_interval, transport.limits.group_per_minute) == (1.0, 20)


async def test_without_it_sends_leave_the_paid_rate_out_and_keep_thirty_a_second(
    api: FakeBotAPI, port: TelegramPort
) -> None:
    TelegramTransport(port, paid_broadcast=True)  # the outbox's copy ...
    await port.send_text(CHAT, "A reply to the owner's own message", None)  # ... not the replies'
    transport = TelegramTransport(port)
    await transport.deliver(CHAT, [Screen(text="Your service is due")])
    assert paid_flags(api) == [None, None]
    assert transport.limits.per_second == 30
