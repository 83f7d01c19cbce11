"""The outbox sender: claims due messages, applies the guardrails at send time, renders
each message in the owner's current language and delivers it within Telegram's limits.

Delivery guarantee (tested in tests/services/test_care_sender.py and the crash test):
a message is claimed (status "sending", with a lease) and committed *before* it is
sent, and marked "sent" in a new transaction right after. If the process dies between
the two, the lease expires and the message is sent again. So after a crash nothing
planned is lost and nothing is sent twice, except the messages whose send was in
flight at the moment of the crash: at most `concurrency` of them (16 by default; one with
`OWNERBOT_SENDER_CONCURRENCY=1`), each at most twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.clock import Clock
from bot.domain.care import (
    CapState,
    CarePolicy,
    Category,
    OutboxMessage,
    OutboxStatus,
    Recipient,
    Verdict,
    Window,
    backoff,
    decide,
)
from bot.domain.owners import Account, Owner
from bot.domain.reference import Reference
from bot.logs import correlation_id, new_correlation_id
from bot.scheduler.limits import RateLimiter
from bot.services.accounts import mark_unreachable, owner_account
from bot.services.ports import UnitOfWork, UnitOfWorkFactory
from handlers.types import Screen

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # 429: Telegram names the wait
    BLOCKED = "blocked"  # 403: the owner blocked the bot
    NETWORK = "network"  # timeouts, connection errors, 5xx
    REJECTED = "rejected"  # 400: this message can never be sent as it is


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_after: float = 0.0
    detail: str = ""


class Transport(Protocol):
    channel: str

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery: ...


@dataclass(frozen=True)
class Draft:
    """A message ready to go: where, what, and for whom."""

    message_id: int
    owner_id: int
    chat_id: int
    screens: list[Screen]


Render = Callable[[UnitOfWork, OutboxMessage, Owner, Account], Awaitable[list[Screen] | None]]
# What a delivered message changes besides its own row (run after "sent" is committed).
AfterSent = Callable[[UnitOfWork, OutboxMessage], Awaitable[None]]


async def _nothing_after(_uow: UnitOfWork, _message: OutboxMessage) -> None:
    return None


@dataclass
class SendReport:
    sent: int = 0
    later: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    dead: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


class Sender:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        reference: Reference,
        transport: Transport,
        limiter: RateLimiter,
        clock: Clock,
        render: Render,
        after_sent: AfterSent = _nothing_after,
        lease: timedelta = timedelta(seconds=120),
        concurrency: int = 4,
        batch: int = 200,
        retry_policy: CarePolicy | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.reference = reference
        self.transport = transport
        self.limiter = limiter
        self.clock = clock
        self.render = render
        self.after_sent = after_sent
        self.lease = lease
        self.concurrency = max(concurrency, 1)
        self.batch = batch
        self.retry = retry_policy or CarePolicy()  # attempts and back-off are not per market

    async def run_once(self) -> SendReport:
        """Claim what is due now and deliver it. Returns what happened."""
        report = SendReport()
        async with self.uow_factory() as uow:
            claimed = await uow.outbox.claim(self.clock.now(), self.lease, self.batch)
            await uow.commit()
        if not claimed:
            return report
        gate = asyncio.Semaphore(self.concurrency)
        owner_locks: dict[int, asyncio.Lock] = {}

        async def one(message_id: int) -> None:
            async with gate:
                outcome = await self._process(message_id, owner_locks)
                report.count(outcome)

        await asyncio.gather(*(one(message_id) for message_id in claimed))
        return report

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        while not stop.is_set():
            try:
                report = await self.run_once()
            except Exception:
                log.exception("sender round failed; retrying")
                report = SendReport()
            if (
                report.sent
                + report.later
                + report.skipped
                + report.retried
                + report.failed
                + report.dead
                == 0
            ):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle_seconds)

    async def _process(self, message_id: int, owner_locks: dict[int, asyncio.Lock]) -> str:
        token = correlation_id.set(new_correlation_id())
        try:
            draft, outcome = await self._prepare(message_id)
            if draft is None:
                return outcome
            # One owner's messages go one at a time (caps were decided in order).
            async with owner_locks.setdefault(draft.owner_id, asyncio.Lock()):
                await self.limiter.acquire(draft.chat_id)
                delivery = await self.transport.deliver(draft.chat_id, draft.screens)
            return await self._settle(draft, delivery)
        except Exception:
            log.exception("outbox message %s failed unexpectedly", message_id)
            await self._settle_error(message_id, "unexpected error")
            return "retried"
        finally:
            correlation_id.reset(token)

    async def _prepare(self, message_id: int) -> tuple[Draft | None, str]:
        """Decide and render in one short transaction; never hold it across the network."""
        async with self.uow_factory() as uow:
            message = await uow.outbox.get(message_id)
            if message is None or message.status is not OutboxStatus.SENDING:
                return None, "skipped"
            now = self.clock.now()
            await uow.outbox.lock_owner(message.owner_id)
            owner = await uow.owners.get(message.owner_id)
            account = await owner_account(uow, message.owner_id, self.transport.channel)
            recipient = self._recipient(owner, account)
            caps = (
                await uow.outbox.caps(message.owner_id, now)
                if message.category is Category.MARKETING
                else CapState(0, 0, None, None)
            )
            policy = self.reference.care.get(owner.market, self.retry) if owner else self.retry
            decision = decide(
                category=message.category,
                recipient=recipient,
                now=now,
                expires_at=message.expires_at,
                caps=caps,
                policy=policy,
                rule=message.rule,
            )
            if decision.verdict is Verdict.LATER:
                assert decision.at is not None
                assert decision.reason is not None
                _back_to_pending(message, decision.at, decision.reason, count_attempt=False)
                await uow.commit()
                return None, "later"
            if decision.verdict is Verdict.SKIP:
                assert decision.reason is not None
                _finish(message, OutboxStatus.SKIPPED, decision.reason)
                await uow.commit()
                return None, "skipped"
            assert owner is not None
            assert account is not None
            screens = await self.render(uow, message, owner, account)
            if not screens:
                _finish(message, OutboxStatus.SKIPPED, "nothing to say any more")
                await uow.commit()
                return None, "skipped"
            message.sent_at = now  # reserves the slot under the marketing caps
            await uow.commit()
            return Draft(message_id, message.owner_id, account.chat_id, screens), ""

    async def _settle(self, draft: Draft, delivery: Delivery) -> str:
        async with self.uow_factory() as uow:
            message = await uow.outbox.get(draft.message_id)
            assert message is not None
            now = self.clock.now()
            policy = self.retry
            if delivery.outcome is Outcome.SENT:
                message.status = OutboxStatus.SENT
                message.sent_at = now
                message.lease_until = None
                outcome = "sent"
            elif delivery.outcome is Outcome.RETRY_AFTER:
                self.limiter.pause(delivery.retry_after)
                at = now + timedelta(seconds=delivery.retry_after)
                _back_to_pending(message, at, "429 retry after", count_attempt=False)
                outcome = "retried"
            elif delivery.outcome is Outcome.BLOCKED:
                _finish(message, OutboxStatus.FAILED, "the owner blocked the bot")
                await mark_unreachable(
                    uow, channel=self.transport.channel, chat_id=draft.chat_id, now=now
                )
                outcome = "failed"
            elif delivery.outcome is Outcome.NETWORK and message.attempts < policy.max_attempts:
                _back_to_pending(message, now + backoff(message.attempts, policy), delivery.detail)
                outcome = "retried"
            else:
                reason = delivery.detail or delivery.outcome.value
                _finish(message, OutboxStatus.DEAD, f"gave up: {reason}")
                outcome = "dead"
            await uow.commit()
        if outcome == "sent":
            await self._after_sent(draft.message_id)
        return outcome

    async def _after_sent(self, message_id: int) -> None:
        """The hook runs once "sent" is committed, in its own transaction: its failure
        is logged and can never put the message back in line to be sent again."""
        try:
            async with self.uow_factory() as uow:
                message = await uow.outbox.get(message_id)
                if message is not None:
                    await self.after_sent(uow, message)
                    await uow.commit()
        except Exception:
            log.exception("message %s: the after-sent bookkeeping failed", message_id)

    async def _settle_error(self, message_id: int, reason: str) -> None:
        try:
            async with self.uow_factory() as uow:
                message = await uow.outbox.get(message_id)
                if message is not None and message.status is OutboxStatus.SENDING:
                    policy = self.retry
                    if message.attempts >= policy.max_attempts:
                        _finish(message, OutboxStatus.DEAD, f"gave up: {reason}")
                    else:
                        _back_to_pending(
                            message, self.clock.now() + backoff(message.attempts, policy), reason
                        )
                    await uow.commit()
        except Exception:
            log.exception("could not record the failure of outbox message %s", message_id)

    def _recipient(self, owner: Owner | None, account: Account | None) -> Recipient | None:
        if owner is None:
            return None
        market = self.reference.markets.get(owner.market)
        return Recipient(
            erased=owner.erased_at is not None,
            reachable=account is not None and account.unreachable_at is None,
            consent_service=bool(owner.consent_service),
            consent_marketing=bool(owner.consent_marketing),
            zone=owner.timezone or (market.timezone if market else "UTC"),
            window=Window(owner.send_from_hour, owner.send_until_hour),
        )


def _back_to_pending(
    message: OutboxMessage, at: datetime, reason: str, *, count_attempt: bool = True
) -> None:
    message.status = OutboxStatus.PENDING
    message.due_at = at
    message.lease_until = None
    message.sent_at = None
    message.last_error = reason[:300]
    if not count_attempt:
        message.attempts = max(message.attempts - 1, 0)


def _finish(message: OutboxMessage, status: OutboxStatus, reason: str) -> None:
    message.status = status
    message.lease_until = None
    if status is not OutboxStatus.SENT:
        message.sent_at = None
    message.last_error = reason[:300]
