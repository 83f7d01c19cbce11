"""A fake LINE platform: the Messaging API (and its data API) on 127.0.0.1, and the
webhook calls LINE makes to the bot, signed with the channel secret.

It records every call, issues reply tokens that are single use and expire, keeps a
monthly push quota (429 "You have reached your monthly limit." when it is used up),
honours X-Line-Retry-Key (409 on a repeat), and injects faults (a status for the next
calls of an endpoint, or a delay).

    async with FakeLine() as line:
        line.follow(user)                    # posts a signed webhook to the bot
        await line.wait_for(lambda: line.messages_to(user.id))
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import ClientSession, web

T = TypeVar("T")

SECRET = "fake-line-channel-secret"
TOKEN = "fake-line-access-token"
MONTHLY_LIMIT = "You have reached your monthly limit."
INVALID_REPLY_TOKEN = "Invalid reply token"


@dataclass(frozen=True)
class LineUser:
    id: str  # "U" and 32 hex digits, as LINE's
    name: str = "Test"
    language: str = "en"


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any]
    status: int
    retry_key: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def endpoint(self) -> str:
        return _endpoint(self.path)


@dataclass
class _Fault:
    endpoint: str  # "reply", "push", "profile", "quota"
    status: int
    message: str
    times: int
    delay: float = 0.0


@dataclass
class _Token:
    chat: str
    issued: float
    used: bool = False


class FakeLine:
    def __init__(self, *, secret: str = SECRET, token: str = TOKEN) -> None:
        self.secret = secret
        self.token = token
        self.calls: list[Call] = []
        self.webhook_url = ""
        self.webhook_statuses: list[int] = []
        self.reply_token_life = 60.0  # seconds
        self.quota_limit: int | None = None
        self.pushed = 0  # pushes accepted this "month"
        self.contents: dict[str, bytes] = {}  # message id -> what the user sent
        self._tokens: dict[str, _Token] = {}
        self._profiles: dict[str, LineUser] = {}
        self._retry_keys: set[str] = set()
        self._faults: list[_Fault] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._http: ClientSession | None = None
        self.base_url = ""

    # --- life cycle -------------------------------------------------------------------

    async def __aenter__(self) -> FakeLine:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        self._http = ClientSession()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- faults -----------------------------------------------------------------------

    def fail_next(self, endpoint: str, status: int, message: str = "", times: int = 1) -> None:
        self._faults.append(_Fault(endpoint, status, message, times))

    def delay_next(self, endpoint: str, seconds: float, times: int = 1) -> None:
        self._faults.append(_Fault(endpoint, 0, "", times, seconds))

    def expire_reply_tokens(self) -> None:
        self.reply_token_life = 0.0

    # --- the API ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        path = request.path
        endpoint = _endpoint(path)
        retry_key = request.headers.get("X-Line-Retry-Key")
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return await self._record(request, body, 401, {"message": "Authentication failed"})
        fault = next((f for f in self._faults if f.endpoint == endpoint and f.times > 0), None)
        if fault is not None:
            fault.times -= 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            else:
                return await self._record(
                    request, body, fault.status, {"message": fault.message}, retry_key
                )
        if endpoint == "reply":
            return await self._reply(request, body)
        if endpoint == "push":
            return await self._push(request, body, retry_key)
        if endpoint == "profile":
            user = path.rsplit("/", 1)[-1]
            profile = self._profiles.get(user)
            if profile is None:
                return await self._record(request, body, 404, {"message": "Not found"})
            return await self._record(
                request,
                body,
                200,
                {"userId": user, "displayName": profile.name, "language": profile.language},
            )
        if endpoint == "quota":
            limit = (
                {"type": "none"}
                if self.quota_limit is None
                else {"type": "limited", "value": self.quota_limit}
            )
            return await self._record(request, body, 200, limit)
        if endpoint == "consumption":
            return await self._record(request, body, 200, {"totalUsage": self.pushed})
        if endpoint == "content":
            message_id = path.split("/")[-2]
            data = self.contents.get(message_id)
            if data is None:
                return await self._record(request, body, 404, {"message": "Not found"})
            self.calls.append(Call(request.method, path, {}, 200))
            return web.Response(body=data, content_type="image/jpeg")
        return await self._record(request, body, 404, {"message": "Not found"})

    async def _reply(self, request: web.Request, body: dict[str, Any]) -> web.StreamResponse:
        token = self._tokens.get(str(body.get("replyToken")))
        if token is None or token.used or time.monotonic() - token.issued > self.reply_token_life:
            return await self._record(request, body, 400, {"message": INVALID_REPLY_TOKEN})
        token.used = True
        body = {**body, "to": token.chat}
        return await self._record(request, body, 200, {"sentMessages": self._sent(body)})

    async def _push(
        self, request: web.Request, body: dict[str, Any], retry_key: str | None
    ) -> web.StreamResponse:
        if retry_key is not None and retry_key in self._retry_keys:
            return await self._record(
                request, body, 409, {"message": "The retry key is already accepted"}, retry_key
            )
        if self.quota_limit is not None and self.pushed >= self.quota_limit:
            return await self._record(request, body, 429, {"message": MONTHLY_LIMIT}, retry_key)
        if retry_key is not None:
            self._retry_keys.add(retry_key)
        self.pushed += 1
        return await self._record(request, body, 200, {"sentMessages": self._sent(body)}, retry_key)

    def _sent(self, body: dict[str, Any]) -> list[dict[str, str]]:
        return [{"id": str(next(self._ids))} for _ in body.get("messages", [])]

    async def _record(
        self,
        request: web.Request,
        body: dict[str, Any],
        status: int,
        answer: dict[str, Any],
        retry_key: str | None = None,
    ) -> web.StreamResponse:
        self.calls.append(Call(request.method, request.path, body, status, retry_key))
        async with self._changed:
            self._changed.notify_all()
        return web.json_response(answer, status=status)

    # --- what users do (webhook calls to the bot) ------------------------------------

    def knows(self, user: LineUser) -> None:
        self._profiles[user.id] = user

    def event(
        self,
        user: LineUser,
        kind: str,
        *,
        group: str | None = None,
        redelivery: bool = False,
        event_id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A webhook event object as LINE sends it."""
        self.knows(user)
        chat = group or user.id
        source = (
            {"type": "group", "groupId": group, "userId": user.id}
            if group
            else {"type": "user", "userId": user.id}
        )
        event: dict[str, Any] = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": source,
            "webhookEventId": event_id or f"01FAKE{next(self._ids):020d}",
            "deliveryContext": {"isRedelivery": redelivery},
            **fields,
        }
        if kind not in ("unfollow", "leave"):
            token = f"rt-{next(self._ids)}"
            self._tokens[token] = _Token(chat, time.monotonic())
            event["replyToken"] = token
        return event

    def text(self, user: LineUser, text: str, **kw: Any) -> dict[str, Any]:
        message = {"type": "text", "id": str(next(self._ids)), "text": text}
        return self.event(user, "message", message=message, **kw)

    def postback(self, user: LineUser, data: str, **kw: Any) -> dict[str, Any]:
        return self.event(user, "postback", postback={"data": data}, **kw)

    def location(self, user: LineUser, lat: float, lon: float, **kw: Any) -> dict[str, Any]:
        message = {
            "type": "location",
            "id": str(next(self._ids)),
            "latitude": lat,
            "longitude": lon,
        }
        return self.event(user, "message", message=message, **kw)

    def image(self, user: LineUser, data: bytes, **kw: Any) -> dict[str, Any]:
        message_id = str(next(self._ids))
        self.contents[message_id] = data
        message = {"type": "image", "id": message_id, "contentProvider": {"type": "line"}}
        return self.event(user, "message", message=message, **kw)

    async def post(
        self, *events: dict[str, Any], signature: str | None = None, raw: bytes | None = None
    ) -> int:
        """Post events to the bot's webhook, signed as LINE signs them; the status."""
        assert self._http is not None
        body = (
            raw
            if raw is not None
            else json.dumps({"destination": "Ubot", "events": list(events)}).encode()
        )
        sign = signature if signature is not None else self.sign(body)
        headers = {"Content-Type": "application/json"}
        if sign:
            headers["x-line-signature"] = sign
        async with self._http.post(self.webhook_url, data=body, headers=headers) as response:
            self.webhook_statuses.append(response.status)
            return response.status

    def sign(self, body: bytes) -> str:
        digest = hmac.new(self.secret.encode(), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    # --- reading what the bot sent -----------------------------------------------------

    def sends(self) -> list[Call]:
        return [c for c in self.calls if c.endpoint in ("reply", "push") and c.status == 200]

    def messages_to(self, chat: str) -> list[dict[str, Any]]:
        return [m for c in self.sends() if c.body.get("to") == chat for m in c.body["messages"]]

    def calls_to(self, endpoint: str) -> list[Call]:
        return [c for c in self.calls if c.endpoint == endpoint]

    async def wait_for(self, check: Callable[[], T], within: float = 5.0) -> T:
        deadline = time.monotonic() + within
        while True:
            result = check()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("the fake LINE platform waited in vain")
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), min(remaining, 0.1))


def _endpoint(path: str) -> str:
    if path.startswith("/v2/bot/profile/"):
        return "profile"
    if path.endswith("/content"):
        return "content"
    if path == "/v2/bot/message/quota":
        return "quota"
    if path == "/v2/bot/message/quota/consumption":
        return "consumption"
    return path.rsplit("/", 1)[-1]
