"""Telegram's webhook: an aiohttp endpoint that checks the secret token, mounted on
the server every channel shares (bot/channels/webserver.py)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.webserver import Handler

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_secret(configured: str | None) -> str:
    """Telegram's secret token: the configured one, or a fresh random one per start."""
    return configured or secrets.token_urlsafe(32)


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


def telegram_endpoint(
    secret: str, on_update: Callable[[dict[str, Any]], Awaitable[None]]
) -> Handler:
    """The handler for Telegram's webhook calls. Requests without the right
    X-Telegram-Bot-Api-Secret-Token header get 401 and are never read."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call with a wrong secret token rejected")
            return web.Response(status=401, text="Unauthorized")
        try:
            payload = await request.json()
        except ValueError:
            return web.Response(status=400, text="Bad Request")
        if not isinstance(payload, dict):
            return web.Response(status=400, text="Bad Request")
        try:
            await on_update(payload)
        except Exception:  # a malformed update must not make Telegram retry forever
            log.exception("webhook update could not be read; dropped")
        return web.Response(text="ok")

    return receive
