"""What /readyz answers: the database answers, Redis answers when one is configured, no
channel's token has been refused, and the outbox is not falling behind."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclass(frozen=True)
class Backlog:
    """Outbox messages waiting or being sent, and how long the oldest due one has waited."""

    depth: int
    oldest_due_age: timedelta


class ChannelHealth:
    """Which channels' platforms refused our token (a revoked or expired token): set by
    the channels and senders when the platform says so, cleared when it works again."""

    def __init__(self) -> None:
        self._refused: dict[str, str] = {}

    def token_refused(self, channel: str, why: str) -> None:
        """CRITICAL once per outage, not once a message."""
        if channel not in self._refused:
            log.critical(
                "the %s token was refused (%s): sending on it is paused; nothing is dropped",
                channel,
                why,
            )
        self._refused[channel] = why[:200]

    def token_accepted(self, channel: str) -> None:
        if self._refused.pop(channel, None) is not None:
            log.warning("the %s token works again: sending resumes", channel)

    @property
    def refused(self) -> Mapping[str, str]:
        return dict(self._refused)

    def paused(self, channel: str) -> bool:
        return channel in self._refused

    def clear(self) -> None:
        self._refused.clear()


# This process's: the care sender, the relay and the channels' pipelines report to it
# (a 401 pauses the channel, a send that works clears it), and /readyz reads it.
CHANNELS = ChannelHealth()


async def backlog(uow_factory: UnitOfWorkFactory, now: datetime) -> Backlog:
    async with uow_factory() as uow:
        depth = await uow.outbox.pending_count()
        oldest = await uow.outbox.oldest_due(now)
    return Backlog(depth, now - oldest if oldest is not None else timedelta(0))


async def readiness(
    uow_factory: UnitOfWorkFactory,
    *,
    now: datetime,
    max_outbox_lag: timedelta,
    channels: ChannelHealth,
    redis_ping: Callable[[], Awaitable[object]] | None = None,
) -> Readiness:
    checks: list[Check] = []
    try:
        waiting = await backlog(uow_factory, now)
    except Exception as error:  # any driver's error: unreachable, locked, missing file
        log.warning("readiness: the database does not answer: %s", error)
        checks.append(Check("database", False, type(error).__name__))
    else:
        checks.append(Check("database", True, "ok"))
        lag = waiting.oldest_due_age
        behind = lag > max_outbox_lag
        detail = f"{waiting.depth} waiting, oldest due {int(lag.total_seconds())} s ago"
        checks.append(Check("outbox", not behind, detail))
    if redis_ping is not None:
        try:
            await redis_ping()
        except Exception as error:  # connection refused, timeout, auth
            checks.append(Check("redis", False, type(error).__name__))
        else:
            checks.append(Check("redis", True, "ok"))
    for channel, why in sorted(channels.refused.items()):
        checks.append(Check(f"{channel} token", False, why))
    return Readiness(tuple(checks))
