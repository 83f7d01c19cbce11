"""Throughput of the real Telegram pipeline, against a bare aiogram echo bot.

    python bench/pipeline.py [--updates N] [--latency SECONDS] [--profile]

Run from the repository root. The fake Bot API server (tests/fakes/bot_api.py) runs
in its own process, as Telegram would be another machine, so both measurements are
of the bot process alone:

1. pipeline: the aiogram runtime (bot/channels) with the real dispatcher, flows and
   a fresh SQLite database (migrated, demo data). N/2 new users each send
   /language (one reply with the language buttons) and tap "English" on it (callback
   answer, the message edited, the phone request sent): N updates, 4 calls per user.
2. echo: a bare aiogram bot whose one handler answers each message with sendMessage;
   the same N/2 users send two texts each: N updates, N calls. It runs twice: with
   Python's default garbage collector settings, and tuned as the runtime tunes them
   while serving (bot/channels/gc_tuning.py).

Pipeline and echo runs alternate for --rounds rounds; the medians are printed. Each
rate runs from the moment the updates are queued at the server until every
update is answered; a warm-up round comes first. The ratio pipeline/echo is the
figure to watch (goal >= 0.5); the ratio of Bot API calls per second is printed
beside it, as the pipeline makes two calls per update where the echo bot makes one.
No timing is asserted anywhere in the tests.

3. for reference, the dispatcher alone (no Telegram, no HTTP), with SQLite's statements
   on the event loop (the default) and in aiosqlite's thread, and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram import Bot, Dispatcher  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402
from aiogram.types import Message  # noqa: E402
from aiohttp import ClientSession  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from bench.scratch_pg import scratch_database  # noqa: E402
from bot.app import App, build_app, prepare_database, telegram_deps  # noqa: E402
from bot.channels.gc_tuning import collector_tuned_for_serving  # noqa: E402
from bot.channels.runtime import run_telegram  # noqa: E402
from bot.channels.telegram.options import TelegramOptions  # noqa: E402
from bot.config import Settings  # noqa: E402
from handlers.types import Event, EventKind  # noqa: E402

Spec = dict[str, Any]


@dataclass(frozen=True)
class Run:
    updates: int
    seconds: float
    bot_cpu: float  # this process: the bot (and the bench's polling of the server)
    server_cpu: float  # the fake Bot API process
    api_calls: int = 0  # Bot API calls the bot made to answer them

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def line(self, name: str) -> str:
        calls = f"{self.api_calls / self.seconds:.0f} Bot API calls/s; " if self.api_calls else ""
        return (
            f"{name:<48} {self.rate:8.1f} updates/s ({calls}{self.seconds:.2f} s; CPU: bot "
            f"{self.bot_cpu / self.seconds:4.0%}, server {self.server_cpu / self.seconds:4.0%})"
        )


WAIT_LIMIT = 300.0  # seconds; a run that takes longer is reported as failed


@contextlib.contextmanager
def fake_server(latency: float) -> Iterator[tuple[str, str]]:
    """The fake Bot API in a child process: (base_url, token)."""
    command = [sys.executable, "-m", "tests.fakes.bot_api", "--no-record"]
    command += ["--latency", str(latency)]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        base_url, token = child.stdout.readline().split()
        yield base_url, token
    finally:
        child.terminate()
        child.wait(10)


class Control:
    """Queues updates at the fake server and watches its call counts."""

    def __init__(self, http: ClientSession, base_url: str) -> None:
        self.http = http
        self.base_url = base_url

    async def queue(self, specs: list[Spec]) -> None:
        async with self.http.post(f"{self.base_url}/_control/updates", json={"updates": specs}):
            pass

    async def stats(self) -> dict[str, Any]:
        async with self.http.get(f"{self.base_url}/_control/stats") as response:
            body = await response.json()
        return dict(body["result"])

    async def run(self, specs: list[Spec], calls: dict[str, int]) -> Run:
        """Queue `specs`, wait until the server has seen `calls` more calls of each
        method; how long it took, and the CPU time each side used meanwhile."""
        first = await self.stats()
        before = first["counts"]
        target = {method: before.get(method, 0) + n for method, n in calls.items()}
        started, cpu = time.perf_counter(), time.process_time()
        await self.queue(specs)
        while True:
            stats = await self.stats()
            counts = stats["counts"]
            if all(counts.get(m, 0) >= n for m, n in target.items()):
                return Run(
                    updates=len(specs),
                    seconds=time.perf_counter() - started,
                    bot_cpu=time.process_time() - cpu,
                    server_cpu=stats["cpu_seconds"] - first["cpu_seconds"],
                    api_calls=sum(calls.values()),
                )
            if time.perf_counter() - started > WAIT_LIMIT:
                raise TimeoutError(f"not all updates were answered: {counts} < {target}")
            await asyncio.sleep(0.005)


def user(uid: int) -> Spec:
    return {"id": uid, "first_name": f"User{uid}", "language_code": "en"}


def pipeline_load(first_uid: int, users: int) -> tuple[list[Spec], dict[str, int]]:
    specs: list[Spec] = []
    for uid in range(first_uid, first_uid + users):
        specs.append({"type": "command", "user": user(uid), "name": "language"})
        # the user's command is message 1 of the chat, the bot's picker message 2
        specs.append({"type": "press", "user": user(uid), "data": "lang:set:en", "message_id": 2})
    calls = {"sendMessage": 2 * users, "editMessageText": users, "answerCallbackQuery": users}
    return specs, calls


def echo_load(first_uid: int, users: int) -> tuple[list[Spec], dict[str, int]]:
    specs: list[Spec] = []
    for uid in range(first_uid, first_uid + users):
        specs.append({"type": "text", "user": user(uid), "text": "hello"})
        specs.append({"type": "text", "user": user(uid), "text": "and again"})
    return specs, {"sendMessage": 2 * users}


async def fresh_app(
    database_url: str, base_url: str, token: str, *, sqlite_inline: bool = True
) -> App:
    settings = Settings(
        sqlite_inline=sqlite_inline,
        database_url=database_url,
        telegram_bot_token=SecretStr(token),
        telegram_api_base=base_url,
        webhook_url=None,
        runtime="aiogram",
    )
    app = build_app(settings)
    await prepare_database(app, seed_demo_if_empty=True)
    return app


async def bench_pipeline(
    control: Control, base_url: str, token: str, users: int, warmup: int, profile: bool, uids: int
) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        app = await fresh_app(f"sqlite+aiosqlite:///{tmp}/bench.db", base_url, token)
        stop = asyncio.Event()
        options = TelegramOptions(poll_timeout=5)
        task = asyncio.create_task(run_telegram(telegram_deps(app), options=options, stop=stop))
        try:
            # the warm-up also waits for the bot to start polling
            await control.run(*pipeline_load(uids + 1_000_000, warmup))
            specs, calls = pipeline_load(uids + 2_000_000, users)
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            run = await control.run(specs, calls)
            if profiler:
                profiler.disable()
                print_profile(profiler)
            errors = (await control.stats())["errors"]
            if errors:
                print(f"  (the server answered {errors} calls with errors)")
        finally:
            stop.set()
            await task
            await app.close()
    return run


async def bench_dispatcher_alone(
    users: int, warmup: int, concurrency: int, database_url: str, *, sqlite_inline: bool = True
) -> Run:
    """The same events straight into the dispatcher: no Telegram, no HTTP. The
    ceiling for the pipeline, whatever the runtime does."""
    app = await fresh_app(
        database_url, "http://127.0.0.1:9", "1:unused", sqlite_inline=sqlite_inline
    )
    dispatcher = app.dispatcher("ownerbot_test_bot")
    slots = asyncio.Semaphore(concurrency)

    async def one_user(uid: int) -> None:
        async with slots:
            for i, kind, extra in (
                (0, EventKind.COMMAND, {"command": "language"}),
                (1, EventKind.BUTTON, {"button": "lang:set:en", "message_id": 2}),
            ):
                event = Event(
                    channel="telegram",
                    update_id=f"{uid}.{i}",
                    user_id=uid,
                    chat_id=uid,
                    kind=kind,
                    language_code="en",
                    first_name=f"User{uid}",
                    **extra,
                )
                await dispatcher.handle(event)

    await asyncio.gather(*(one_user(uid) for uid in range(5_000_000, 5_000_000 + warmup)))
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one_user(uid) for uid in range(6_000_000, 6_000_000 + users)))
    seconds = time.perf_counter() - started
    await app.close()
    return Run(2 * users, seconds, time.process_time() - cpu, 0.0)


async def bench_echo(
    control: Control, base_url: str, token: str, users: int, warmup: int, uids: int
) -> Run:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await bot.send_message(message.chat.id, message.text or "")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=5))
    try:
        await control.run(*echo_load(uids + 3_000_000, warmup))
        return await control.run(*echo_load(uids + 4_000_000, users))
    finally:
        await dp.stop_polling()
        await polling


def median(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.rate)[len(runs) // 2]


def print_profile(profiler: cProfile.Profile) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(25)
    print(out.getvalue())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=2000, help="updates per run (even)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per Bot API call")
    parser.add_argument("--profile", action="store_true", help="cProfile the pipeline run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are printed")
    parser.add_argument("--pg", default=os.environ.get("OWNERBOT_TEST_PG_URL", ""))
    args = parser.parse_args()
    users = max(1, args.updates // 2)
    warmup = max(10, users // 10)
    reals: list[Run] = []
    echoes: list[Run] = []
    tuned_echoes: list[Run] = []
    with fake_server(args.latency) as (base_url, token):
        async with ClientSession() as http:
            control = Control(http, base_url)
            # the three alternate, so a slow spell of the machine hits all of them
            for round_ in range(max(1, args.rounds)):
                uids = 10_000_000 * (round_ + 1)  # new chats: message ids start afresh
                profile = args.profile and round_ == 0
                reals.append(
                    await bench_pipeline(control, base_url, token, users, warmup, profile, uids)
                )
                echoes.append(await bench_echo(control, base_url, token, users, warmup, uids))
                with collector_tuned_for_serving():
                    tuned_echoes.append(
                        await bench_echo(control, base_url, token, users, warmup, uids + 5_000_000)
                    )
    real, echo, echo_tuned = median(reals), median(echoes), median(tuned_echoes)
    concurrency = TelegramOptions().max_concurrency
    on_pg: Run | None = None
    with collector_tuned_for_serving(), tempfile.TemporaryDirectory() as tmp:
        # as the runtime runs the dispatcher
        inline_url, thread_url = (f"sqlite+aiosqlite:///{tmp}/{n}.db" for n in ("a", "b"))
        alone = await bench_dispatcher_alone(users, warmup, concurrency, inline_url)
        threaded = await bench_dispatcher_alone(
            users, warmup, concurrency, thread_url, sqlite_inline=False
        )
        if args.pg:
            async with scratch_database(args.pg) as pg_url:
                on_pg = await bench_dispatcher_alone(users, warmup, concurrency, pg_url)
    print(
        f"updates: {2 * users} ({users} users), fake Bot API in its own process, "
        f"latency {args.latency * 1000:.0f} ms per call; median of {len(reals)} rounds"
    )
    print(real.line("pipeline (aiogram runtime, dispatcher, SQLite)"))
    print(echo.line("bare aiogram echo bot"))
    print(echo_tuned.line("  the same with the collector tuned like ours"))
    print(
        f"ratio pipeline/echo: {real.rate / echo.rate:.2f} (goal >= 0.5); "
        f"against the tuned echo bot {real.rate / echo_tuned.rate:.2f}"
    )
    print(
        "  (each pipeline update needs 2 Bot API calls, each echo update 1; per call the "
        f"ratio is {real.api_calls / real.seconds / (echo.api_calls / echo.seconds):.2f})"
    )
    print(alone.line("for reference: the dispatcher alone, no Telegram"))
    print(threaded.line("  the same with SQLite in aiosqlite's thread"))
    print(f"  ratio inline/thread: {alone.rate / threaded.rate:.2f}")
    if on_pg is not None:
        print(on_pg.line("  the dispatcher alone on PostgreSQL (asyncpg)"))
    else:
        print("  (PostgreSQL: pass --pg URL or set OWNERBOT_TEST_PG_URL)")


if __name__ == "__main__":
    asyncio.run(main())
