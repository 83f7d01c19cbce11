"""The jobs `ownerbot run` schedules, built from the composition root's `JobDeps`."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import pytest
from pydantic import SecretStr

from bot.app import App, job_deps, telegram_deps
from bot.scheduler import jobs
from bot.scheduler.jobs import build_scheduler, build_sender, plan_job
from bot.scheduler.limits import InProcessLimiter, MeasuredLimiter
from tests.fakes.transport import FakeTransport


def test_the_scheduler_plans_care_sends_the_outbox_posts_announcements_and_runs_nightly_jobs(
    app: App,
) -> None:
    deps = job_deps(app)
    scheduler = build_scheduler(deps, build_sender(deps, FakeTransport()))
    assert {job.id for job in scheduler.get_jobs()} == {
        "care-plan",
        "expiry",
        "tier-review",
        "care-send",
        "announcements-post",
    }
    without_sender = {job.id for job in build_scheduler(deps, None).get_jobs()}
    assert not without_sender & {"care-send", "announcements-post"}


def test_the_sender_takes_its_limits_and_concurrency_from_the_settings(app: App) -> None:
    settings = app.settings.model_copy(update={"sender_concurrency": 3})
    transport = FakeTransport()
    sender = build_sender(job_deps(dataclasses.replace(app, settings=settings)), transport)
    assert sender.concurrency == 3
    limiter = sender.limiter(transport)
    assert isinstance(limiter, MeasuredLimiter)  # its waits are counted in /metrics
    assert isinstance(limiter.inner, InProcessLimiter), "no Redis configured"


async def test_the_planner_job_queues_what_is_due_in_the_apps_database(app: App) -> None:
    async with app.database.uow() as uow:
        before = await uow.outbox.pending_count()
    await plan_job(job_deps(app))
    async with app.database.uow() as uow:
        after = await uow.outbox.pending_count()
    assert after > before, "the demo owners have care messages due"


async def test_the_relay_always_runs_beside_telegram_and_the_care_jobs_only_when_asked(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []

    def fake_scheduler(_deps: object, _transports: object) -> Callable[[], None]:
        started.append("care jobs")
        return lambda: None

    monkeypatch.setattr(jobs, "start_scheduler", fake_scheduler)
    with_token = {"telegram_bot_token": SecretStr("123:abc")}
    off = app.settings.model_copy(update=with_token)  # the tests' app has them off
    on = app.settings.model_copy(update={**with_token, "care_scheduler": True})
    for settings in (off, on):
        start = telegram_deps(dataclasses.replace(app, settings=settings)).start_jobs
        assert start is not None
        stop = start(FakeTransport())
        assert [t.get_name() for t in asyncio.all_tasks() if t.get_name() == "relay"] == ["relay"]
        stop()
        await asyncio.sleep(0)
    assert started == ["care jobs"]
