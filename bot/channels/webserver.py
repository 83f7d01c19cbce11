"""One HTTP server for every channel's webhook (OWNERBOT_WEBHOOK_LISTEN and
OWNERBOT_WEBHOOK_PORT): Telegram's path, /webhook/whatsapp, /webhook/line.

A channel mounts its handler on a path when it is ready and unmounts it when it stops;
the server answers 404 for paths nobody mounted (and 405 for a method the path does not
take). Mounting works before and after `start`, so channels come up in any order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_object(body: bytes) -> dict[str, Any] | None:
    """A webhook body that is one JSON object; None for anything else (answer 400)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


class WebhookServer:
    def __init__(self, host: str, port: int, *, reuse_port: bool = False) -> None:
        """`reuse_port`: several processes listen on the same port (SO_REUSEPORT) and
        the kernel spreads the connections over them (`ownerbot run --workers N`)."""
        self.host = host
        self.port = port
        self.reuse_port = reuse_port
        self._routes: dict[str, dict[str, Handler]] = {}
        self._prefixes: dict[str, dict[str, Handler]] = {}
        self._runner: web.AppRunner | None = None

    def mount(
        self,
        path: str,
        handler: Handler,
        methods: Iterable[str] = ("POST",),
        *,
        prefix: bool = False,
    ) -> Callable[[], None]:
        """Serve `path` (with `prefix`, every path under it: "/media/") with `handler`
        for `methods`; returns what unmounts it."""
        routes = self._prefixes if prefix else self._routes
        by_method = routes.setdefault(path, {})
        for method in methods:
            if method.upper() in by_method:
                raise ValueError(f"{method} {path} is already mounted")
            by_method[method.upper()] = handler
        log.info("webhook path %s mounted", path)

        def unmount() -> None:
            for method in methods:
                if by_method.get(method.upper()) is handler:
                    del by_method[method.upper()]
            if not by_method:
                routes.pop(path, None)

        return unmount

    @property
    def paths(self) -> list[str]:
        return sorted([*self._routes, *self._prefixes])

    async def start(self) -> None:
        if self._runner is not None:
            return
        application = web.Application()
        application.router.add_route("*", "/{tail:.*}", self._route)
        runner = web.AppRunner(application, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_port=self.reuse_port or None)
        await site.start()
        self._runner = runner
        log.info("webhooks listening on %s:%d", self.host, self.port)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _route(self, request: web.Request) -> web.StreamResponse:
        by_method = self._routes.get(request.path) or next(
            (r for p, r in self._prefixes.items() if request.path.startswith(p)), None
        )
        if not by_method:
            return web.Response(status=404, text="Not Found")
        handler = by_method.get(request.method)
        if handler is None:
            return web.Response(status=405, text="Method Not Allowed")
        return await handler(request)
