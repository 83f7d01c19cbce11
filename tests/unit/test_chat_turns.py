"""Per-chat order across workers, in the Telegram pipeline: two pipelines (two workers)
share one record of the updates each received (`ChatTurns`, in memory here; PostgreSQL
in production: tests/pg/test_chat_turns_pg.py), so a chat's later update waits for an
earlier one wherever it is, and an earlier update that reached a worker late goes first."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import aiogram.types

from bot.channels.telegram.options import TelegramOptions
from bot.channels.telegram.pipeline import Pipeline, Turns
from bot.clock import FixedClock
from handlers.types import Event, Screen
from tests.conftest import NOW
from tests.scale_kit import text_update
from tests.unit.test_screen_rendering import RecordingPort

CHAT = 7001


class SharedTurns:
    """The record every worker shares: (channel, chat) -> {update id: when noted}."""

    def __init__(self) -> None:
        self.noted: dict[tuple[str, int], dict[int, float]] = {}

    async def arrived(self, channel: str, chat_id: int, update_id: int) -> bool:
        noted = self.noted.setdefault((channel, chat_id), {})
        if update_id in noted:
            return False
        noted[update_id] = time.monotonic()
        return True

    async def earlier_waiting(
        self, channel: str, chat_id: int, update_id: int, hold_seconds: float
    ) -> bool:
        now = time.monotonic()
        noted = self.noted.get((channel, chat_id), {})
        return any(u < update_id and now - at < hold_seconds for u, at in noted.items())

    async def done(self, channel: str, chat_id: int, update_id: int) -> None:
        self.noted.get((channel, chat_id), {}).pop(update_id, None)


class Flows:
    """A dispatcher that notes the order it handled updates in; an update can be held."""

    def __init__(self, handled: list[int]) -> None:
        self.handled = handled
        self.held: dict[int, asyncio.Event] = {}

    async def handle(self, event: Event) -> Sequence[Screen]:
        update_id = int(event.update_id)
        if update_id in self.held:
            await self.held[update_id].wait()
        self.handled.append(update_id)
        return []


def a_worker(turns: SharedTurns, handled: list[int], **timing: float) -> tuple[Pipeline, Flows]:
    flows = Flows(handled)
    pipeline = Pipeline(
        dispatcher=flows,
        port=RecordingPort(),
        uow_factory=None,  # no chat moves here
        clock=FixedClock(NOW),
        bot_username="ownerbot_test_bot",
        options=TelegramOptions(),
        turns=Turns(turns, **({"settle": 0.02, "hold": 5.0} | timing)),
    )
    return pipeline, flows


def update(update_id: int) -> Any:
    return aiogram.types.Update.model_validate(text_update(update_id, CHAT, "/help"))


async def test_a_later_update_waits_while_another_worker_handles_an_earlier_one() -> None:
    turns, handled = SharedTurns(), list[int]()
    first, first_flows = a_worker(turns, handled)
    second, _ = a_worker(turns, handled)
    first_flows.held[1] = release = asyncio.Event()
    await first.receive(update(1))
    await asyncio.sleep(0.05)  # the first worker is on it
    await second.receive(update(2))
    await asyncio.sleep(0.2)
    assert handled == []  # update 2 waits for update 1
    release.set()
    await asyncio.wait_for(asyncio.gather(first.close(), second.close()), 5)
    assert handled == [1, 2]


async def test_an_earlier_update_that_reaches_its_worker_later_is_handled_first() -> None:
    turns, handled = SharedTurns(), list[int]()
    first, _ = a_worker(turns, handled, settle=0.1)
    second, _ = a_worker(turns, handled, settle=0.1)
    await second.receive(update(12))
    await first.receive(update(11))
    await second.receive(update(14))
    await second.receive(update(13))  # late on the same worker too
    await asyncio.wait_for(asyncio.gather(first.close(), second.close()), 5)
    assert handled == [11, 12, 13, 14]


async def test_an_earlier_update_nobody_finishes_holds_the_chat_only_for_the_hold() -> None:
    turns, handled = SharedTurns(), list[int]()
    await turns.arrived("telegram", CHAT, 20)  # its worker died before handling it
    worker, _ = a_worker(turns, handled, hold=0.3)
    started = time.monotonic()
    await worker.receive(update(21))
    await asyncio.wait_for(worker.close(), 5)
    assert handled == [21]
    assert time.monotonic() - started >= 0.3


async def test_one_worker_without_turns_keeps_the_arrival_order() -> None:
    handled: list[int] = []
    flows = Flows(handled)
    pipeline = Pipeline(
        dispatcher=flows,
        port=RecordingPort(),
        uow_factory=None,
        clock=FixedClock(NOW),
        bot_username="ownerbot_test_bot",
        options=TelegramOptions(),
    )
    for update_id in (32, 31, 33):
        pipeline.submit(update(update_id))
    await asyncio.wait_for(pipeline.close(), 5)
    assert handled == [32, 31, 33]


async def test_an_update_delivered_to_two_workers_holds_the_chat_until_the_first_is_done() -> None:
    turns, handled = SharedTurns(), list[int]()
    first, first_flows = a_worker(turns, handled)
    second, _ = a_worker(turns, handled)
    first_flows.held[41] = release = asyncio.Event()
    await first.receive(update(41))
    await asyncio.sleep(0.05)  # the first worker is on it
    await second.receive(update(41))  # Telegram delivered it again, to another worker
    await asyncio.sleep(0.1)  # the second is done with its copy (a duplicate, no effect)
    await second.receive(update(42))
    await asyncio.sleep(0.2)
    assert handled == [41], "the next update waits for the first worker's copy"
    release.set()
    await asyncio.wait_for(asyncio.gather(first.close(), second.close()), 5)
    assert handled == [41, 41, 42]
