"""Waiting on a fake platform server: until what the bot did satisfies a test, or
until the bot has gone quiet. Shared by the fake Bot API and the fake Cloud API."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def wait_until(
    changed: asyncio.Condition,
    predicate: Callable[[], T],
    within: float,
    recent: Callable[[], str],
) -> T:
    """`predicate()` once truthy, re-checked whenever `changed` is notified; on time-out
    an AssertionError naming the `recent` activity."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with changed:
        while True:
            value = predicate()
            if value:
                return value
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"timed out after {within} s; last: {recent()}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), left)


async def until_quiet(
    last_activity: Callable[[], float],
    quiet: float,
    within: float,
    busy: Callable[[], bool] = lambda: False,
) -> None:
    """Return once nothing has happened for `quiet` seconds (and nothing is `busy`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if time.monotonic() - last_activity() >= quiet and not busy():
            return
        await asyncio.sleep(quiet / 3)
    raise AssertionError("the bot never went quiet")
