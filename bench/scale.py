"""Several workers and several senders on PostgreSQL and Redis, against the fake Bot API
running in its own process (`python -m tests.fakes.bot_api`).

- updates: `ownerbot run --workers N` (N = 1, 2, 4 on one port, SO_REUSEPORT) takes
  rounds of /help from many chats posted to its webhook (a new connection each, so the
  kernel spreads them over the workers); prints updates per second and the p50/p99
  latency from posting an update to its reply reaching the fake API;
- outbox: 1 and 2 sender processes drain due care messages through the Telegram
  transport within the bot-wide limit shared through Redis (30 a second; 1,000 with
  --paid); prints messages per second, the busiest one-second window and duplicates.

    .venv/bin/python bench/scale.py [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test]
        [--redis redis://127.0.0.1:6379/15] [--workers 1 2 4] [--senders 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import signal
import socket
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

from bench.scratch_pg import scratch_database
from bot.app import build_app, prepare_database
from bot.clock import SystemClock
from bot.config import Settings
from tests.scale_kit import (
    ROOT,
    SECRET,
    busiest_window,
    queue_due_messages,
    text_update,
    worker_env,
)


@dataclass(frozen=True)
class FakeApi:
    process: asyncio.subprocess.Process
    base: str
    token: str

    async def get(self, http: aiohttp.ClientSession, path: str) -> Any:
        async with http.get(f"{self.base}/_control/{path}") as response:
            return (await response.json())["result"]


async def start_fake(latency: float) -> FakeApi:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.bot_api",
        "--latency",
        str(latency),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    base, token = (await process.stdout.readline()).decode().split()
    return FakeApi(process, base, token)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def sends_so_far(http: aiohttp.ClientSession, api: FakeApi, method: str) -> int:
    stats = await api.get(http, "stats")
    return int(stats["counts"].get(method, 0))


# Each worker (and sender) keeps at most 4 + 4 connections: the server's max_connections
# (100 by default) is shared with whatever else runs on it.
POOL = {"OWNERBOT_DATABASE_POOL_SIZE": "4", "OWNERBOT_DATABASE_MAX_OVERFLOW": "4"}


async def bench_workers(
    database_url: str,
    redis_url: str,
    api: FakeApi,
    workers: int,
    chats: int,
    rounds: int,
    *,
    ordered: bool = True,
) -> tuple[float, float, float]:
    """(updates a second, p50 s, p99 s) for `workers` processes on one port; without
    `ordered`, no per-chat order across workers (the baseline for one worker)."""
    port = free_port()
    env = worker_env(
        database_url,
        api.base,
        api.token,
        port,
        OWNERBOT_REDIS_URL=redis_url,
        OWNERBOT_CHAT_ORDER_ACROSS_WORKERS=str(ordered).lower(),
        **POOL,
    )
    first_chat = 10_000_000 * workers + (0 if ordered else 5_000_000)
    async with aiohttp.ClientSession() as control:
        webhooks = await sends_so_far(control, api, "setWebhook")
        replies = await sends_so_far(control, api, "sendMessage")
        supervisor = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--workers", str(workers), cwd=ROOT, env=env
        )
        while await sends_so_far(control, api, "setWebhook") < webhooks + workers:  # noqa: ASYNC110
            await asyncio.sleep(0.2)  # every worker is listening once it set the webhook
        posted: dict[tuple[int, int], float] = {}
        url = f"http://127.0.0.1:{port}/telegram/hook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        connector = aiohttp.TCPConnector(force_close=True, limit=64)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def post(chat: int, round_no: int) -> None:
                update = text_update(
                    first_chat + round_no * chats + chat, chat, "/help", round_no + 1
                )
                posted[(chat, round_no)] = time.monotonic()
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 200, response.status

            for round_no in range(rounds):
                people = range(first_chat, first_chat + chats)
                await asyncio.gather(*(post(chat, round_no) for chat in people))
                target = replies + (round_no + 1) * chats
                while await sends_so_far(control, api, "sendMessage") < target:  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
        sent = await api.get(control, "sent")
    supervisor.send_signal(signal.SIGTERM)
    await supervisor.wait()
    answered: dict[int, list[float]] = {}
    for call in sent:
        if first_chat <= (call["chat_id"] or 0) < first_chat + chats:
            answered.setdefault(call["chat_id"], []).append(call["at"])
    latencies = [
        at - posted[(chat, round_no)]
        for chat, times in answered.items()
        for round_no, at in enumerate(sorted(times))
    ]
    elapsed = max(max(t) for t in answered.values()) - min(posted.values())
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, cuts[49], cuts[98]


async def bench_senders(
    database_url: str,
    redis_url: str,
    api: FakeApi,
    senders: int,
    messages: int,
    *,
    run: int,
    paid: bool,
) -> tuple[float, int, int, int]:
    """(messages a second, busiest one-second window, sent, duplicates); `run` numbers
    the runs, so each has owners of its own."""
    first_id = 1_000_000 * (run + 1)
    app = build_app(Settings(database_url=database_url), SystemClock())
    await queue_due_messages(app.database.engine, messages, first_id, datetime.now(UTC))
    await app.close()
    prefix = f"ownerbot:rl:bench:{secrets.token_hex(4)}"
    command = [__file__, "--sender", database_url, api.base, api.token, redis_url, prefix]
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, *command, *(["--paid"] if paid else [])
        )
        for _ in range(senders)
    ]
    await asyncio.gather(*(process.wait() for process in processes))
    async with aiohttp.ClientSession() as http:
        sent = await api.get(http, "sent")
    ours = [c for c in sent if first_id <= (c["chat_id"] or 0) < first_id + messages]
    times = [c["at"] for c in ours]
    chats = [c["chat_id"] for c in ours]
    return (
        sustained_rate(times),
        busiest_window(times, 1.0),
        len(ours),
        len(chats) - len(set(chats)),
    )


def sustained_rate(times: list[float]) -> float:
    """Messages a second over the whole seconds from the first send: a limiter lets a
    window's messages go together, so first-to-last would overstate a short run."""
    start = min(times)
    seconds = int(max(times) - start)
    if seconds == 0:
        return float(len(times))
    return sum(1 for t in times if t < start + seconds) / seconds


async def sender_process(
    database_url: str, api_base: str, token: str, redis_url: str, prefix: str, paid: bool
) -> None:
    """One sender, as a worker runs it, until nothing is due."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from redis.asyncio import Redis

    from bot.channels.aiogram_runtime import AiogramPort
    from bot.channels.telegram.outbox import TelegramTransport
    from bot.scheduler.delivery import limits_of
    from bot.scheduler.limits import RedisLimiter
    from bot.scheduler.sender import Sender
    from handlers.care_messages import renderer_for

    settings = Settings(database_url=database_url, database_pool_size=4, database_max_overflow=4)
    app = build_app(settings, SystemClock())
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base), timeout=10)
    redis = Redis.from_url(redis_url)
    transport = TelegramTransport(AiogramPort(Bot(token, session=session)), paid_broadcast=paid)
    sender = Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=transport,
        limiter=RedisLimiter(redis, prefix, limits=limits_of(transport)),
        clock=app.clock,
        render=renderer_for(app.catalogs, app.reference, app.clock.now),
        concurrency=app.settings.sender_concurrency,
        batch=50,  # claims smaller than the outbox: the senders take turns
    )
    try:
        while sum(vars(await sender.run_once()).values()):
            pass
    finally:
        await session.close()
        await redis.aclose()
        await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--chats", type=int, default=50, help="chats posting in each round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--senders", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--messages", type=int, default=450)
    parser.add_argument("--paid-messages", type=int, default=0, help="also 2 senders, paid")
    parser.add_argument("--latency-ms", type=int, default=20, help="the fake API's, per call")
    args = parser.parse_args()
    async with scratch_database(args.pg, "ownerbot_scale") as database_url:
        app = build_app(Settings(database_url=database_url), SystemClock())
        await prepare_database(app)
        await app.close()
        api = await start_fake(args.latency_ms / 1000)
        try:
            runs = [(workers, True) for workers in args.workers]
            if runs:
                runs.insert(0, (1, False))  # the baseline
            for workers, ordered in runs:
                rate, p50, p99 = await bench_workers(
                    database_url, args.redis, api, workers, args.chats, args.rounds, ordered=ordered
                )
                what = "per-chat order across workers" if ordered else "no cross-worker order"
                print(
                    f"[updates] {workers} worker(s), {what}: {rate:.0f} updates/s, latency "
                    f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
                    f"({args.chats} chats at once x {args.rounds} rounds of /help)",
                    flush=True,
                )
            sends = [(senders, args.messages, False) for senders in args.senders]
            if args.paid_messages:
                sends.append((2, args.paid_messages, True))
            for run, (senders, messages, paid) in enumerate(sends):
                rate, busiest, sent, duplicates = await bench_senders(
                    database_url, args.redis, api, senders, messages, run=run, paid=paid
                )
                limit = 1000 if paid else 30
                print(
                    f"[outbox] {senders} sender(s){' (paid broadcast)' if paid else ''}: "
                    f"{sent} of {messages} sent, {rate:.1f} messages/s against a shared limit "
                    f"of {limit}/s ({rate / limit:.0%}); busiest second {busiest}; "
                    f"duplicates {duplicates}",
                    flush=True,
                )
        finally:
            api.process.terminate()
            await api.process.wait()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--sender":
        url, base, token, redis_url, prefix = sys.argv[2:7]
        asyncio.run(sender_process(url, base, token, redis_url, prefix, "--paid" in sys.argv))
    else:
        asyncio.run(main())
