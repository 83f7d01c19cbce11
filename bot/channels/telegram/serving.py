"""The life cycle both runtimes share: getMe, the command menus, the care scheduler,
then long polling or the webhook until asked to stop; then finish what was taken."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from bot.channels.gc_tuning import collector_tuned_for_serving
from bot.channels.telegram.commands import announce_commands
from bot.channels.telegram.objects import TgUpdate
from bot.channels.telegram.options import TelegramOptions
from bot.channels.telegram.outbox import TelegramTransport
from bot.channels.telegram.pipeline import Pipeline
from bot.channels.telegram.port import TelegramPort
from bot.channels.telegram.retry import RetryPolicy, call_with_retries
from bot.channels.telegram.webhook import serve_webhook, webhook_path, webhook_secret

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.app import App

log = logging.getLogger(__name__)


def install_stop_signals(stop: asyncio.Event) -> Callable[[], None]:
    """SIGINT/SIGTERM set `stop`; returns the undo."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass

    def undo() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return undo


def start_care_scheduler(app: App, port: TelegramPort) -> AsyncIOScheduler:
    """The planner, the sender and the nightly jobs, next to the runtime."""
    from bot.scheduler.jobs import build_scheduler, build_sender

    scheduler = build_scheduler(app, build_sender(app, TelegramTransport(port)))
    scheduler.start()
    return scheduler


class Intake(Protocol):
    """How updates reach us, in one library's terms."""

    @property
    def port(self) -> TelegramPort: ...

    async def start_polling(self, submit: Callable[[TgUpdate], None], stop: asyncio.Event) -> None:
        """Start long polling in the background; on a fatal error, set `stop`."""
        ...

    async def stop_polling(self) -> None: ...
    def parse_update(self, payload: dict[str, Any]) -> TgUpdate: ...
    async def close(self) -> None: ...


async def serve(app: App, intake: Intake, options: TelegramOptions, stop: asyncio.Event) -> None:
    """getMe, the command menus, then long polling (or the webhook when
    settings.webhook_url is set) until `stop`; then finish what was taken and close."""
    settings = app.settings
    port = intake.port
    try:
        username = await _bot_username(port, options.retry)
        pipeline = Pipeline(
            dispatcher=app.dispatcher(username),
            port=port,
            uow_factory=app.database.uow,
            clock=app.clock,
            bot_username=username,
            options=options,
        )
        await announce_commands(port, app.catalogs, options.retry)
        scheduler = start_care_scheduler(app, port) if settings.care_scheduler else None
        try:
            with collector_tuned_for_serving():
                if settings.webhook_url:
                    secret = webhook_secret(
                        settings.webhook_secret.get_secret_value()
                        if settings.webhook_secret
                        else None
                    )
                    await _serve_webhook(app, intake, pipeline, secret, options, stop)
                else:
                    await _poll(intake, pipeline, options, stop)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            await pipeline.close()
    finally:
        await intake.close()
    log.info("stopped")


async def _bot_username(port: TelegramPort, policy: RetryPolicy) -> str:
    found: list[str] = []

    async def get_me() -> None:
        found.append(await port.get_username())

    failure = await call_with_retries(port, policy, "getMe", get_me)
    if failure is not None:
        raise RuntimeError(f"getMe failed, check the bot token: {failure.description}")
    log.info("running as @%s", found[0])
    return found[0]


async def _poll(
    intake: Intake, pipeline: Pipeline, options: TelegramOptions, stop: asyncio.Event
) -> None:
    port = intake.port
    failure = await call_with_retries(port, options.retry, "deleteWebhook", port.delete_webhook)
    if failure is not None:
        raise RuntimeError(f"deleteWebhook failed: {failure.description}")
    await intake.start_polling(pipeline.submit, stop)
    log.info("long polling started")
    try:
        await stop.wait()
    finally:
        await intake.stop_polling()


async def _serve_webhook(
    app: App,
    intake: Intake,
    pipeline: Pipeline,
    secret: str,
    options: TelegramOptions,
    stop: asyncio.Event,
) -> None:
    settings = app.settings
    url = settings.webhook_url
    assert url is not None

    def on_update(payload: dict[str, Any]) -> None:
        pipeline.submit(intake.parse_update(payload))

    # Listen first, so Telegram's first call after setWebhook finds us.
    runner = await serve_webhook(
        host=settings.webhook_listen,
        port=settings.webhook_port,
        path=webhook_path(url),
        secret=secret,
        on_update=on_update,
    )
    try:
        failure = await call_with_retries(
            intake.port,
            options.retry,
            "setWebhook",
            functools.partial(intake.port.set_webhook, url, secret),
        )
        if failure is not None:
            raise RuntimeError(f"setWebhook failed: {failure.description}")
        await stop.wait()
    finally:
        await runner.cleanup()
