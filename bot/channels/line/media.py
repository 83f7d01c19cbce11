"""Files LINE fetches from us: generated images (QR codes), documents (.ics, /mydata)
and the photos owners send (kept, since LINE keeps a message's content only a while).

Each file gets a random 256-bit token and an expiry and is stored in the database,
so whichever worker LINE's request reaches can serve it: GET /media/<token>/<name>.
The token is unguessable, so the URL itself is the permission, as with a signed URL.
"""

from __future__ import annotations

import logging
import mimetypes
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import quote

from aiohttp import web

from bot.channels.line.rendering import Links
from bot.clock import Clock
from bot.services.ports import StoredFile, UnitOfWorkFactory
from handlers.types import Screen

log = logging.getLogger(__name__)

PHOTO_PREFIX = "media:"  # a photo id that names one of our files (not a platform's)
GENERATED_LIFE = timedelta(days=7)
PHOTO_LIFE = timedelta(days=30)


class MediaLinks:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, public_url: str | None, clock: Clock
    ) -> None:
        self.uow_factory = uow_factory
        self.public_url = public_url.rstrip("/") if public_url else None
        self.clock = clock

    async def links(self, screen: Screen) -> Links:
        """Where the screen's attachment and photos are served, storing what is new."""
        if self.public_url is None:
            if screen.attachment is not None or screen.photos:
                log.warning("no OWNERBOT_PUBLIC_URL: a file can't be shown on LINE")
            return Links()
        attachment_url = None
        if screen.attachment is not None:
            token = await self.keep(screen.attachment.data, screen.attachment.filename)
            attachment_url = self.url(token, screen.attachment.filename)
        photos = tuple(
            self.url(photo[len(PHOTO_PREFIX) :], "photo.jpg")
            for photo in screen.photos
            if photo.startswith(PHOTO_PREFIX)
        )
        return Links(attachment_url, photos)

    async def keep(self, data: bytes, filename: str, life: timedelta = GENERATED_LIFE) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        async with self.uow_factory() as uow:
            await uow.media.put(
                StoredFile(token, filename[:128], content_type, data, now, now + life)
            )
            await uow.commit()
        return token

    async def keep_photo(self, data: bytes) -> str:
        """An owner's photo, kept to show staff; returns its photo id for flows."""
        return PHOTO_PREFIX + await self.keep(data, "photo.jpg", PHOTO_LIFE)

    def url(self, token: str, filename: str) -> str:
        return f"{self.public_url}/media/{token}/{quote(filename)}"


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def media_handler(uow_factory: UnitOfWorkFactory, clock: Clock) -> Handler:
    """GET /media/{token}/{name}: the file while it lasts, else 404."""

    async def serve(request: web.Request) -> web.StreamResponse:
        # /media/{token}/{name}: routed by pattern, or by prefix on the shared server
        token = request.match_info.get("token") or request.path.split("/")[2]
        async with uow_factory() as uow:
            stored = await uow.media.get(token, clock.now())
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(
            body=stored.data,
            content_type=stored.content_type,
            headers={"Cache-Control": "private, max-age=3600"},
        )

    return serve
