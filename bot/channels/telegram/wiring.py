"""What the composition root (bot/app.py) hands a Telegram runtime: every part it
uses, named, so nothing under bot/channels reaches for the whole application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bot.channels.telegram.pipeline import Handles, Turns
from bot.channels.webserver import WebhookServer
from bot.clock import Clock
from bot.i18n import Catalogs
from bot.scheduler.delivery import Transport, Transports
from bot.services.ports import UnitOfWorkFactory

StopJobs = Callable[[], None]


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    url: str  # the public URL Telegram posts to
    listen: str  # the address our endpoint binds
    port: int
    secret: str | None = field(default=None, repr=False)  # None: a fresh one per start


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
    # Hands the care sender this runtime's transport: starts the care jobs when
    # Telegram runs alone, registers it with the other channels' otherwise (bot.app);
    # returns what undoes that.
    start_jobs: Callable[[Transport], StopJobs] | None = None
    # The server every channel's webhook shares; None: the webhook gets its own.
    server: WebhookServer | None = None
    # The other channels' transports, for screens flows address to their chats.
    elsewhere: Transports | None = None
    # Outbox sends at Telegram's paid broadcast rate (OWNERBOT_PAID_BROADCAST).
    paid_broadcast: bool = False
    # Per-chat order across worker processes (webhook mode on PostgreSQL); None: one
    # process's order only.
    turns: Turns | None = None
