"""Two outbox senders, each with its own database connections and its own Redis
client, drain one outbox on PostgreSQL (FOR UPDATE SKIP LOCKED) through the fake Bot
API: together they never exceed the bot-wide limit they share through Redis, over any
window, and never send a message twice."""

from __future__ import annotations

import asyncio
import os
import secrets
from datetime import UTC, datetime

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from redis.asyncio import Redis
from sqlalchemy import text

from bot.app import App, build_app
from bot.channels.aiogram_runtime import AiogramPort
from bot.channels.telegram.outbox import TelegramTransport
from bot.clock import SystemClock
from bot.config import Settings
from bot.scheduler.limits import RedisLimiter
from bot.scheduler.sender import Sender
from handlers.care_messages import renderer_for
from tests.fakes.bot_api import FakeBotAPI
from tests.scale_kit import busiest_window, queue_due_messages

REDIS_URL = os.environ.get("OWNERBOT_TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="OWNERBOT_TEST_REDIS_URL is not set")

PER_SECOND = 10  # a small limit keeps the test short; the mechanism is the same at 30
MESSAGES = 45
# The limiter's allowance for the time a call takes to reach the API. Here the fake API
# shares one event loop with both senders, and under a loaded CI run a call can take
# longer than production's 0.1 s to arrive (seen: 11 arrivals within one second).
TRAVEL_MARGIN = 0.3


async def drain(app: App, api: FakeBotAPI, prefix: str) -> None:
    """One sender of its own (engine, Bot API session, Redis client) until nothing is due."""
    redis = Redis.from_url(REDIS_URL)
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url), timeout=10)
    bot = Bot(api.token, session=session)
    sender = Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=TelegramTransport(AiogramPort(bot)),
        limiter=RedisLimiter(redis, prefix, per_second=PER_SECOND, margin=TRAVEL_MARGIN),
        clock=app.clock,
        render=renderer_for(app.catalogs, app.reference, app.clock.now),
        concurrency=4,
        batch=5,  # small claims, so the two senders take turns on the outbox
    )
    try:
        while sum(vars(await sender.run_once()).values()):
            pass
    finally:
        await session.close()
        await redis.aclose()


async def test_two_senders_share_the_limit_through_redis_and_send_each_message_once(
    pg_app: App, pg_database_url: str
) -> None:
    prefix = f"ownerbot:test:{secrets.token_hex(4)}"
    await queue_due_messages(pg_app.database.engine, MESSAGES, 60_000, datetime.now(UTC))
    senders = [build_app(Settings(database_url=pg_database_url), SystemClock()) for _ in range(2)]
    try:
        async with FakeBotAPI() as api:
            await asyncio.gather(*(drain(app, api, prefix) for app in senders))
            sends = api.calls_to("sendMessage")
    finally:
        for app in senders:
            await app.close()
    chats = sorted(call.chat_id or 0 for call in sends)
    assert chats == list(range(60_000, 60_000 + MESSAGES))  # every message once
    assert busiest_window([call.arrived for call in sends], 1.0) <= PER_SECOND
    async with pg_app.database.engine.connect() as connection:
        statuses = await connection.execute(text("SELECT status, count(*) FROM outbox GROUP BY 1"))
        assert dict(statuses.all()) == {"sent": MESSAGES}
