"""The outbox sender's achieved rate against Telegram's limit (30 messages/s), through
the aiogram port to the fake Bot API server, which adds latency to every call.
Run via bench/care.py (or directly: `python bench/care_send.py [--send N]`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import insert

from bot.app import build_app, prepare_database
from bot.channels.aiogram_runtime import AiogramPort
from bot.channels.telegram.outbox import TelegramTransport
from bot.clock import SystemClock
from bot.config import Settings
from bot.scheduler.limits import GLOBAL_PER_SECOND, InProcessLimiter
from bot.scheduler.sender import Sender
from handlers.care_messages import renderer_for
from storage import tables
from tests.fakes.bot_api import FakeBotAPI


async def bench_sending(
    url: str, messages: int, latency_ms: int, concurrency: int | None = None
) -> None:
    concurrency = concurrency or Settings().sender_concurrency
    app = build_app(Settings(database_url=url, care_scheduler=False), SystemClock())
    await prepare_database(app, seed_demo_if_empty=True)
    now = datetime.now(UTC)
    # One owner per message, each with a Telegram chat: the per-chat limit (1/s) never
    # binds, so the figure is the bot-wide rate.
    async with app.database.engine.begin() as connection:
        owners = [
            {
                "id": 50_000 + n,
                "market": "GB",
                "first_name": "Bench",
                "last_name": "",
                "phone": f"+4479{n:08d}",
                "consent_service": True,
                "consent_marketing": True,
                "send_from_hour": 0,
                "send_until_hour": 24,
                "source": "import",  # OwnerSource.IMPORT, as a dealer export
                "created_at": now,
            }
            for n in range(messages)
        ]
        await connection.execute(insert(tables.owners), owners)
        await connection.execute(
            insert(tables.accounts),
            [
                {
                    "channel": "telegram",
                    "user_id": row["id"],
                    "chat_id": row["id"],
                    "owner_id": row["id"],
                    "language_code": "en",
                    "start_payload": "",
                    "first_seen_at": now,
                    "linked_at": now,
                }
                for row in owners
            ],
        )
        await connection.execute(
            insert(tables.outbox),
            [
                {
                    "owner_id": row["id"],
                    "rule": "welcome",
                    "occurrence": "bench",
                    "category": "service",
                    "due_at": now,
                    "payload": {},
                    "status": "pending",
                    "attempts": 0,
                    "last_error": "",
                    "created_at": now,
                }
                for row in owners
            ],
        )
    async with FakeBotAPI(latency=latency_ms / 1000, record=True) as api:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url), timeout=10)
        bot = Bot(api.token, session=session)
        sender = Sender(
            uow_factory=app.database.uow,
            reference=app.reference,
            transport=TelegramTransport(AiogramPort(bot)),
            limiter=InProcessLimiter(),
            clock=app.clock,
            render=renderer_for(app.catalogs, app.reference, app.clock.now),
            concurrency=concurrency,
            batch=100,
        )
        started = time.perf_counter()
        while True:
            report = await sender.run_once()
            if not sum(vars(report).values()):
                break
        elapsed = time.perf_counter() - started
        await session.close()
        sends = api.calls_to("sendMessage")
        chats = [call.chat_id for call in sends]
    duplicates = len(chats) - len(set(chats))
    rate = len(sends) / elapsed
    print(
        f"[sender] {len(sends):,} messages in {elapsed:.1f} s with {latency_ms} ms API latency, "
        f"concurrency {concurrency}: {rate:.1f}/s against a limit of {GLOBAL_PER_SECOND}/s "
        f"({rate / GLOBAL_PER_SECOND:.0%}); duplicates: {duplicates}"
    )
    await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--send", type=int, default=600)
    parser.add_argument("--latency-ms", type=int, default=40)
    parser.add_argument(
        "--concurrency", type=int, default=None, help="default: OWNERBOT_SENDER_CONCURRENCY"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await bench_sending(
            f"sqlite+aiosqlite:///{folder}/send.db", args.send, args.latency_ms, args.concurrency
        )


if __name__ == "__main__":
    asyncio.run(main())
