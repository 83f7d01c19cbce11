"""WhatsApp's webhook on the shared server (/webhook/whatsapp), as Meta specifies it:

- GET: the subscription check. hub.mode=subscribe with our verify token is answered
  with hub.challenge; anything else gets 403.
- POST: the body is signed, X-Hub-Signature-256: "sha256=" + the hex HMAC-SHA256 of
  the raw body with the app secret. A missing or wrong signature gets 401 and the body
  is never parsed; a signed call is acknowledged at once (200) and processed after.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.channels.webserver import Handler, json_object

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature(body: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 value Meta sends with `body`."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def whatsapp_endpoint(
    *,
    app_secret: str,
    verify_token: str | None,
    on_payload: Callable[[dict[str, Any]], None],
) -> Handler:
    async def receive(request: web.Request) -> web.Response:
        if request.method == "GET":
            return _subscription_check(request, verify_token)
        body = await request.read()
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given or not hmac.compare_digest(given, signature(body, app_secret)):
            log.warning("WhatsApp webhook call with a missing or wrong signature rejected")
            return web.Response(status=401, text="Unauthorized")
        payload = json_object(body)
        if payload is None:
            return web.Response(status=400, text="Bad Request")
        try:
            on_payload(payload)
        except Exception:  # a malformed payload must not make Meta retry forever
            log.exception("WhatsApp webhook payload could not be read; dropped")
        return web.Response(text="ok")

    return receive


def _subscription_check(request: web.Request, verify_token: str | None) -> web.Response:
    query = request.query
    given = query.get("hub.verify_token", "")
    if (
        query.get("hub.mode") == "subscribe"
        and verify_token
        and secrets.compare_digest(given.encode(), verify_token.encode())
    ):
        log.info("WhatsApp webhook subscription verified")
        return web.Response(text=query.get("hub.challenge", ""))
    log.warning("WhatsApp webhook subscription check refused")
    return web.Response(status=403, text="Forbidden")
