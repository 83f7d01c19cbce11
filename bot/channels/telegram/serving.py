"""The life cycle both runtimes share: getMe, the command menus, the care scheduler,
then long polling or the webhook until asked to stop; then finish what was taken."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Callable
from typing import Any, Protocol

from bot.channels.gc_tuning import collector_tuned_for_serving
from bot.channels.telegram.commands import announce_commands
from bot.channels.telegram.objects import TgUpdate
from bot.channels.telegram.options import TelegramOptions
from bot.channels.telegram.outbox import TelegramTransport
from bot.channels.telegram.pipeline import Pipeline
from bot.channels.telegram.port import TelegramPort
from bot.channels.telegram.retry import RetryPolicy, call_with_retries
from bot.channels.telegram.webhook import telegram_endpoint, webhook_path, webhook_secret
from bot.channels.telegram.wiring import TelegramDeps, WebhookSettings
from bot.channels.webserver import WebhookServer

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


async def serve(
    deps: TelegramDeps, intake: Intake, options: TelegramOptions, stop: asyncio.Event
) -> None:
    """getMe, the command menus, the care jobs (if given), then long polling (or the
    webhook, if configured) until `stop`; then finish what was taken and close."""
    port = intake.port
    try:
        username = await _bot_username(port, options.retry)
        pipeline = Pipeline(
            dispatcher=deps.dispatcher_for(username),
            port=port,
            uow_factory=deps.uow_factory,
            clock=deps.clock,
            bot_username=username,
            options=options,
            elsewhere=deps.elsewhere,
            # per-chat order across workers: only webhooks spread one bot over processes
            turns=deps.turns if deps.webhook is not None else None,
        )
        await announce_commands(port, deps.catalogs, options.retry)
        transport = TelegramTransport(port, paid_broadcast=deps.paid_broadcast)
        stop_jobs = deps.start_jobs(transport) if deps.start_jobs else None
        try:
            with collector_tuned_for_serving():
                if deps.webhook is not None:
                    server = deps.server or WebhookServer(deps.webhook.listen, deps.webhook.port)
                    await _serve_webhook(
                        deps.webhook, server, intake, pipeline, options, stop, own=not deps.server
                    )
                else:
                    await _poll(intake, pipeline, options, stop)
        finally:
            if stop_jobs is not None:
                stop_jobs()
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
    webhook: WebhookSettings,
    server: WebhookServer,
    intake: Intake,
    pipeline: Pipeline,
    options: TelegramOptions,
    stop: asyncio.Event,
    *,
    own: bool,
) -> None:
    """Mount the endpoint on the shared server (started here when it is our own),
    then setWebhook, then wait for `stop`."""
    secret = webhook_secret(webhook.secret)

    async def on_update(payload: dict[str, Any]) -> None:
        await pipeline.receive(intake.parse_update(payload))

    # Listen first, so Telegram's first call after setWebhook finds us.
    unmount = server.mount(webhook_path(webhook.url), telegram_endpoint(secret, on_update))
    if own:
        await server.start()
    try:
        failure = await call_with_retries(
            intake.port,
            options.retry,
            "setWebhook",
            functools.partial(intake.port.set_webhook, webhook.url, secret),
        )
        if failure is not None:
            raise RuntimeError(f"setWebhook failed: {failure.description}")
        await stop.wait()
    finally:
        unmount()
        if own:
            await server.close()
