"""LINE's webhook: POST /webhook/line, signed with the channel secret.

`x-line-signature` is base64(HMAC-SHA256(channel secret, raw body)), checked on the
bytes as received: a bad or missing signature gets 401 and the body is never read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.channels.line.channel import LineChannel
from bot.channels.line.events import read_events
from bot.channels.webserver import json_object
from bot.clock import Clock

log = logging.getLogger(__name__)

PATH = "/webhook/line"
SIGNATURE_HEADER = "x-line-signature"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signature_ok(secret: str, body: bytes, given: str) -> bool:
    return bool(given) and hmac.compare_digest(signature(secret, body).encode(), given.encode())


def webhook_handler(secret: str, channel: LineChannel, clock: Clock) -> Handler:
    """The aiohttp handler for LINE's webhook calls (and its "Verify" button, an
    empty event list)."""

    async def receive(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if not signature_ok(secret, body, request.headers.get(SIGNATURE_HEADER, "")):
            log.warning("LINE webhook call with a bad signature rejected")
            return web.Response(status=401, text="Unauthorized")
        payload = json_object(body)
        if payload is None:
            return web.Response(status=400, text="Bad Request")
        channel.submit(read_events(payload), clock.now())
        return web.Response(text="ok")

    return receive
