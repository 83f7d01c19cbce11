"""A fake WhatsApp Cloud API: aiohttp on 127.0.0.1, a random port.

It answers the Graph API calls the bot makes (`POST /{version}/{phone_number_id}/
messages` and `/media`, with the bearer token), records every message and upload,
injects errors (any Graph API error code, HTTP status and Retry-After, for one number
or all, a number of times), and plays WhatsApp's side of the webhook: it posts the
owners' messages, button replies, locations, photos and delivery failures to the
bot's /webhook/whatsapp, signed with the app secret as Meta signs them (or not, or
wrongly, for the signature tests).

    async with FakeWhatsApp() as wa:
        wa.webhook_url = "http://127.0.0.1:8443/webhook/whatsapp"
        await wa.text(WaUser("5511987654321", "Ana"), "oi")
        await wa.wait_for(lambda: wa.sent_to("5511987654321"))
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import ClientSession, web

from tests.fakes.waiting import until_quiet, wait_until

T = TypeVar("T")

TOKEN = "EAAG-fake-whatsapp-token"
PHONE_NUMBER_ID = "109876543210"
APP_SECRET = "fake-app-secret"
VERIFY_TOKEN = "fake-verify-token"
VERSION = "v23.0"


@dataclass(frozen=True)
class WaUser:
    """An owner on WhatsApp: their number without the + (wa_id) and profile name."""

    wa_id: str
    name: str = "Test"

    @property
    def chat_id(self) -> int:
        return int(self.wa_id)


@dataclass
class Sent:
    """A message the bot sent (or tried to: `status` is what the fake answered)."""

    to: str
    message: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def kind(self) -> str:
        """text, image, document, template, or the interactive type (button, list ...)."""
        kind = str(self.message.get("type"))
        if kind == "interactive":
            return str(self.message["interactive"]["type"])
        return kind

    @property
    def text(self) -> str:
        """What the person reads: the text, the interactive body, a caption, or the
        template's name and parameters."""
        kind = self.message.get("type")
        if kind == "text":
            return str(self.message["text"]["body"])
        if kind == "interactive":
            return str(self.message["interactive"]["body"]["text"])
        if kind == "template":
            template = self.message["template"]
            values = [
                p["text"] for c in template.get("components", []) for p in c.get("parameters", [])
            ]
            return f"[template {template['name']} {template['language']['code']}] {values}"
        if kind in ("image", "document"):
            return str(self.message[kind].get("caption", ""))
        return ""

    @property
    def choices(self) -> list[dict[str, str]]:
        """The reply buttons or list rows: their id (our button code) and title."""
        if self.message.get("type") != "interactive":
            return []
        interactive = self.message["interactive"]
        action = interactive.get("action", {})
        if interactive["type"] == "button":
            return [b["reply"] for b in action["buttons"]]
        if interactive["type"] == "list":
            return [r for s in action["sections"] for r in s["rows"]]
        return []

    @property
    def reply_ids(self) -> list[str]:
        return [choice["id"] for choice in self.choices]

    @property
    def titles(self) -> list[str]:
        return [choice["title"] for choice in self.choices]


@dataclass
class Upload:
    media_id: str
    filename: str
    mime_type: str
    data: bytes


@dataclass
class _Fault:
    code: int
    status: int
    to: str | None
    retry_after: int | None
    times: int
    path: str  # "messages" or "media"


class FakeWhatsApp:
    def __init__(
        self,
        *,
        token: str = TOKEN,
        phone_number_id: str = PHONE_NUMBER_ID,
        app_secret: str = APP_SECRET,
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.webhook_url = ""  # the bot's /webhook/whatsapp
        self.sent: list[Sent] = []
        self.uploads: list[Upload] = []
        self.webhook_answers: list[int] = []  # the bot's HTTP status for each delivery
        self._faults: list[_Fault] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._session: ClientSession | None = None

    # --- life cycle -----------------------------------------------------------------

    async def start(self) -> FakeWhatsApp:
        application = web.Application(client_max_size=32 * 1024 * 1024)
        application.router.add_post("/{version}/{phone}/messages", self._messages)
        application.router.add_post("/{version}/{phone}/media", self._media)
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._session = ClientSession()
        return self

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeWhatsApp:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """What OWNERBOT_WHATSAPP_API_BASE would be."""
        return f"http://127.0.0.1:{self._port}"

    # --- faults -----------------------------------------------------------------------

    def fail_next(
        self,
        code: int,
        *,
        status: int = 400,
        to: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        path: str = "messages",
    ) -> None:
        """The next `times` calls (to `to`, if given) answer this Graph API error."""
        self._faults.append(_Fault(code, status, to, retry_after, times, path))

    def _fault_for(self, path: str, to: str | None) -> _Fault | None:
        for fault in self._faults:
            if fault.path == path and fault.times > 0 and fault.to in (None, to):
                fault.times -= 1
                return fault
        return None

    # --- the Graph API ------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        to = str(body.get("to", ""))
        message = {k: v for k, v in body.items() if k not in ("messaging_product", "to")}
        message.pop("recipient_type", None)
        if not self._authorized(request):
            await self._record(Sent(to, message, 401))
            return _error(401, 190, "Error validating access token: Session has expired")
        if request.match_info["phone"] != self.phone_number_id:
            await self._record(Sent(to, message, 400))
            return _error(400, 100, "Unsupported post request: unknown phone number id")
        fault = self._fault_for("messages", to)
        if fault is not None:
            await self._record(Sent(to, message, fault.status))
            return _error(
                fault.status, fault.code, f"injected error {fault.code}", fault.retry_after
            )
        await self._record(Sent(to, message))
        wamid = f"wamid.OUT{next(self._ids):08d}"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid}],
            }
        )

    async def _media(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 190, "Error validating access token: Session has expired")
        form = await request.post()
        upload = form.get("file")
        fault = self._fault_for("media", None)
        if fault is not None:
            return _error(fault.status, fault.code, f"injected error {fault.code}")
        if not isinstance(upload, web.FileField) or form.get("messaging_product") != "whatsapp":
            return _error(400, 100, "file and messaging_product are required")
        media_id = f"media{next(self._ids):06d}"
        self.uploads.append(
            Upload(media_id, upload.filename, str(form.get("type", "")), upload.file.read())
        )
        return web.json_response({"id": media_id})

    async def _record(self, sent: Sent) -> None:
        self.sent.append(sent)
        async with self._changed:
            self._changed.notify_all()

    # --- what the bot did ---------------------------------------------------------------

    def sent_to(self, user: WaUser | str) -> list[Sent]:
        wa_id = user.wa_id if isinstance(user, WaUser) else user
        return [s for s in self.sent if s.ok and s.to == wa_id]

    def texts_to(self, user: WaUser | str) -> list[str]:
        return [s.text for s in self.sent_to(user)]

    def upload_named_for(self, sent: Sent) -> Upload:
        """The file an image or document message carried (by its uploaded media id)."""
        media_id = sent.message[sent.kind]["id"]
        return next(u for u in self.uploads if u.media_id == media_id)

    async def wait_for(self, predicate: Callable[[], T], within: float = 5.0) -> T:
        return await wait_until(
            self._changed,
            predicate,
            within,
            lambda: ", ".join(f"{s.to}:{s.kind}:{s.status}" for s in self.sent[-10:]),
        )

    async def settle(self, quiet: float = 0.15, within: float = 10.0) -> None:
        """Wait until the bot has sent nothing for `quiet` seconds."""
        await until_quiet(lambda: max((s.at for s in self.sent), default=0.0), quiet, within)

    # --- WhatsApp's side of the webhook -------------------------------------------------

    def new_wamid(self) -> str:
        """A message id as WhatsApp makes them (base64 inside, about 60 characters)."""
        return f"wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYIDNBMDQ0{next(self._ids):020d}AA=="

    def payload(self, user: WaUser, message: dict[str, Any]) -> dict[str, Any]:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "15550001111",
                "phone_number_id": self.phone_number_id,
            },
            "contacts": [{"profile": {"name": user.name}, "wa_id": user.wa_id}],
            "messages": [{"from": user.wa_id, "timestamp": str(int(time.time())), **message}],
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": "WABA-1", "changes": [{"field": "messages", "value": value}]}],
        }

    async def post(self, payload: dict[str, Any], *, signature: str | None = "valid") -> int:
        """POST a payload to the bot's webhook: signed with the app secret ("valid"),
        unsigned (None), or with the given header value. Returns the bot's status."""
        assert self._session is not None
        assert self.webhook_url, "no webhook_url"
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            digest = hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature-256"] = f"sha256={digest}"
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        async with self._session.post(self.webhook_url, data=body, headers=headers) as answer:
            self.webhook_answers.append(answer.status)
            return answer.status

    async def verify(self, mode: str, token: str, challenge: str) -> tuple[int, str]:
        """Meta's GET subscription check."""
        assert self._session is not None
        query = {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge}
        async with self._session.get(self.webhook_url, params=query) as answer:
            return answer.status, await answer.text()

    async def text(self, user: WaUser, body: str, *, wamid: str | None = None) -> str:
        wamid = wamid or self.new_wamid()
        message = {"id": wamid, "type": "text", "text": {"body": body}}
        await self.post(self.payload(user, message))
        return wamid

    async def reply(self, user: WaUser, reply_id: str, *, from_list: bool = False) -> str:
        """A tap on a reply button, or on a list message's row."""
        wamid = self.new_wamid()
        kind = "list_reply" if from_list else "button_reply"
        interactive = {"type": kind, kind: {"id": reply_id, "title": reply_id[:20]}}
        await self.post(
            self.payload(user, {"id": wamid, "type": "interactive", "interactive": interactive})
        )
        return wamid

    async def location(self, user: WaUser, latitude: float, longitude: float) -> str:
        wamid = self.new_wamid()
        where = {"latitude": latitude, "longitude": longitude}
        await self.post(self.payload(user, {"id": wamid, "type": "location", "location": where}))
        return wamid

    async def image(self, user: WaUser, media_id: str, caption: str = "") -> str:
        wamid = self.new_wamid()
        image = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x", "caption": caption}
        await self.post(self.payload(user, {"id": wamid, "type": "image", "image": image}))
        return wamid

    async def failed(self, user: WaUser, code: int) -> None:
        """A "failed" delivery status for one of the bot's messages."""
        status = {
            "id": f"wamid.OUT{next(self._ids):08d}",
            "status": "failed",
            "timestamp": str(int(time.time())),
            "recipient_id": user.wa_id,
            "errors": [{"code": code, "title": "failed"}],
        }
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "15550001111",
                "phone_number_id": self.phone_number_id,
            },
            "statuses": [status],
        }
        await self.post(
            {
                "object": "whatsapp_business_account",
                "entry": [{"id": "WABA-1", "changes": [{"field": "messages", "value": value}]}],
            }
        )


def _error(status: int, code: int, message: str, retry_after: int | None = None) -> web.Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    body = {
        "error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Afake"}
    }
    return web.json_response(body, status=status, headers=headers)
