"""/healthz, /readyz and /metrics on the webhook server, as a load balancer and
Prometheus see them: readiness follows the database, Redis, refused tokens and the
outbox's lag, and the metrics count what the bot did."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.app import App, build_app
from bot.channels.health_http import HealthDeps, mount_health
from bot.channels.webserver import WebhookServer
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.care import Rule
from bot.services.health import ChannelHealth
from tests.builders import an_owner
from tests.builders.care import an_outbox_message
from tests.conftest import Chat, sqlite_url
from tests.e2e.conftest import free_port

LAG = timedelta(minutes=15)


class Probe:
    def __init__(self, app: App, channels: ChannelHealth, port: int) -> None:
        self.app = app
        self.channels = channels
        self.base = f"http://127.0.0.1:{port}"

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(self.base + path) as response:
            return response.status, await response.text()

    async def ready(self) -> tuple[int, dict[str, Any]]:
        async with aiohttp.ClientSession() as http, http.get(self.base + "/readyz") as response:
            return response.status, await response.json()


async def serve(
    app: App, redis_ping: Any = None, channels: ChannelHealth | None = None
) -> AsyncIterator[Probe]:
    channels = channels or ChannelHealth()
    port = free_port()
    server = WebhookServer("127.0.0.1", port)
    deps = HealthDeps(app.database.uow, app.clock, channels, LAG, redis_ping)
    mount_health(server, deps)
    await server.start()
    try:
        yield Probe(app, channels, port)
    finally:
        await server.close()


@pytest.fixture
async def probe(empty_app: App) -> AsyncIterator[Probe]:
    async for running in serve(empty_app):
        yield running


async def test_healthz_says_the_process_is_alive(probe: Probe) -> None:
    assert await probe.get("/healthz") == (200, '{"status": "alive"}')


async def test_a_healthy_bot_is_ready_and_says_what_it_checked(probe: Probe) -> None:
    status, body = await probe.ready()
    assert status == 200
    assert body == {
        "ready": True,
        "checks": {
            "database": {"ok": True, "detail": "ok"},
            "outbox": {"ok": True, "detail": "0 waiting, oldest due 0 s ago"},
        },
    }


@pytest.fixture
def database_folder(tmp_path: Path, empty_template: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(empty_template, folder / "ownerbot.db")
    return folder


async def test_readiness_turns_off_when_the_database_goes_away_and_back_when_it_returns(
    tmp_path: Path, clock: FixedClock, database_folder: Path
) -> None:
    folder = database_folder
    app = build_app(Settings(database_url=sqlite_url(folder / "ownerbot.db")), clock)
    try:
        async for probe in serve(app):
            assert (await probe.ready())[0] == 200
            folder.rename(tmp_path / "away")  # the volume is gone
            await app.database.engine.dispose()
            status, body = await probe.ready()
            assert status == 503
            assert body["ready"] is False
            assert body["checks"]["database"]["ok"] is False
            (tmp_path / "away").rename(folder)  # and back
            status, body = await probe.ready()
            assert (status, body["checks"]["database"]) == (200, {"ok": True, "detail": "ok"})
    finally:
        await app.close()


async def test_an_outbox_falling_behind_makes_the_bot_unready(probe: Probe) -> None:
    now = probe.app.clock.now()
    async with probe.app.database.uow() as uow:
        owner = await an_owner(uow, "TH")
        await an_outbox_message(uow, owner, Rule.WELCOME, due_at=now - timedelta(hours=1))
        await an_outbox_message(uow, owner, Rule.TIPS_DAY_7, due_at=now - timedelta(minutes=5))
        await an_outbox_message(uow, owner, Rule.TIPS_DAY_30, due_at=now + timedelta(days=1))
        await uow.commit()
    status, body = await probe.ready()
    assert status == 503
    assert body["checks"]["outbox"] == {"ok": False, "detail": "3 waiting, oldest due 3600 s ago"}
    status, metrics = await probe.get("/metrics")
    assert status == 200
    assert "ownerbot_outbox_depth 3.0" in metrics
    assert "ownerbot_outbox_oldest_due_age_seconds 3600.0" in metrics


async def test_a_refused_token_makes_the_bot_unready_until_it_works_again(probe: Probe) -> None:
    probe.channels.token_refused("telegram", "401 Unauthorized")
    status, body = await probe.ready()
    assert status == 503
    assert body["checks"]["telegram token"] == {"ok": False, "detail": "401 Unauthorized"}
    probe.channels.token_accepted("telegram")
    assert (await probe.ready())[0] == 200


async def test_redis_that_does_not_answer_makes_the_bot_unready(empty_app: App) -> None:
    closed = Redis(port=free_port(), socket_connect_timeout=0.5)
    try:
        async for probe in serve(empty_app, redis_ping=closed.ping):
            status, body = await probe.ready()
            assert status == 503
            assert body["checks"]["redis"]["ok"] is False
    finally:
        await closed.aclose()


@pytest.mark.skipif(not os.environ.get("OWNERBOT_TEST_REDIS_URL"), reason="no Redis to test")
async def test_redis_that_answers_is_part_of_readiness(empty_app: App) -> None:
    redis = Redis.from_url(os.environ["OWNERBOT_TEST_REDIS_URL"])
    try:
        async for probe in serve(empty_app, redis_ping=redis.ping):
            status, body = await probe.ready()
            assert (status, body["checks"]["redis"]) == (200, {"ok": True, "detail": "ok"})
    finally:
        await redis.aclose()


def counter(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    match = re.search(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_metrics_count_the_updates_each_channel_handled(app: App) -> None:
    async for probe in serve(app):
        before = (await probe.get("/metrics"))[1]
        chat = Chat(app, user_id=990001, lang="en")
        await chat.say("/start")
        await chat.say("/help")
        after = (await probe.get("/metrics"))[1]
        handled = {"channel": "console", "outcome": "handled"}
        assert counter(after, "ownerbot_updates_total", **handled) - counter(
            before, "ownerbot_updates_total", **handled
        ) == pytest.approx(2)
        assert "# TYPE ownerbot_handler_seconds histogram" in after
        assert 'ownerbot_handler_seconds_count{channel="console"}' in after
