"""Sending limits, one limiter per channel: Telegram's by default (about 30 messages a
second in total, one a second per chat, twenty a minute per group), or the ones a
transport names (`ChannelLimits`: WhatsApp's throughput per number and pair rate). In
one process an in-memory limiter; across several senders the Redis one, so the limits
hold for the bot as a whole."""

from __future__ import annotations

import asyncio
import secrets
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


# A sliding window in Redis, decided atomically by the server on its own clock, so
# every sender's count and time agree: drop what left the window, then either take
# a slot (0) or say how many microseconds until the oldest one leaves it.
_SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + window - now + 1
"""
# Added to each window: a message taken at the window's edge still travels a moment
# (a busy process, the network) before Telegram counts it, so the limit holds where
# Telegram measures it too, for a journey up to this much longer than the others'.
TRAVEL_MARGIN = 0.1


class RedisLimiter:
    """The same limits shared by every sender through Redis (OWNERBOT_REDIS_URL).

    Each limit is a sliding window (a sorted set of send times), never a fixed
    one-second bucket: two buckets side by side would let 2 x 30 messages through
    within one second. So over any window (plus `TRAVEL_MARGIN`) at most `per_second`
    messages leave the bot, however many senders share it."""

    def __init__(
        self,
        redis: Redis,
        prefix: str = "ownerbot:rl",
        per_second: int = GLOBAL_PER_SECOND,
        chat_interval: float = CHAT_INTERVAL,
        group_per_minute: int = GROUP_PER_MINUTE,
        *,
        limits: ChannelLimits | None = None,
        margin: float = TRAVEL_MARGIN,
    ) -> None:
        if limits is not None:
            per_second, chat_interval = limits.per_second, limits.chat_interval
            group_per_minute = limits.group_per_minute
        self.redis = redis
        self.prefix = prefix
        self.per_second = per_second
        self.chat_interval_ms = int(chat_interval * 1000)
        self.group_per_minute = group_per_minute
        self.margin = margin
        self._pending_pause = 0.0
        self._script = redis.register_script(_SLIDING_WINDOW)

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
        window_us = int((seconds + self.margin) * 1_000_000)
        while True:
            pause = await self.redis.pttl(f"{self.prefix}:pause")
            if pause and pause > 0:
                await asyncio.sleep(pause / 1000)
                continue
            wait_us = int(
                await self._script(
                    keys=[f"{self.prefix}:{name}:sliding"],
                    args=[window_us, limit, secrets.token_hex(8)],
                )
            )
            if wait_us <= 0:
                return
            await asyncio.sleep(wait_us / 1_000_000)
