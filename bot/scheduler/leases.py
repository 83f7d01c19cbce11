"""Fencing for the senders: a claim takes rows under a token of its own, a heartbeat
renews their lease while they are being sent (a slow send, a long 429 pause), and a
settle counts only while the row is still held under that token.

Without the heartbeat a send slower than the lease lets a second sender claim the row
and send it again; without the token the first sender's late settle would overwrite
what the second recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta

log = logging.getLogger(__name__)

# Renew, in the claim's own transaction: (ids, token, lease) -> rows still held.
Renew = Callable[[Sequence[int], str, timedelta], Awaitable[int]]


def new_token() -> str:
    return secrets.token_hex(16)


@contextlib.asynccontextmanager
async def heartbeat(
    ids: Sequence[int], token: str, lease: timedelta, renew: Renew
) -> AsyncIterator[None]:
    """Renew the lease of `ids` every third of it until the block ends."""
    interval = max(lease.total_seconds() / 3, 0.01)

    async def beat() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                if await renew(ids, token, lease) == 0:
                    return  # every row is settled (or was taken over)
            except Exception:
                log.exception("could not renew the lease of %d messages", len(ids))

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
