"""The jobs `ownerbot run` schedules with APScheduler 3 (AsyncIOScheduler).

- the care planner every 10 minutes (idempotent: safe on several machines);
- the outbox sender every 2 seconds (one round at a time; several senders share the
  outbox on PostgreSQL), and the announcements' group poster beside it;
- points and voucher expiry nightly, the tier review nightly (demotions only happen on
  each account's yearly review date).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import metrics
from bot.clock import Clock
from bot.domain.reference import Reference
from bot.i18n import Catalogs
from bot.scheduler.announcements import AnnouncementPoster
from bot.scheduler.delivery import Transport, Transports, limits_of
from bot.scheduler.limits import InProcessLimiter, MeasuredLimiter, RateLimiter, RedisLimiter
from bot.scheduler.sender import Sender
from bot.services import care, care_increment
from bot.services.loyalty import expiry, tiers
from bot.services.ports import UnitOfWorkFactory
from handlers.care_messages import after_sent, renderer_for

log = logging.getLogger(__name__)

PLAN_EVERY = timedelta(minutes=10)
SEND_EVERY = timedelta(seconds=2)


@dataclass(frozen=True, slots=True)
class JobDeps:
    """What the jobs and the outbox sender use; the composition root (bot/app.py)
    builds it from the settings."""

    uow_factory: UnitOfWorkFactory
    reference: Reference
    catalogs: Catalogs
    clock: Clock
    redis_url: str | None  # set: the bot-wide limits are shared through Redis
    sender_concurrency: int  # messages in flight at once
    planner_connections: int  # planning statements run at once (1 on SQLite)
    # Enters `name` only if no other process runs it (the planner: one at a time).
    alone: Callable[[str], AbstractAsyncContextManager[bool]]


PLANNER = "ownerbot-care-planner"


async def plan_job(
    deps: JobDeps,
    step_done: Callable[[int], None] | None = None,
    *,
    from_scratch: bool = False,
) -> care.PlanReport | None:
    """Plan what is due; None when another process is planning right now (every worker
    runs the scheduler, one plans at a time). Only what changed since the last run is
    planned (bot/services/care_increment.py), unless `from_scratch`."""
    async with deps.alone(PLANNER) as alone:
        if not alone:
            log.info("another process is planning care messages; this run is skipped")
            return None
        report = await care_increment.plan_changes(
            deps.uow_factory,
            deps.reference,
            deps.clock.now(),
            step_done,
            from_scratch=from_scratch,
            connections=deps.planner_connections,
        )
    for rule, seconds in report.seconds.items():
        metrics.rule_planned(rule.value, seconds)
    if report.total:
        planned = ", ".join(f"{rule} {count}" for rule, count in report.planned.items() if count)
        log.info("care planner queued %d messages: %s", report.total, planned)
    return report


async def expiry_job(deps: JobDeps) -> None:
    now = deps.clock.now()
    async with deps.uow_factory() as uow:
        lots, vouchers = await expiry.expire(uow, now)
        await uow.commit()
    log.info("expired %d lots and %d vouchers", lots, vouchers)


async def review_job(deps: JobDeps) -> None:
    now = deps.clock.now()
    async with deps.uow_factory() as uow:
        report = await tiers.review_tiers(uow, deps.reference, now)
        await uow.commit()
    log.info(
        "tier review: kept %d, warned %d, demoted %d", report.kept, report.noticed, report.demoted
    )


def build_sender(deps: JobDeps, transport: Transport | Transports) -> Sender:
    """The outbox sender with the bot-wide limits of each channel: shared through Redis
    when OWNERBOT_REDIS_URL is set (several senders), in process otherwise."""
    limiter_for: Callable[[Transport], RateLimiter]
    if deps.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(deps.redis_url)

        def limiter_for(t: Transport) -> RateLimiter:
            # Telegram keeps the prefix it always had; other channels count apart.
            prefix = "ownerbot:rl" if t.channel == "telegram" else f"ownerbot:rl:{t.channel}"
            return MeasuredLimiter(RedisLimiter(redis, prefix, limits=limits_of(t)), t.channel)
    else:

        def limiter_for(t: Transport) -> RateLimiter:
            return MeasuredLimiter(InProcessLimiter(limits=limits_of(t)), t.channel)

    return Sender(
        uow_factory=deps.uow_factory,
        reference=deps.reference,
        transport=transport,
        limiter_for=limiter_for,
        clock=deps.clock,
        render=renderer_for(deps.catalogs, deps.reference, deps.clock.now),
        after_sent=after_sent,
        concurrency=deps.sender_concurrency,
    )


def build_poster(deps: JobDeps, sender: Sender) -> AnnouncementPoster:
    """The group poster, on the sender's channels and within the sender's limits."""
    return AnnouncementPoster(
        uow_factory=deps.uow_factory,
        reference=deps.reference,
        catalogs=deps.catalogs,
        transports=sender.transports,
        limiter=sender.limiter_of,
        clock=deps.clock,
    )


def build_scheduler(deps: JobDeps, sender: Sender | None) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    scheduler.add_job(
        plan_job,
        IntervalTrigger(seconds=int(PLAN_EVERY.total_seconds())),
        args=[deps],
        id="care-plan",
        next_run_time=deps.clock.now(),
        **common,
    )
    scheduler.add_job(
        expiry_job, CronTrigger(hour=2, minute=30), args=[deps], id="expiry", **common
    )
    scheduler.add_job(
        review_job, CronTrigger(hour=3, minute=0), args=[deps], id="tier-review", **common
    )
    if sender is not None:
        scheduler.add_job(
            sender.run_once,
            IntervalTrigger(seconds=int(SEND_EVERY.total_seconds())),
            id="care-send",
            **common,
        )
        scheduler.add_job(
            build_poster(deps, sender).run_once,
            IntervalTrigger(seconds=int(SEND_EVERY.total_seconds())),
            id="announcements-post",
            **common,
        )
    return scheduler


def start_scheduler(deps: JobDeps, transport: Transport | Transports) -> Callable[[], None]:
    """The planner, the sender (through `transport`, or every channel's) and the
    nightly jobs, running next to the channels; returns what stops them."""
    scheduler = build_scheduler(deps, build_sender(deps, transport))
    scheduler.start()
    return functools.partial(scheduler.shutdown, wait=False)
