"""Sending to LINE: a reply while its token is good, pushes otherwise.

A reply token is single use and expires about a minute after the event. The first
five messages of an answer go as the reply; the rest, and everything when the token
is too old or LINE refuses it ("Invalid reply token"), go as pushes, counted against
the monthly quota (bot/channels/line/quota.py).

Nothing is sent twice: a push carries a retry key derived from what it sends, so
LINE accepts a repeat once (409 after that); a reply that timed out is retried with
the same token, and if LINE then calls the token used, the first one went through.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.channels.line.api import LineApi, LineError, LineErrorKind, Message
from bot.channels.line.quota import PushQuota
from bot.channels.line.rendering import batches
from bot.clock import Clock

log = logging.getLogger(__name__)

REPLY_TOKEN_LIFE = timedelta(seconds=50)  # LINE's is about a minute: leave a margin
_RETRY_KEYS = uuid.UUID("5f1c8f6e-3f7b-4a53-9b55-1f0e0e6c7a11")


@dataclass(frozen=True)
class SendPolicy:
    attempts: int = 3  # calls in all for one request
    base_delay: float = 0.5
    max_retry_after: float = 30.0  # a longer 429 wait gives up (the sender reschedules)


class QuotaExhausted(Exception):
    """No push may go until the quota is looked at again."""


class Sending:
    def __init__(
        self, api: LineApi, quota: PushQuota, clock: Clock, policy: SendPolicy | None = None
    ) -> None:
        self.api = api
        self.quota = quota
        self.clock = clock
        self.policy = policy or SendPolicy()

    async def answer(
        self,
        to: str,
        messages: list[Message],
        *,
        reply_token: str | None,
        received_at: datetime,
        key: str,
    ) -> None:
        """An answer to an event: the reply, then pushes. Raises LineError or
        QuotaExhausted for what could not be sent."""
        requests = batches(messages)
        if not requests:
            return
        fresh = self.clock.now() - received_at < REPLY_TOKEN_LIFE
        if reply_token and fresh and await self._reply(reply_token, requests[0]):
            requests = requests[1:]
        elif reply_token and not fresh:
            log.info("reply token too old; answering by push")
        for index, request in enumerate(requests):
            await self.push(to, request, key=f"{key}:{index}")

    async def push(self, to: str, messages: list[Message], *, key: str) -> None:
        """One push request (at most five messages), retried safely under its key."""
        retry_key = str(uuid.uuid5(_RETRY_KEYS, f"{to}:{key}:{_digest(messages)}"))
        for attempt in range(self.policy.attempts):
            if not await self.quota.allows_push():
                raise QuotaExhausted
            try:
                await self.api.push(to, messages, retry_key)
                self.quota.counted()
                return
            except LineError as error:
                if error.kind is LineErrorKind.ALREADY_ACCEPTED:
                    return  # an earlier try went through
                if error.kind is LineErrorKind.QUOTA_EXHAUSTED:
                    self.quota.exhausted()
                    raise QuotaExhausted from error
                if not await self._wait_to_retry(error, attempt):
                    raise

    async def _reply(self, token: str, messages: list[Message]) -> bool:
        """True once LINE took the reply; False when the token can't be used (then
        the caller pushes)."""
        uncertain = False
        for attempt in range(self.policy.attempts):
            try:
                await self.api.reply(token, messages)
                return True
            except LineError as error:
                if error.kind is LineErrorKind.INVALID_REPLY_TOKEN:
                    if uncertain:
                        log.info("reply token used by a reply that timed out: it went through")
                        return True
                    log.info("reply token refused (%s); answering by push", error.description)
                    return False
                uncertain = uncertain or error.kind is LineErrorKind.NETWORK
                if not await self._wait_to_retry(error, attempt):
                    if uncertain:
                        log.warning("a reply may be lost: %s", error.description)
                        return True  # a push could double what may have arrived
                    return False
        return True

    async def _wait_to_retry(self, error: LineError, attempt: int) -> bool:
        if attempt + 1 >= self.policy.attempts:
            return False
        if error.kind is LineErrorKind.RETRY_AFTER:
            if error.retry_after > self.policy.max_retry_after:
                return False
            await asyncio.sleep(error.retry_after)
            return True
        if error.kind is LineErrorKind.NETWORK:
            await asyncio.sleep(self.policy.base_delay * 2**attempt)
            return True
        return False


def _digest(messages: list[Message]) -> str:
    return hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()[:32]
