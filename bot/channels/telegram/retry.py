"""Telegram's rules for trying a call again: wait out a 429's retry_after, back off
on network errors, give up on anything else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.channels.telegram.errors import Failure, FailureKind
from bot.channels.telegram.port import TelegramPort

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # calls in all, the first included
    base_delay: float = 0.5  # network errors: base_delay, 2x, 4x, ... up to max_delay
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a longer flood wait drops the message instead

    def delay(self, retry: int) -> float:
        return min(self.max_delay, self.base_delay * 2.0**retry)


async def call_with_retries(
    port: TelegramPort, policy: RetryPolicy, what: str, call: Callable[[], Awaitable[None]]
) -> Failure | None:
    """Run `call`, retrying 429s and network errors; the final failure, or None."""
    retry = 0
    while True:
        try:
            await call()
            return None
        except asyncio.CancelledError:
            raise
        except Exception as error:
            failure = port.classify(error)
        retry += 1
        if retry >= policy.attempts:
            return failure
        if (
            failure.kind is FailureKind.RETRY_AFTER
            and failure.retry_after <= policy.max_retry_after
        ):
            log.warning("%s: flood control, retrying in %.1f s", what, failure.retry_after)
            await asyncio.sleep(failure.retry_after)
        elif failure.kind is FailureKind.NETWORK:
            delay = policy.delay(retry - 1)
            log.warning("%s: %s; retrying in %.2f s", what, failure.description, delay)
            await asyncio.sleep(delay)
        else:
            return failure
