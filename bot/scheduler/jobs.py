"""The jobs `ownerbot run` schedules with APScheduler 3 (AsyncIOScheduler).

- the care planner every 10 minutes (idempotent: safe on several machines);
- the outbox sender every 2 seconds (one round at a time; several senders share the
  outbox on PostgreSQL);
- points and voucher expiry nightly, the tier review nightly (demotions only happen on
  each account's yearly review date).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import App
from bot.scheduler.limits import InProcessLimiter, RateLimiter, RedisLimiter
from bot.scheduler.sender import Sender, Transport
from bot.services import care, loyalty
from handlers.care_messages import after_sent, renderer_for

log = logging.getLogger(__name__)

PLAN_EVERY = timedelta(minutes=10)
SEND_EVERY = timedelta(seconds=2)


async def plan_job(app: App) -> None:
    report = await care.plan_in_steps(app.database.uow, app.reference, app.clock.now())
    if report.total:
        log.info("care planner queued %d messages: %s", report.total, report.planned)


async def expiry_job(app: App) -> None:
    now = app.clock.now()
    async with app.database.uow() as uow:
        lots, vouchers = await loyalty.expire(uow, now)
        await app.bus.commit(uow, now)
    log.info("expired %d lots and %d vouchers", lots, vouchers)


async def review_job(app: App) -> None:
    now = app.clock.now()
    async with app.database.uow() as uow:
        report = await loyalty.review_tiers(uow, app.reference, now)
        await app.bus.commit(uow, now)
    log.info(
        "tier review: kept %d, warned %d, demoted %d", report.kept, report.noticed, report.demoted
    )


def build_sender(app: App, transport: Transport) -> Sender:
    """The outbox sender with the bot-wide limits: shared through Redis when
    OWNERBOT_REDIS_URL is set (several senders), in process otherwise."""
    limiter: RateLimiter
    if app.settings.redis_url:
        from redis.asyncio import Redis

        limiter = RedisLimiter(Redis.from_url(app.settings.redis_url))
    else:
        limiter = InProcessLimiter()
    return Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=transport,
        limiter=limiter,
        clock=app.clock,
        render=renderer_for(app.catalogs, app.reference, app.clock.now),
        after_sent=after_sent,
        concurrency=app.settings.sender_concurrency,
    )


def build_scheduler(app: App, sender: Sender | None) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    scheduler.add_job(
        plan_job,
        IntervalTrigger(seconds=int(PLAN_EVERY.total_seconds())),
        args=[app],
        id="care-plan",
        next_run_time=app.clock.now(),
        **common,
    )
    scheduler.add_job(expiry_job, CronTrigger(hour=2, minute=30), args=[app], id="expiry", **common)
    scheduler.add_job(
        review_job, CronTrigger(hour=3, minute=0), args=[app], id="tier-review", **common
    )
    if sender is not None:
        scheduler.add_job(
            sender.run_once,
            IntervalTrigger(seconds=int(SEND_EVERY.total_seconds())),
            id="care-send",
            **common,
        )
    return scheduler
