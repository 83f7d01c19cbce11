"""LINE's settings block and life cycle: the parts (API client, quota, sending,
media, channel), the routes they add to an aiohttp server (`/webhook/line`,
`/media/{token}/{name}`), the outbox transport for the care jobs, and a server of
its own for `ownerbot run` with LINE alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.channels.line.api import LineApi
from bot.channels.line.channel import Handles, LineChannel
from bot.channels.line.media import MediaLinks, media_handler
from bot.channels.line.outbox import LineTransport
from bot.channels.line.quota import PushQuota
from bot.channels.line.sending import Sending, SendPolicy
from bot.channels.line.webhook import PATH, webhook_handler
from bot.clock import Clock
from bot.scheduler.sender import Transport
from bot.services.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

StopJobs = Callable[[], None]


@dataclass(frozen=True, slots=True)
class LineSettings:
    channel_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    api_base: str  # https://api.line.me, or a fake
    data_api_base: str  # https://api-data.line.me (photos owners send), or a fake
    public_url: str | None  # our HTTPS address, for the images and files LINE fetches


@dataclass(frozen=True, slots=True)
class LineDeps:
    settings: LineSettings
    dispatcher: Handles
    uow_factory: UnitOfWorkFactory
    clock: Clock
    listen: str = "127.0.0.1"
    port: int = 8080
    start_jobs: Callable[[Transport], StopJobs] | None = None
    policy: SendPolicy = field(default_factory=SendPolicy)


@dataclass
class LineParts:
    api: LineApi
    channel: LineChannel
    transport: LineTransport

    async def close(self) -> None:
        await self.channel.close()
        await self.api.close()


def build_line(deps: LineDeps) -> LineParts:
    s = deps.settings
    api = LineApi(token=s.access_token, api_base=s.api_base, data_api_base=s.data_api_base)
    sending = Sending(api, PushQuota(api, deps.clock), deps.clock, deps.policy)
    media = MediaLinks(deps.uow_factory, s.public_url, deps.clock)
    channel = LineChannel(
        api=api,
        dispatcher=deps.dispatcher,
        uow_factory=deps.uow_factory,
        clock=deps.clock,
        media=media,
        sending=sending,
    )
    return LineParts(api, channel, LineTransport(sending, media, deps.uow_factory))


def add_line_routes(app: web.Application, deps: LineDeps, parts: LineParts) -> None:
    """LINE's webhook and the media it fetches, on a server that may serve others too."""
    app.router.add_post(
        PATH, webhook_handler(deps.settings.channel_secret, parts.channel, deps.clock)
    )
    app.router.add_get("/media/{token}/{name}", media_handler(deps.uow_factory, deps.clock))


async def serve_line(deps: LineDeps, stop: asyncio.Event) -> None:
    """LINE on a server of its own until `stop`, with the care jobs if given."""
    parts = build_line(deps)
    if deps.settings.public_url is None:
        log.warning("OWNERBOT_PUBLIC_URL is not set: QR codes and files can't be shown on LINE")
    application = web.Application()
    add_line_routes(application, deps, parts)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    stop_jobs = None
    try:
        await web.TCPSite(runner, deps.listen, deps.port).start()
        log.info("LINE webhook listening on %s:%d%s", deps.listen, deps.port, PATH)
        stop_jobs = deps.start_jobs(parts.transport) if deps.start_jobs else None
        await stop.wait()
    finally:
        if stop_jobs is not None:
            stop_jobs()
        await runner.cleanup()
        await parts.close()
    log.info("LINE stopped")
