"""`ownerbot run` with a bot token: the Telegram runtime chosen by OWNERBOT_RUNTIME
(`TelegramDeps.library`), alone (`run_telegram`) or beside other channels
(`TelegramChannel`, for bot/channels/serve.py)."""

from __future__ import annotations

import asyncio

from bot.channels.telegram.options import TelegramOptions
from bot.channels.telegram.serving import install_stop_signals
from bot.channels.telegram.wiring import TelegramDeps


class TelegramChannel:
    """Telegram among the channels `serve_channels` runs."""

    name = "telegram"

    def __init__(self, deps: TelegramDeps, options: TelegramOptions | None = None) -> None:
        self.deps = deps
        self.options = options

    @property
    def webhooks(self) -> bool:
        return self.deps.webhook is not None

    async def run(self, stop: asyncio.Event) -> None:
        await run_telegram(self.deps, options=self.options, stop=stop)


async def run_telegram(
    deps: TelegramDeps, *, options: TelegramOptions | None = None, stop: asyncio.Event | None = None
) -> None:
    """Run until SIGINT/SIGTERM (or until `stop` is set, when given), then shut down
    gracefully: stop taking updates, finish those already taken, close the session."""
    options = options or TelegramOptions()
    undo_signals = None
    if stop is None:
        stop = asyncio.Event()
        undo_signals = install_stop_signals(stop)
    try:
        if deps.library == "ptb":
            from bot.channels.ptb_runtime import run_ptb

            await run_ptb(deps, options, stop)
        else:
            from bot.channels.aiogram_runtime import run_aiogram

            await run_aiogram(deps, options, stop)
    finally:
        if undo_signals is not None:
            undo_signals()
