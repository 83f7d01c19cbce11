"""`ownerbot run` with channels configured: every channel in one process, around one
webhook server and one registry of outbox transports, until SIGINT/SIGTERM.

A channel is anything with a `name`, a `webhooks` flag (it needs the shared server)
and `run(stop)`, which serves until `stop` is set. While it runs it mounts its webhook
paths on `Shared.server` and registers its outbox transport with `Shared.transports`
(the care sender and the other channels' pipelines find it there). bot/app.py builds
the channels whose settings are present (`channels_for`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.channels.webserver import WebhookServer
from bot.scheduler.delivery import Transports
from bot.services.health import CHANNELS, ChannelHealth

log = logging.getLogger(__name__)

StartJobs = Callable[[Transports], Callable[[], None]]


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def webhooks(self) -> bool:
        """Whether it needs the shared webhook server."""
        ...

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set, then finish what was taken and return."""
        ...


@dataclass
class Shared:
    """What every channel of one process shares."""

    server: WebhookServer
    transports: Transports = field(default_factory=Transports)
    health: ChannelHealth = field(default_factory=lambda: CHANNELS)


async def serve_channels(
    channels: Sequence[Channel],
    shared: Shared,
    stop: asyncio.Event,
    *,
    start_jobs: StartJobs | None = None,
) -> None:
    """Run every channel until `stop`. A channel that fails stops the others (the
    error is raised once they have finished): a half-served bot is worse than none."""
    if not channels:
        raise ValueError("no channel to serve")
    if any(channel.webhooks for channel in channels):
        await shared.server.start()
    elif shared.server.paths:  # only /healthz and the like: useful, not vital
        try:
            await shared.server.start()
        except OSError as error:
            log.warning("health endpoints not served (%s): the channels run on", error)
    stop_jobs = start_jobs(shared.transports) if start_jobs is not None else None
    tasks = [asyncio.create_task(channel.run(stop), name=channel.name) for channel in channels]
    log.info("serving %s", ", ".join(channel.name for channel in channels))
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        failed = [t for t in done if not t.cancelled() and t.exception() is not None]
        if failed:
            log.error(
                "the %s channel stopped with an error; stopping the others", failed[0].get_name()
            )
        stop.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise errors[0]
    finally:
        stop.set()
        if stop_jobs is not None:
            stop_jobs()
        await shared.server.close()
