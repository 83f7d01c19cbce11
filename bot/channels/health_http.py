"""/healthz, /readyz and /metrics on the webhook server, for load balancers, systemd
watchdogs and Prometheus. /healthz says the process answers; /readyz says whether it
should get traffic (bot/services/health.py decides); /metrics is Prometheus' text format."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot import metrics
from bot.channels.webserver import WebhookServer
from bot.clock import Clock
from bot.services import health
from bot.services.health import ChannelHealth
from bot.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class HealthDeps:
    uow_factory: UnitOfWorkFactory
    clock: Clock
    channels: ChannelHealth
    max_outbox_lag: timedelta
    redis_ping: Callable[[], Awaitable[object]] | None = None


def mount_health(server: WebhookServer, deps: HealthDeps) -> Callable[[], None]:
    """Mount the three paths; returns what unmounts them."""

    async def alive(_request: web.Request) -> web.StreamResponse:
        return web.json_response({"status": "alive"})

    async def ready(_request: web.Request) -> web.StreamResponse:
        verdict = await health.readiness(
            deps.uow_factory,
            now=deps.clock.now(),
            max_outbox_lag=deps.max_outbox_lag,
            channels=deps.channels,
            redis_ping=deps.redis_ping,
        )
        body = {
            "ready": verdict.ready,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in verdict.checks},
        }
        return web.Response(
            text=json.dumps(body, ensure_ascii=False),
            status=200 if verdict.ready else 503,
            content_type="application/json",
        )

    async def scrape(_request: web.Request) -> web.StreamResponse:
        try:
            waiting = await health.backlog(deps.uow_factory, deps.clock.now())
        except Exception:  # the database is away: /readyz says so; keep the last values
            pass
        else:
            metrics.outbox_state(waiting.depth, waiting.oldest_due_age.total_seconds())
        return web.Response(
            body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    undo = [
        server.mount("/healthz", alive, ("GET", "HEAD")),
        server.mount("/readyz", ready, ("GET", "HEAD")),
        server.mount("/metrics", scrape, ("GET",)),
    ]

    def unmount() -> None:
        for step in undo:
            step()

    return unmount
