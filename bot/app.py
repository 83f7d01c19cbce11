"""The composition root: the one module that knows every part."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.data import DATA_DIR, load_reference
from bot.demo.seed import seed_demo
from bot.domain.reference import Reference
from bot.i18n import Catalogs
from bot.services import care
from bot.services.bus import MessageBus
from bot.services.deliveries import Doorbell
from bot.services.loyalty import earn
from handlers.context import FlowDeps
from handlers.dispatcher import Dispatcher
from handlers.registry import build_dispatcher
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import Database

if TYPE_CHECKING:
    from bot.channels.health_http import HealthDeps
    from bot.channels.line.serving import LineDeps
    from bot.channels.serve import Channel, Shared
    from bot.channels.telegram.pipeline import Turns
    from bot.channels.telegram.wiring import TelegramDeps
    from bot.channels.whatsapp.wiring import WhatsAppDeps
    from bot.scheduler.delivery import Transport, Transports
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
    # Rung when a transaction queued durable deliveries: wakes this process's relay.
    doorbell: Doorbell = field(default_factory=Doorbell)

    def flow_deps(self, bot_username: str = "ownerbot", channels: tuple[str, ...] = ()) -> FlowDeps:
        return FlowDeps(
            reference=self.reference,
            catalogs=self.catalogs,
            default_market=self.settings.default_market,
            bot_username=bot_username,
            channels=channels,
            staff_channel="telegram" if self.settings.telegram_bot_token else None,
        )

    def dispatcher(
        self,
        bot_username: str = "ownerbot",
        channels: tuple[str, ...] = (),
        *,
        durable: bool = False,
    ) -> Dispatcher:
        """The flows; `channels`: the ones this process serves (an owner linked on
        several is told things on one of them), () for the event's own. `durable`:
        screens for other chats become durable deliveries, sent by the relay that runs
        beside the channels (`start_background`); the console prints them instead."""
        return build_dispatcher(
            self.database.uow,
            self.flow_deps(bot_username, channels),
            self.clock,
            observe=metrics.update_handled,
            doorbell=self.doorbell if durable else None,
        )

    @property
    def served_channels(self) -> tuple[str, ...]:
        """The channels whose settings are present, in the order they are served."""
        settings = self.settings
        configured = {
            "telegram": settings.telegram_bot_token is not None,
            "whatsapp": settings.whatsapp_configured,
            "line": settings.line_configured,
        }
        return tuple(name for name, present in configured.items() if present)

    async def close(self) -> None:
        await self.database.dispose()


def planner_connections(app: App) -> int:
    """How many statements the care planner may run at once on this database."""
    if not app.database.concurrent_writers:
        return 1
    return max(1, app.settings.care_plan_connections)


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
        planner_connections=planner_connections(app),
        alone=app.database.alone,
    )


def telegram_deps(app: App, shared: Shared | None = None) -> TelegramDeps:
    """What a Telegram runtime uses. Alone (no `shared`), the care jobs run beside it
    unless OWNERBOT_CARE_SCHEDULER is off; with other channels it registers its
    transport and mounts its webhook on the shared server. Imported lazily: only
    `ownerbot run` needs them."""
    from bot.channels.telegram.wiring import TelegramDeps, WebhookSettings

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
        )
    if shared is not None:
        start_jobs: Callable[[Transport], Callable[[], None]] = shared.transports.register
    else:
        start_jobs = functools.partial(start_background, app)
    return TelegramDeps(
        token=settings.telegram_bot_token.get_secret_value(),
        api_base=settings.telegram_api_base,
        library=settings.runtime,
        dispatcher_for=functools.partial(_dispatcher_for, app),
        uow_factory=app.database.uow,
        clock=app.clock,
        catalogs=app.catalogs,
        webhook=webhook,
        start_jobs=start_jobs,
        server=shared.server if shared is not None else None,
        elsewhere=shared.transports if shared is not None else None,
        paid_broadcast=settings.paid_broadcast,
        turns=chat_turns(app),
    )


def chat_turns(app: App) -> Turns | None:
    """Per-chat order across worker processes: on PostgreSQL (several workers share
    it); SQLite serves one process, whose own queue keeps each chat's order."""
    from bot.channels.telegram.pipeline import Turns
    from storage.chat_turns import SqlChatTurns

    settings = app.settings
    if app.database.engine.dialect.name != "postgresql" or not settings.chat_order_across_workers:
        return None
    return Turns(
        SqlChatTurns(app.database.engine),
        settle=settings.chat_order_settle_ms / 1000,
        hold=settings.chat_order_hold_seconds,
    )


def _dispatcher_for(app: App, bot_username: str) -> Dispatcher:
    return app.dispatcher(bot_username, app.served_channels, durable=True)


def start_background(app: App, transport: Transport | Transports) -> Callable[[], None]:
    """What runs beside the channels: the relay of durable deliveries, always, and the
    care jobs unless OWNERBOT_CARE_SCHEDULER is off. Returns what stops them."""
    from bot.scheduler.delivery import Transports
    from bot.scheduler.jobs import start_scheduler
    from bot.scheduler.relay import Relay

    transports = transport if isinstance(transport, Transports) else Transports(transport)
    relay = Relay(uow_factory=app.database.uow, transports=transports, clock=app.clock)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run_forever(stop, app.doorbell), name="relay")
    stop_jobs = start_scheduler(job_deps(app), transports) if app.settings.care_scheduler else None

    def undo() -> None:
        stop.set()
        task.cancel()
        if stop_jobs is not None:
            stop_jobs()

    return undo


def whatsapp_deps(app: App, shared: Shared) -> WhatsAppDeps:
    """What the WhatsApp channel uses (OWNERBOT_WHATSAPP_*)."""
    from bot.channels.whatsapp.wiring import WhatsAppDeps

    settings = app.settings
    if not (
        settings.whatsapp_token
        and settings.whatsapp_phone_number_id
        and settings.whatsapp_app_secret
    ):
        raise RuntimeError("the WhatsApp settings are incomplete")
    verify = settings.whatsapp_verify_token
    return WhatsAppDeps(
        token=settings.whatsapp_token.get_secret_value(),
        phone_number_id=settings.whatsapp_phone_number_id,
        app_secret=settings.whatsapp_app_secret.get_secret_value(),
        verify_token=verify.get_secret_value() if verify else None,
        api_base=settings.whatsapp_api_base,
        api_version=settings.whatsapp_api_version,
        per_second=settings.whatsapp_per_second,
        dispatcher=app.dispatcher("ownerbot", app.served_channels, durable=True),
        uow_factory=app.database.uow,
        clock=app.clock,
        server=shared.server,
        transports=shared.transports,
    )


def line_deps(app: App, shared: Shared | None = None) -> LineDeps | None:
    """What LINE uses, when its secret and access token are set."""
    from bot.channels.line.serving import LineDeps, LineSettings

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
        dispatcher=app.dispatcher("ownerbot", app.served_channels, durable=True),
        uow_factory=app.database.uow,
        clock=app.clock,
        elsewhere=shared.transports if shared is not None else None,
    )


def channels_for(app: App, shared: Shared) -> list[Channel]:
    """The channel registry: every channel whose settings are present, sharing one
    webhook server and one registry of transports. A new channel adds its line here
    (and its settings in bot/config.py, its name in `App.served_channels`)."""
    from bot.channels.line.serving import LineServing
    from bot.channels.runtime import TelegramChannel
    from bot.channels.whatsapp.serving import WhatsAppChannel

    channels: list[Channel] = []
    served = app.served_channels
    if "telegram" in served:
        channels.append(TelegramChannel(telegram_deps(app, shared)))
    if "whatsapp" in served:
        channels.append(WhatsAppChannel(whatsapp_deps(app, shared)))
    line = line_deps(app, shared)
    if line is not None:
        channels.append(LineServing(line, shared))
    return channels


def health_deps(app: App, shared: Shared) -> HealthDeps:
    from bot.channels.health_http import HealthDeps

    redis_ping = None
    if app.settings.redis_url:
        from redis.asyncio import Redis

        redis_ping = Redis.from_url(app.settings.redis_url, socket_timeout=2).ping
    return HealthDeps(
        uow_factory=app.database.uow,
        clock=app.clock,
        channels=shared.health,
        max_outbox_lag=timedelta(seconds=app.settings.ready_max_outbox_lag_seconds),
        redis_ping=redis_ping,
    )


def shared_for(app: App) -> Shared:
    from bot.channels.serve import Shared
    from bot.channels.webserver import WebhookServer

    settings = app.settings
    return Shared(
        WebhookServer(
            settings.webhook_listen, settings.webhook_port, reuse_port=settings.webhook_reuse_port
        )
    )


def build_bus(reference: Reference, clock: Clock) -> MessageBus:
    """Which feature reacts to which domain event (bot/domain/events.py)."""
    bus = MessageBus(clock)
    earn.subscribe(bus, reference)
    care.subscribe(bus)
    return bus


def build_app(settings: Settings | None = None, clock: Clock | None = None) -> App:
    settings = settings or Settings()
    reference = load_reference(settings.brand_dir or DATA_DIR)
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
            create_engine(
                settings.database_url,
                sqlite_inline=settings.sqlite_inline,
                pool_size=settings.database_pool_size,
                max_overflow=settings.database_max_overflow,
            ),
            bus,
        ),
        clock=clock,
    )


def demo_wanted(app: App, asked: bool | None = None) -> bool:
    """Whether an empty database gets the demo: as asked (`--demo`), else as
    OWNERBOT_SEED_DEMO_IF_EMPTY says, else only when no real channel is configured."""
    if asked is not None:
        return asked
    if app.settings.seed_demo_if_empty is not None:
        return app.settings.seed_demo_if_empty
    return not app.served_channels


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


async def run_channels(app: App, stop: asyncio.Event | None = None) -> None:
    """Serve every configured channel from this process until SIGINT/SIGTERM (or until
    `stop` is set, when given), with the care jobs beside them unless
    OWNERBOT_CARE_SCHEDULER is off."""
    from bot.channels.health_http import mount_health
    from bot.channels.serve import serve_channels
    from bot.channels.telegram.serving import install_stop_signals

    shared = shared_for(app)
    channels = channels_for(app, shared)
    if app.settings.health_endpoints:
        mount_health(shared.server, health_deps(app, shared))
    undo_signals = None
    if stop is None:
        stop = asyncio.Event()
        undo_signals = install_stop_signals(stop)
    try:
        await serve_channels(
            channels, shared, stop, start_jobs=functools.partial(start_background, app)
        )
    finally:
        if undo_signals is not None:
            undo_signals()
