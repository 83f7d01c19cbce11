"""LINE's settings block and life cycle: the parts (API client, quota, sending,
media, channel), the routes they add to an aiohttp server (`/webhook/line`,
`/media/{token}/{name}`; tests serve them alone), the outbox transport for the care
jobs, and `LineServing`, LINE among the channels of `ownerbot run`."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from aiohttp import web

from bot.channels.line.api import LineApi
from bot.channels.line.channel import Handles, LineChannel
from bot.channels.line.events import CHANNEL
from bot.channels.line.media import MediaLinks, media_handler
from bot.channels.line.outbox import LineTransport
from bot.channels.line.quota import PushQuota
from bot.channels.line.sending import Sending, SendPolicy
from bot.channels.line.webhook import PATH, webhook_handler
from bot.channels.serve import Shared
from bot.clock import Clock
from bot.scheduler.delivery import Transports
from bot.services.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)


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
    policy: SendPolicy = field(default_factory=SendPolicy)
    # The other channels' transports, for screens flows address to their chats.
    elsewhere: Transports | None = None


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
        elsewhere=deps.elsewhere,
    )
    return LineParts(api, channel, LineTransport(sending, media, deps.uow_factory))


def add_line_routes(app: web.Application, deps: LineDeps, parts: LineParts) -> None:
    """LINE's webhook and the media it fetches, on a server that may serve others too."""
    app.router.add_post(
        PATH, webhook_handler(deps.settings.channel_secret, parts.channel, deps.clock)
    )
    app.router.add_get("/media/{token}/{name}", media_handler(deps.uow_factory, deps.clock))


MEDIA_PREFIX = "/media/"


class LineServing:
    """LINE among the channels `serve_channels` runs: its webhook and the media LINE
    fetches on the shared server, its transport in the shared registry."""

    name = CHANNEL
    webhooks = True

    def __init__(self, deps: LineDeps, shared: Shared) -> None:
        self.deps = deps
        self.shared = shared

    async def run(self, stop: asyncio.Event) -> None:
        deps, server = self.deps, self.shared.server
        parts = build_line(deps)
        if deps.settings.public_url is None:
            log.warning("OWNERBOT_PUBLIC_URL is not set: QR codes and files can't be shown on LINE")
        webhook = webhook_handler(deps.settings.channel_secret, parts.channel, deps.clock)
        undo = [
            server.mount(PATH, webhook),
            server.mount(
                MEDIA_PREFIX, media_handler(deps.uow_factory, deps.clock), ("GET",), prefix=True
            ),
            self.shared.transports.register(parts.transport),
        ]
        try:
            await stop.wait()
        finally:
            for step in reversed(undo):
                step()
            await parts.close()
        log.info("LINE stopped")
