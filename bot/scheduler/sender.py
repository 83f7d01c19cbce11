"""The outbox sender: claims due messages, applies the guardrails at send time, renders
each message in the owner's current language and delivers it on the one channel the
owner is told things on (`contact_account`), within that platform's limits.

Delivery guarantee (tested in tests/services/test_care_sender.py and the crash test):
a message is claimed (status "sending", with a lease and the claim's fencing token)
and committed *before* it is sent, and marked "sent" in a new transaction right after.
While it is being sent a heartbeat renews the lease, so a slow send (a long 429 pause)
is never claimed by a second sender; a settle counts only while the row still carries
the claim's token (`leases.py`). If the process dies between the two, the lease
expires and the message is sent again. So after a crash nothing
planned is lost and nothing is sent twice, except the messages whose send was in
flight at the moment of the crash: at most `concurrency` of them (16 by default; one with
`OWNERBOT_SENDER_CONCURRENCY=1`), each at most twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import metrics
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
from bot.scheduler.delivery import (
    Delivery,
    Outcome,
    Transport,
    Transports,
    limits_of,
    session_window,
)
from bot.scheduler.leases import heartbeat, new_token
from bot.scheduler.limits import InProcessLimiter, RateLimiter
from bot.services.accounts import contact_account, mark_unreachable
from bot.services.health import CHANNELS as channel_health
from bot.services.ports import UnitOfWork, UnitOfWorkFactory
from handlers.types import Screen

__all__ = ["Delivery", "Outcome", "Sender", "Transport", "Transports"]

log = logging.getLogger(__name__)

# A minute's margin on WhatsApp's window: `last_seen_at` is kept to the minute.
WINDOW_MARGIN = timedelta(minutes=2)
# How long a channel whose credentials were refused holds its sends.
PAUSE_ON_AUTH = 300.0
# Set in an outbox row's payload when the platform refused it outside its window.
TEMPLATE_FLAG = "template"


@dataclass(frozen=True)
class Draft:
    """A message ready to go: where (channel and chat), what, and for whom."""

    message_id: int
    token: str  # the claim holding the lease
    owner_id: int
    channel: str
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
    lost: int = 0  # another sender took the message over: not ours to settle

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


class Sender:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        reference: Reference,
        transport: Transport | Transports,
        clock: Clock,
        render: Render,
        after_sent: AfterSent = _nothing_after,
        lease: timedelta = timedelta(seconds=120),
        concurrency: int = 4,
        batch: int = 200,
        retry_policy: CarePolicy | None = None,
        limiter: RateLimiter | None = None,
        limiter_for: Callable[[Transport], RateLimiter] | None = None,
    ) -> None:
        """`transport`: one channel's, or the registry of every channel served.
        `limiter` holds every channel to one set of limits (tests); otherwise each
        channel gets its own from `limiter_for` (default: in process, its limits)."""
        self.uow_factory = uow_factory
        self.reference = reference
        self.transports = transport if isinstance(transport, Transports) else Transports(transport)
        self._shared_limiter = limiter
        self._limiter_for = limiter_for or (lambda t: InProcessLimiter(limits=limits_of(t)))
        self._limiters: dict[str, RateLimiter] = {}
        self.clock = clock
        self.render = render
        self.after_sent = after_sent
        self.lease = lease
        self.concurrency = max(concurrency, 1)
        self.batch = batch
        self.retry = retry_policy or CarePolicy()  # attempts and back-off are not per market

    def limiter(self, transport: Transport) -> RateLimiter:
        if self._shared_limiter is not None:
            return self._shared_limiter
        limiter = self._limiters.get(transport.channel)
        if limiter is None:
            limiter = self._limiters[transport.channel] = self._limiter_for(transport)
        return limiter

    async def run_once(self) -> SendReport:
        """Claim what is due now and deliver it. Returns what happened."""
        report = SendReport()
        if not self.transports.channels:
            return report  # no channel is up yet: claim nothing
        token = new_token()
        async with self.uow_factory() as uow:
            claimed = await uow.outbox.claim(self.clock.now(), self.lease, self.batch, token)
            await uow.commit()
        if not claimed:
            return report
        gate = asyncio.Semaphore(self.concurrency)
        owner_locks: dict[int, asyncio.Lock] = {}

        async def one(message_id: int) -> None:
            async with gate:
                outcome = await self._process(message_id, token, owner_locks)
                report.count(outcome)

        async with heartbeat(claimed, token, self.lease, self._renew):
            await asyncio.gather(*(one(message_id) for message_id in claimed))
        return report

    async def _renew(self, ids: Sequence[int], token: str, lease: timedelta) -> int:
        async with self.uow_factory() as uow:
            held = await uow.outbox.extend(ids, token, self.clock.now() + lease)
            await uow.commit()
        return held

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
                + report.lost
                == 0
            ):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle_seconds)

    async def _process(
        self, message_id: int, lease: str, owner_locks: dict[int, asyncio.Lock]
    ) -> str:
        token = correlation_id.set(new_correlation_id())
        try:
            draft, outcome = await self._prepare(message_id, lease)
            if draft is None:
                return outcome
            transport = self.transports.get(draft.channel)
            if transport is None:  # its channel stopped since the message was prepared
                await self._settle_error(message_id, lease, f"{draft.channel} is not served")
                return "retried"
            # One owner's messages go one at a time (caps were decided in order).
            async with owner_locks.setdefault(draft.owner_id, asyncio.Lock()):
                await self.limiter(transport).acquire(draft.chat_id)
                delivery = await transport.deliver(draft.chat_id, draft.screens)
            return await self._settle(draft, delivery)
        except Exception:
            log.exception("outbox message %s failed unexpectedly", message_id)
            await self._settle_error(message_id, lease, "unexpected error")
            return "retried"
        finally:
            correlation_id.reset(token)

    async def _prepare(self, message_id: int, lease: str) -> tuple[Draft | None, str]:
        """Decide and render in one short transaction; never hold it across the network."""
        async with self.uow_factory() as uow:
            message = await uow.outbox.leased(message_id, lease)
            if message is None:
                return None, "lost"
            now = self.clock.now()
            await uow.outbox.lock_owner(message.owner_id)
            owner = await uow.owners.get(message.owner_id)
            account = await contact_account(uow, owner, self.transports.channels) if owner else None
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
            rendered = await self.render(uow, message, owner, account)
            screens = self._within_window(message, account, rendered or [], now)
            if not screens:
                reason = (
                    "outside the platform's window, and no template"
                    if rendered
                    else "nothing to say any more"
                )
                _finish(message, OutboxStatus.SKIPPED, reason)
                await uow.commit()
                return None, "skipped"
            message.sent_at = now  # reserves the slot under the marketing caps
            await uow.commit()
            draft = Draft(
                message_id, lease, message.owner_id, account.channel, account.chat_id, screens
            )
            return draft, ""

    def _within_window(
        self, message: OutboxMessage, account: Account, screens: list[Screen], now: datetime
    ) -> list[Screen]:
        """Free-form screens inside the platform's window; outside it (or once the
        platform said so) only the screens' templates, alone."""
        transport = self.transports.get(account.channel)
        window = session_window(transport) if transport is not None else None
        if window is None or not uses_template(message, account, window, now):
            return [dataclasses.replace(s, template=None) for s in screens]
        return [Screen(text=s.text, template=s.template) for s in screens if s.template]

    async def _settle(self, draft: Draft, delivery: Delivery) -> str:
        async with self.uow_factory() as uow:
            message = await uow.outbox.leased(draft.message_id, draft.token)
            if message is None:
                log.warning(
                    "outbox message %s: its lease was taken over while it was sent (%s); "
                    "the outcome is not recorded",
                    draft.message_id,
                    delivery.outcome.value,
                )
                return "lost"
            now = self.clock.now()
            policy = self.retry
            metrics.message_settled(draft.channel, delivery.outcome.value)
            if delivery.outcome is Outcome.SENT:
                channel_health.token_accepted(draft.channel)
                message.status = OutboxStatus.SENT
                message.sent_at = now
                message.lease_until = None
                outcome = "sent"
            elif delivery.outcome is Outcome.RETRY_AFTER:
                self.limiter_of(draft.channel).pause(delivery.retry_after)
                at = now + timedelta(seconds=delivery.retry_after)
                _back_to_pending(message, at, "429 retry after", count_attempt=False)
                outcome = "retried"
            elif delivery.outcome is Outcome.CHAT_RETRY_AFTER:
                at = now + timedelta(seconds=delivery.retry_after)
                _back_to_pending(message, at, "this chat's rate limit", count_attempt=False)
                outcome = "retried"
            elif delivery.outcome is Outcome.OUTSIDE_WINDOW and not message.payload.get(
                TEMPLATE_FLAG
            ):
                message.payload = {**message.payload, TEMPLATE_FLAG: True}
                _back_to_pending(message, now, "outside the 24-hour window", count_attempt=False)
                outcome = "retried"
            elif delivery.outcome is Outcome.PAUSED:
                channel_health.token_refused(draft.channel, delivery.detail)
                self.limiter_of(draft.channel).pause(PAUSE_ON_AUTH)
                at = now + timedelta(seconds=PAUSE_ON_AUTH)
                _back_to_pending(message, at, "credentials refused", count_attempt=False)
                outcome = "retried"
            elif delivery.outcome is Outcome.MOVED and delivery.new_chat_id is not None:
                await uow.chat_moves.record(draft.channel, draft.chat_id, delivery.new_chat_id, now)
                await _move_account(uow, draft.channel, draft.chat_id, delivery.new_chat_id)
                _back_to_pending(message, now, "the chat moved", count_attempt=False)
                outcome = "retried"
            elif delivery.outcome is Outcome.BLOCKED:
                _finish(message, OutboxStatus.FAILED, "the owner blocked the bot")
                await mark_unreachable(uow, channel=draft.channel, chat_id=draft.chat_id, now=now)
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

    def limiter_of(self, channel: str) -> RateLimiter:
        transport = self.transports.get(channel)
        if transport is None:
            return self._shared_limiter or InProcessLimiter()
        return self.limiter(transport)

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

    async def _settle_error(self, message_id: int, lease: str, reason: str) -> None:
        try:
            async with self.uow_factory() as uow:
                message = await uow.outbox.leased(message_id, lease)
                if message is not None:
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


async def _move_account(uow: UnitOfWork, channel: str, old: int, new: int) -> None:
    account = await uow.accounts.by_chat(channel, old)
    if account is not None:
        account.chat_id = new


# A late "outside the window" report (a status webhook) is about a message this recent.
LATE_REPORT = timedelta(minutes=10)


async def window_closed(uow: UnitOfWork, *, channel: str, chat_id: int, now: datetime) -> int:
    """The platform reported after the fact that a message to this chat was outside
    its window (WhatsApp's 131047 in a status webhook): the window is closed from now
    on, and the care messages sent there in the last minutes go again as templates.
    Returns how many."""
    account = await uow.accounts.by_chat(channel, chat_id)
    if account is None or account.owner_id is None:
        return 0
    if account.last_seen_at is not None and account.last_seen_at > now - timedelta(days=1):
        account.last_seen_at = now - timedelta(days=1)
    again = 0
    for message in await uow.outbox.of_owner(account.owner_id):
        recent = message.sent_at is not None and message.sent_at >= now - LATE_REPORT
        flagged = message.payload.get(TEMPLATE_FLAG)
        if message.status == OutboxStatus.SENT and recent and not flagged:
            message.payload = {**message.payload, TEMPLATE_FLAG: True}
            _back_to_pending(message, now, "outside the 24-hour window (reported late)")
            again += 1
    return again


def uses_template(
    message: OutboxMessage, account: Account, window: timedelta, now: datetime
) -> bool:
    """Outside the window since the person last wrote (or the platform said so)."""
    if message.payload.get(TEMPLATE_FLAG):
        return True
    seen = account.last_seen_at
    return seen is None or now - seen >= window - WINDOW_MARGIN


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
