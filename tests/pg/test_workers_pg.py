"""Two real `ownerbot run` worker processes on one PostgreSQL, each on its own port (as
behind a load balancer), with Telegram's webhook calls spread over them: an update
posted to both acts once, and one chat's updates are handled in update id order
whichever worker each reaches. Starting two worker processes takes seconds on a busy
machine: these run in the slow suite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import aiohttp
import pytest
from sqlalchemy import text

from bot.app import App
from tests.e2e.conftest import free_port
from tests.fakes.bot_api import FakeBotAPI
from tests.scale_kit import Worker, start_worker, text_update, worker_env

pytestmark = pytest.mark.slow

# Generous on a busy machine: an update sent at the same moment as an earlier one may
# reach its worker this much sooner and still be handled second.
SETTLE_MS = "300"
WELCOME = (
    "Hello! I am the Aurora Motors owners' assistant. Here you can check your points, "
    "book a service, refer friends and get reminders about your car, in your language."
)
HELP = "I am the Aurora Motors owners' assistant. Commands:"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
async def workers(
    pg_app: App, pg_database_url: str, api: FakeBotAPI
) -> AsyncIterator[list[Worker]]:
    envs = [
        worker_env(
            pg_database_url,
            api.base_url,
            api.token,
            free_port(),
            OWNERBOT_CHAT_ORDER_SETTLE_MS=SETTLE_MS,
        )
        for _ in range(2)
    ]
    started = await asyncio.gather(*(start_worker(env) for env in envs))
    try:
        yield list(started)
    finally:
        await asyncio.gather(*(worker.stop() for worker in started))


async def handled(app: App) -> dict[int, datetime]:
    """Telegram update id -> when a worker began handling it."""
    async with app.database.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT update_id, processed_at FROM processed_updates WHERE channel = 'telegram'")
        )
        return {int(update_id): at for update_id, at in rows}


def replies(api: FakeBotAPI, chat_id: int) -> list[str]:
    """The first line of each message sent to the chat, in the order they arrived."""
    return [text.split("\n")[0] for text in api.texts_to(chat_id)]


async def test_an_update_posted_to_two_workers_at_once_acts_once(
    pg_app: App, workers: list[Worker], api: FakeBotAPI
) -> None:
    first, second = workers
    people = range(7101, 7106)
    async with aiohttp.ClientSession() as http:
        statuses = await asyncio.gather(
            *(
                worker.post(http, text_update(9000 + n, person, "/start"))
                for n, person in enumerate(people)
                for worker in (first, second)
            )
        )
    assert statuses == [200] * 10
    await api.wait_for(lambda: all(api.texts_to(person) for person in people), within=20)
    await api.settle(quiet=1.0)
    assert sorted(await handled(pg_app)) == [9000, 9001, 9002, 9003, 9004]
    for person in people:
        assert replies(api, person) == [WELCOME]


async def test_a_tap_reaching_the_other_worker_waits_for_the_earlier_one_still_running(
    pg_app: App, workers: list[Worker], api: FakeBotAPI
) -> None:
    first, second = workers
    person = 7201
    api.delay_next("sendMessage", 1.5, chat_id=person)  # the first reply is slow
    async with aiohttp.ClientSession() as http:
        assert await first.post(http, text_update(9100, person, "/start")) == 200
        while 9100 not in await handled(pg_app):  # noqa: ASYNC110 - polls another process
            await asyncio.sleep(0.02)
        assert await second.post(http, text_update(9101, person, "/help", 2)) == 200
    await api.wait_for(lambda: len(api.texts_to(person)) == 2, within=20)
    at = await handled(pg_app)
    assert replies(api, person) == [WELCOME, HELP]
    assert (at[9101] - at[9100]).total_seconds() >= 1.4  # it began once the first was done


async def test_taps_reaching_two_workers_in_the_wrong_order_are_handled_in_update_order(
    pg_app: App, workers: list[Worker], api: FakeBotAPI
) -> None:
    first, second = workers
    person = 7301
    commands = ["/start", "/help"] * 3
    async with aiohttp.ClientSession() as http:
        for n in range(0, len(commands), 2):
            earlier = text_update(9200 + n, person, commands[n], n + 1)
            later = text_update(9201 + n, person, commands[n + 1], n + 2)
            # the later tap reaches the second worker first, the earlier one right after
            posted = asyncio.create_task(second.post(http, later))
            await asyncio.sleep(0.01)
            assert await first.post(http, earlier) == 200
            assert await posted == 200
    await api.wait_for(lambda: len(api.texts_to(person)) == len(commands), within=30)
    at = await handled(pg_app)
    assert sorted(at, key=at.__getitem__) == list(range(9200, 9200 + len(commands)))
    assert replies(api, person) == [WELCOME, HELP] * 3
