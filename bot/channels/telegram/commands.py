"""The command menu per shipped language (setMyCommands)."""

from __future__ import annotations

import functools
import logging

from bot.channels.telegram.port import CommandList, TelegramPort
from bot.channels.telegram.retry import RetryPolicy, call_with_retries
from bot.i18n import SHIPPED_LOCALES, Catalogs
from handlers.commands import command_menu

log = logging.getLogger(__name__)


def telegram_language_code(locale: str) -> str:
    """Telegram wants a two-letter ISO 639-1 code: pt_BR -> "pt", zh_Hans -> "zh"."""
    return locale.replace("-", "_").split("_", 1)[0].lower()


def command_menus(catalogs: Catalogs) -> list[tuple[str | None, CommandList]]:
    """(language_code, commands): the default (English, no language code) first, then
    one per shipped locale."""
    menus: list[tuple[str | None, CommandList]] = [(None, command_menu(catalogs.translator("en")))]
    menus.extend(
        (telegram_language_code(locale), command_menu(catalogs.translator(locale)))
        for locale in SHIPPED_LOCALES
    )
    return menus


async def announce_commands(port: TelegramPort, catalogs: Catalogs, policy: RetryPolicy) -> None:
    """setMyCommands for the default scope and once per shipped language. A failure
    is logged, never fatal: the bot works without a menu."""
    for language_code, commands in command_menus(catalogs):
        failure = await call_with_retries(
            port,
            policy,
            "setMyCommands",
            functools.partial(port.set_commands, language_code, commands),
        )
        if failure is not None:
            log.warning(
                "setMyCommands(%s) failed: %s", language_code or "default", failure.description
            )
