"""What the composition root (bot/app.py) hands a Telegram runtime: every part it
uses, named, so nothing under bot/channels reaches for the whole application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from bot.channels.telegram.pipeline import Handles
from bot.clock import Clock
from bot.i18n import Catalogs
from bot.scheduler.sender import Transport
from bot.services.ports import UnitOfWorkFactory

StopJobs = Callable[[], None]


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    url: str  # the public URL Telegram posts to
    listen: str  # the address our endpoint binds
    port: int
    secret: str | None = field(default=None, repr=False)  # None: a fresh one per start
    # Other channels' routes on the same server (LINE's /webhook/line), if any.
    routes: Callable[[web.Application], None] | None = None


@dataclass(frozen=True, slots=True)
class TelegramDeps:
    """A Telegram runtime's dependencies (bot/app.py: `telegram_deps`)."""

    token: str = field(repr=False)
    api_base: str  # https://api.telegram.org, or a local Bot API server
    library: Literal["aiogram", "ptb"]
    dispatcher_for: Callable[[str], Handles]  # the bot's @username -> the flows
    uow_factory: UnitOfWorkFactory  # to mark chats that blocked the bot
    clock: Clock
    catalogs: Catalogs  # the command menus
    webhook: WebhookSettings | None = None  # None: long polling
    # Starts the care jobs, sending through the given transport; returns their stop.
    start_jobs: Callable[[Transport], StopJobs] | None = None
