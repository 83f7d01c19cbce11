"""The composition root: the one module that knows every part."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.data import load_reference
from bot.demo.seed import seed_demo
from bot.domain.reference import Reference
from bot.i18n import Catalogs
from bot.services import care
from bot.services.bus import MessageBus
from bot.services.loyalty import earn
from handlers.context import FlowDeps
from handlers.dispatcher import Dispatcher
from handlers.registry import build_dispatcher
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import Database

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp import web

    from bot.channels.line.serving import LineDeps
    from bot.channels.telegram.wiring import TelegramDeps
    from bot.scheduler.jobs import JobDeps

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    reference: Reference
    catalogs: Catalogs
    database: Database
    bus: MessageBus
    clock: Clock = field(default_factory=SystemClock)

    def flow_deps(self, bot_username: str = "ownerbot") -> FlowDeps:
        return FlowDeps(
            reference=self.reference,
            catalogs=self.catalogs,
            default_market=self.settings.default_market,
            bot_username=bot_username,
        )

    def dispatcher(self, bot_username: str = "ownerbot") -> Dispatcher:
        return build_dispatcher(self.database.uow, self.flow_deps(bot_username), self.clock)

    async def close(self) -> None:
        await self.database.dispose()


def job_deps(app: App) -> JobDeps:
    """What the care jobs and the outbox sender use."""
    from bot.scheduler.jobs import JobDeps

    return JobDeps(
        uow_factory=app.database.uow,
        reference=app.reference,
        catalogs=app.catalogs,
        clock=app.clock,
        redis_url=app.settings.redis_url,
        sender_concurrency=app.settings.sender_concurrency,
    )


def telegram_deps(
    app: App, routes: Callable[[web.Application], None] | None = None
) -> TelegramDeps:
    """What a Telegram runtime uses; the care jobs run beside it unless
    OWNERBOT_CARE_SCHEDULER is off. Imported lazily: only `ownerbot run` needs them."""
    from bot.channels.telegram.wiring import TelegramDeps, WebhookSettings
    from bot.scheduler.jobs import start_scheduler

    settings = app.settings
    if settings.telegram_bot_token is None:
        raise RuntimeError("no Telegram bot token")
    webhook = None
    if settings.webhook_url:
        webhook = WebhookSettings(
            url=settings.webhook_url,
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            secret=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
            routes=routes,
        )
    return TelegramDeps(
        token=settings.telegram_bot_token.get_secret_value(),
        api_base=settings.telegram_api_base,
        library=settings.runtime,
        dispatcher_for=app.dispatcher,
        uow_factory=app.database.uow,
        clock=app.clock,
        catalogs=app.catalogs,
        webhook=webhook,
        start_jobs=(
            functools.partial(start_scheduler, job_deps(app)) if settings.care_scheduler else None
        ),
    )


def line_deps(app: App, *, with_jobs: bool = True) -> LineDeps | None:
    """What LINE uses, when its secret and access token are set; the care jobs run
    beside it (through LINE) when asked and OWNERBOT_CARE_SCHEDULER is on."""
    from bot.channels.line.serving import LineDeps, LineSettings
    from bot.scheduler.jobs import start_scheduler

    settings = app.settings
    if settings.line_channel_secret is None or settings.line_channel_access_token is None:
        return None
    return LineDeps(
        settings=LineSettings(
            channel_secret=settings.line_channel_secret.get_secret_value(),
            access_token=settings.line_channel_access_token.get_secret_value(),
            api_base=settings.line_api_base,
            data_api_base=settings.line_data_api_base,
            public_url=settings.public_url,
        ),
        dispatcher=app.dispatcher(),
        uow_factory=app.database.uow,
        clock=app.clock,
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        start_jobs=(
            functools.partial(start_scheduler, job_deps(app))
            if with_jobs and settings.care_scheduler
            else None
        ),
    )


def build_bus(reference: Reference, clock: Clock) -> MessageBus:
    """Which feature reacts to which domain event (bot/domain/events.py)."""
    bus = MessageBus(clock)
    earn.subscribe(bus, reference)
    care.subscribe(bus)
    return bus


def build_app(settings: Settings | None = None, clock: Clock | None = None) -> App:
    settings = settings or Settings()
    reference = load_reference()
    if settings.default_market not in reference.markets:
        raise ValueError(f"OWNERBOT_DEFAULT_MARKET {settings.default_market!r} is not a market")
    clock = clock or SystemClock()
    bus = build_bus(reference, clock)
    return App(
        bus=bus,
        settings=settings,
        reference=reference,
        catalogs=Catalogs(
            settings.locales_dir,
            {
                m.code: m.cash_digits
                for m in reference.markets.values()
                if m.cash_digits is not None
            },
        ),
        database=Database(
            create_engine(settings.database_url, sqlite_inline=settings.sqlite_inline), bus
        ),
        clock=clock,
    )


async def prepare_database(app: App, *, seed_demo_if_empty: bool = False) -> None:
    """Migrate, sync the shipped dealers, and load the demo if asked and empty."""
    await upgrade(app.database.engine)
    async with app.database.uow() as uow:
        await uow.dealers.sync(list(app.reference.dealers.values()))
        await uow.reward_stock.sync(list(app.reference.rewards.values()))
        await uow.commit()
    if not seed_demo_if_empty:
        return
    async with app.database.uow() as uow:
        if await uow.owners.count() > 0:
            return
        report = await seed_demo(uow, app.reference, app.clock.now())
        await uow.commit()
        log.info("demo data loaded: %d owners", report.owners_created)
