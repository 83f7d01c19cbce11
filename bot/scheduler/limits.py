"""Sending limits, one limiter per channel: Telegram's by default (about 30 messages a
second in total, one a second per chat, twenty a minute per group), or the ones a
transport names (`ChannelLimits`: WhatsApp's throughput per number and pair rate). In
one process an in-memory limiter; across several senders the Redis one, so the limits
hold for the bot as a whole."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import TYPE_CHECKING, Protocol

from bot import metrics
from bot.scheduler.delivery import ChannelLimits

if TYPE_CHECKING:
    from redis.asyncio import Redis

GLOBAL_PER_SECOND = 30
CHAT_INTERVAL = 1.0
GROUP_PER_MINUTE = 20


class RateLimiter(Protocol):
    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may be sent, and count it."""
        ...

    def pause(self, seconds: float) -> None:
        """Telegram said 429: hold every send for that long."""
        ...


def is_group(chat_id: int) -> bool:
    return chat_id < 0


class MeasuredLimiter:
    """A limiter whose waits are counted in ownerbot_rate_limit_wait_seconds."""

    def __init__(self, inner: RateLimiter, name: str) -> None:
        self.inner = inner
        self.name = name

    def pause(self, seconds: float) -> None:
        self.inner.pause(seconds)

    async def acquire(self, chat_id: int) -> None:
        started = time.monotonic()
        await self.inner.acquire(chat_id)
        metrics.rate_limit_waited(self.name, time.monotonic() - started)


class InProcessLimiter:
    def __init__(
        self,
        per_second: int = GLOBAL_PER_SECOND,
        chat_interval: float = CHAT_INTERVAL,
        group_per_minute: int = GROUP_PER_MINUTE,
        *,
        limits: ChannelLimits | None = None,
    ) -> None:
        if limits is not None:
            per_second, chat_interval = limits.per_second, limits.chat_interval
            group_per_minute = limits.group_per_minute
        self.per_second = per_second
        self.chat_interval = chat_interval
        self.group_per_minute = group_per_minute
        self._recent: deque[float] = deque()
        self._chat_next: dict[int, float] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._group_recent: dict[int, deque[float]] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self, chat_id: int) -> None:
        # A chat waits for its own turn without holding up other chats ...
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            await _sleep_until(self._chat_next.get(chat_id, 0.0))
            if is_group(chat_id):
                await self._group_turn(chat_id)
            # ... then takes a slot of the bot-wide budget.
            async with self._lock:
                while (wait := self._global_wait(time.monotonic())) > 0:  # noqa: ASYNC110 - a deadline, not an event
                    await asyncio.sleep(wait)
                self._recent.append(time.monotonic())
            self._chat_next[chat_id] = time.monotonic() + self.chat_interval

    async def _group_turn(self, chat_id: int) -> None:
        window = self._group_recent.setdefault(chat_id, deque())
        while True:
            now = time.monotonic()
            while window and now - window[0] >= 60.0:
                window.popleft()
            if len(window) < self.group_per_minute:
                window.append(now)
                return
            await asyncio.sleep(60.0 - (now - window[0]))

    def _global_wait(self, now: float) -> float:
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        wait = self._paused_until - now
        if len(self._recent) >= self.per_second:
            wait = max(wait, 1.0 - (now - self._recent[0]))
        return wait


async def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


class RedisLimiter:
    """The same limits shared by every sender through Redis (OWNERBOT_REDIS_URL)."""

    def __init__(
        self,
        redis: Redis,
        prefix: str = "ownerbot:rl",
        per_second: int = GLOBAL_PER_SECOND,
        chat_interval: float = CHAT_INTERVAL,
        group_per_minute: int = GROUP_PER_MINUTE,
        *,
        limits: ChannelLimits | None = None,
    ) -> None:
        if limits is not None:
            per_second, chat_interval = limits.per_second, limits.chat_interval
            group_per_minute = limits.group_per_minute
        self.redis = redis
        self.prefix = prefix
        self.per_second = per_second
        self.chat_interval_ms = int(chat_interval * 1000)
        self.group_per_minute = group_per_minute
        self._pending_pause = 0.0

    def pause(self, seconds: float) -> None:
        self._pending_pause = max(self._pending_pause, seconds)

    async def acquire(self, chat_id: int) -> None:
        if self._pending_pause:
            await self.redis.set(f"{self.prefix}:pause", "1", px=int(self._pending_pause * 1000))
            self._pending_pause = 0.0
        # One message per chat per interval: whoever sets the key owns the slot.
        while not await self.redis.set(
            f"{self.prefix}:chat:{chat_id}", "1", nx=True, px=self.chat_interval_ms
        ):
            ttl = await self.redis.pttl(f"{self.prefix}:chat:{chat_id}")
            await asyncio.sleep(max(ttl, 10) / 1000)
        if is_group(chat_id):
            await self._window(f"group:{chat_id}", 60, self.group_per_minute)
        await self._window("global", 1, self.per_second)

    async def _window(self, name: str, seconds: int, limit: int) -> None:
        while True:
            pause = await self.redis.pttl(f"{self.prefix}:pause")
            if pause and pause > 0:
                await asyncio.sleep(pause / 1000)
                continue
            now = time.time()
            bucket = int(now // seconds)
            key = f"{self.prefix}:{name}:{bucket}"
            count = await self.redis.incr(key)
            if count == 1:
                await self.redis.expire(key, seconds * 2)
            if count <= limit:
                return
            await asyncio.sleep((bucket + 1) * seconds - now)
