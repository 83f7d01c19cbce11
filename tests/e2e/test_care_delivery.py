"""Care messages through the real aiogram port to the fake Bot API server: 429 waits,
403 marks the owner unreachable, a timeout backs off, and each message arrives once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.app import App
from bot.channels.aiogram_runtime import AiogramPort
from bot.channels.telegram.outbox import TelegramTransport
from bot.clock import FixedClock
from bot.domain.care import OutboxStatus, Rule
from bot.domain.owners import Account
from bot.scheduler.sender import Sender
from bot.services import care
from handlers.care_messages import renderer_for
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.transport import NoLimits

OWNERS = {"+447911123456": 9001, "+77011234567": 9002, "+5511987654321": 9003}


async def link_on_telegram(app: App, at: datetime) -> dict[int, int]:
    """Each owner also has a Telegram chat; returns chat id -> welcome message id."""
    queued: dict[int, int] = {}
    async with app.database.uow() as uow:
        for phone, chat_id in OWNERS.items():
            owner = await uow.owners.by_phone(phone)
            assert owner is not None
            assert owner.id is not None
            uow.accounts.add(
                Account(
                    channel="telegram",
                    user_id=chat_id,
                    chat_id=chat_id,
                    first_seen_at=at,
                    owner_id=owner.id,
                    linked_at=at,
                    language_code="en",
                )
            )
            owner.send_from_hour, owner.send_until_hour = 0, 24
            await care._queue(uow, owner.id, Rule.WELCOME, "e2e", at, {})
        await uow.commit()
        for phone, chat_id in OWNERS.items():
            owner = await uow.owners.by_phone(phone)
            [row] = [m for m in await uow.outbox.of_owner(owner.id) if m.occurrence == "e2e"]
            queued[chat_id] = row.id
    return queued


async def test_care_messages_survive_429_403_and_timeouts_and_arrive_once(
    app: App, api: FakeBotAPI, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    queued = await link_on_telegram(app, clock.now())
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url), timeout=0.5)
    bot = Bot(api.token, session=session)
    sender = Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=TelegramTransport(AiogramPort(bot)),
        limiter=NoLimits(),
        clock=clock,
        render=renderer_for(app.catalogs, app.reference, clock.now),
        concurrency=1,
    )
    api.fail_next("sendMessage", 429, retry_after=3, chat_id=9001)
    api.block(9002)
    api.delay_next("sendMessage", 2.0, chat_id=9003)
    try:
        await sender.run_once()
        clock.advance(timedelta(minutes=5))  # past the 429 wait and the first back-off
        await sender.run_once()
        clock.advance(timedelta(minutes=5))
        await sender.run_once()
    finally:
        await session.close()
    assert len(api.texts_to(9001)) == 1, "429: waited, then delivered once"
    assert len(api.texts_to(9003)) == 1, "a timeout: backed off, then delivered once"
    assert api.texts_to(9002) == []
    async with app.database.uow() as uow:
        statuses = {chat: (await uow.outbox.get(mid)).status for chat, mid in queued.items()}
        blocked = await uow.accounts.by_user("telegram", 9002)
    assert statuses == {9001: OutboxStatus.SENT, 9002: OutboxStatus.FAILED, 9003: OutboxStatus.SENT}
    assert blocked is not None
    assert blocked.unreachable_at is not None
