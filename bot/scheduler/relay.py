"""The relay: delivers the durable deliveries (staff cards, alerts, leads, notices to
someone other than the person who wrote) until the platform takes them.

Guarantees (tests/e2e/test_durable_delivery.py, tests/services/test_relay.py):
- A delivery exists exactly when the change it tells of committed (same transaction).
- It is sent until the platform accepts it: network errors, 5xx and 429 of any length
  put it back in line (429s and refused credentials without counting an attempt); it
  is given up (status "dead", logged as an error) only after `max_attempts` network
  failures in a row spread over hours, or when the platform rejects the message itself.
- Claims are fenced like the care sender's (`leases.py`): a heartbeat renews the lease
  during a slow send, and a settle counts only while the claim still holds the row, so
  two relays (two processes) never both send one delivery while both are alive.
- After a crash between the send and its settle, that one delivery goes again: at
  least once, at most twice for the delivery in flight.
- A chat that moved (Telegram's migrate_to_chat_id) is followed: the move is recorded
  (`chat_moves`) and the delivery goes to the new id at once.
- 401: the channel is flagged (`bot.services.health`), CRITICAL once, its deliveries wait and
  are tried again after `auth_pause`; none is dead-lettered for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import metrics
from bot.clock import Clock
from bot.domain.care import OutboxStatus
from bot.domain.deliveries import DurableMessage
from bot.scheduler.delivery import Delivery, Outcome, Transports
from bot.scheduler.leases import heartbeat, new_token
from bot.services.deliveries import Doorbell
from bot.services.health import CHANNELS as channel_health
from bot.services.ports import UnitOfWorkFactory
from handlers.screen_codec import from_json

log = logging.getLogger(__name__)

PAUSE_ON_AUTH = 300.0  # seconds a channel whose credentials were refused waits


@dataclass(frozen=True)
class RelayPolicy:
    max_attempts: int = 20  # network failures before a delivery is given up
    backoff_base: float = 5.0  # seconds: 5, 10, 20, ... capped at backoff_cap
    backoff_cap: float = 1800.0
    auth_pause: float = PAUSE_ON_AUTH

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(
            seconds=min(self.backoff_base * 2 ** max(attempts - 1, 0), self.backoff_cap)
        )


@dataclass
class RelayReport:
    sent: int = 0
    retried: int = 0
    moved: int = 0
    dead: int = 0
    lost: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retried + self.moved + self.dead + self.lost


class Relay:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        transports: Transports,
        clock: Clock,
        lease: timedelta = timedelta(seconds=60),
        batch: int = 100,
        policy: RelayPolicy | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.transports = transports
        self.clock = clock
        self.lease = lease
        self.batch = batch
        self.policy = policy or RelayPolicy()
        self._paused_until: dict[str, datetime] = {}

    async def run_once(self) -> RelayReport:
        report = RelayReport()
        if not self.transports.channels:
            return report
        token = new_token()
        async with self.uow_factory() as uow:
            claimed = await uow.deliveries.claim(self.clock.now(), self.lease, self.batch, token)
            await uow.commit()
        if not claimed:
            return report
        async with heartbeat(claimed, token, self.lease, self._renew):
            # One chat's deliveries in the order they were written; chats side by side.
            by_chat: dict[tuple[str, int], list[int]] = {}
            async with self.uow_factory() as uow:
                for message_id in claimed:
                    message = await uow.deliveries.leased(message_id, token)
                    if message is not None:
                        key = (message.channel, message.chat_id)
                        by_chat.setdefault(key, []).append(message_id)
            await asyncio.gather(*(self._chat(ids, token, report) for ids in by_chat.values()))
        return report

    async def run_forever(
        self, stop: asyncio.Event, doorbell: Doorbell | None = None, idle_seconds: float = 1.0
    ) -> None:
        rung = asyncio.Event()
        unlisten = doorbell.listen(rung.set) if doorbell is not None else None
        try:
            while not stop.is_set():
                rung.clear()
                try:
                    report = await self.run_once()
                except Exception:
                    log.exception("relay round failed; retrying")
                    report = RelayReport()
                if report.sent + report.moved == 0:
                    waiters = [
                        asyncio.ensure_future(stop.wait()),
                        asyncio.ensure_future(rung.wait()),
                    ]
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait(
                            waiters, timeout=idle_seconds, return_when=asyncio.FIRST_COMPLETED
                        )
                    for waiter in waiters:
                        waiter.cancel()
        finally:
            if unlisten is not None:
                unlisten()

    async def _renew(self, ids: Sequence[int], token: str, lease: timedelta) -> int:
        async with self.uow_factory() as uow:
            held = await uow.deliveries.extend(ids, token, self.clock.now() + lease)
            await uow.commit()
        return held

    async def _chat(self, ids: list[int], token: str, report: RelayReport) -> None:
        for message_id in ids:
            try:
                outcome = await self._one(message_id, token)
            except Exception:
                log.exception("delivery %s failed unexpectedly", message_id)
                outcome = await self._settle(
                    message_id, token, Delivery(Outcome.NETWORK, detail="unexpected error"), 0
                )
            setattr(report, outcome, getattr(report, outcome) + 1)

    async def _one(self, message_id: int, token: str) -> str:
        async with self.uow_factory() as uow:
            message = await uow.deliveries.leased(message_id, token)
            if message is None:
                return "lost"
            channel = message.channel
            chat_id = await uow.chat_moves.current(channel, message.chat_id)
            screens = [from_json(data) for data in message.screens]
        transport = self.transports.get(channel)
        paused = self._paused_until.get(channel)
        if transport is None:
            delivery = Delivery(Outcome.NETWORK, detail=f"{channel} is not served here")
        elif paused is not None and paused > self.clock.now():
            delivery = Delivery(Outcome.PAUSED, detail="credentials refused")
        else:
            delivery = await transport.deliver(chat_id, screens)
        return await self._settle(message_id, token, delivery, chat_id)

    async def _settle(self, message_id: int, token: str, delivery: Delivery, chat_id: int) -> str:
        async with self.uow_factory() as uow:
            message = await uow.deliveries.leased(message_id, token)
            if message is None:
                log.warning("delivery %s: its lease was taken over while it was sent", message_id)
                return "lost"
            now = self.clock.now()
            metrics.message_settled(message.channel, delivery.outcome.value)
            outcome = self._apply(message, delivery, now)
            if outcome == "moved" and delivery.new_chat_id is not None:
                await uow.chat_moves.record(message.channel, chat_id, delivery.new_chat_id, now)
                log.warning("a %s chat moved to a new id; its messages follow it", message.channel)
            await uow.commit()
        return outcome

    def _apply(self, message: DurableMessage, delivery: Delivery, now: datetime) -> str:
        policy = self.policy
        channel = message.channel
        if delivery.outcome is Outcome.SENT:
            channel_health.token_accepted(channel)
            self._paused_until.pop(channel, None)
            message.status = OutboxStatus.SENT
            message.sent_at = now
            message.lease_until = None
            return "sent"
        if delivery.outcome is Outcome.MOVED and delivery.new_chat_id is not None:
            _again(message, now, "the chat moved", count=False)
            return "moved"
        if delivery.outcome is Outcome.PAUSED:
            channel_health.token_refused(channel, delivery.detail)
            until = now + timedelta(seconds=policy.auth_pause)
            self._paused_until[channel] = max(self._paused_until.get(channel, until), until)
            _again(message, self._paused_until[channel], "credentials refused", count=False)
            return "retried"
        if delivery.outcome in (Outcome.RETRY_AFTER, Outcome.CHAT_RETRY_AFTER):
            at = now + timedelta(seconds=max(delivery.retry_after, 1.0))
            _again(message, at, f"rate limited: {delivery.detail}", count=False)
            return "retried"
        if delivery.outcome is Outcome.NETWORK and message.attempts < policy.max_attempts:
            _again(message, now + policy.backoff(message.attempts), delivery.detail)
            return "retried"
        message.status = OutboxStatus.DEAD
        message.lease_until = None
        message.last_error = f"gave up: {delivery.detail or delivery.outcome.value}"[:300]
        log.error(
            "a delivery to a %s chat was given up (%s: %s)",
            channel,
            delivery.outcome.value,
            delivery.detail,
        )
        return "dead"


def _again(message: DurableMessage, at: datetime, reason: str, *, count: bool = True) -> None:
    message.status = OutboxStatus.PENDING
    message.due_at = at
    message.lease_until = None
    message.last_error = reason[:300]
    if not count:
        message.attempts = max(message.attempts - 1, 0)
