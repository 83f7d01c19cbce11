"""A fake Telegram Bot API server: aiohttp on 127.0.0.1, a random port (one long module:
it mirrors every Bot API method the two runtimes call).

It speaks enough of the Bot API for aiogram and python-telegram-bot to run against it
(`/bot{token}/{method}`, JSON, form and multipart bodies), records every call for
assertions, queues updates for long polling (or posts them to a webhook, as Telegram
does), and injects faults: 429 with retry_after, 403 "bot was blocked by the user",
slow answers for timeouts, and a per-call latency for benchmarks.

    async with FakeBotAPI() as api:
        alice = TgUser(5001, "Alice", "en")
        api.command(alice, "start")
        await api.wait_for(lambda: api.sent_to(alice.id))
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import ClientSession, ClientTimeout, web

from bot.channels.telegram.updates import ADMIN_RIGHTS
from tests.fakes.waiting import until_quiet, wait_until

T = TypeVar("T")
DEFAULT_TOKEN = "123456:TEST-token_for-the-fake-api"
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)

# Form fields arrive as strings: these stay text, every other field is JSON-decoded.
_TEXT_FIELDS = {
    "text",
    "caption",
    "photo",  # a file id (uploads arrive as files)
    "parse_mode",
    "callback_query_id",
    "url",
    "secret_token",
    "language_code",
    "description",
    "short_description",
    "name",
    "ip_address",
}
BUTTON_LIMIT = 100  # buttons in one inline keyboard
MARKUP_TOO_LONG = "Bad Request: reply markup is too long"
CLIENT_GONE = 499  # recorded for a delayed call the client stopped waiting for
SENDS = ("sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class TgUser:
    """A Telegram user as the fake server shows it in updates."""

    id: int
    first_name: str = "Test"
    language_code: str = "en"
    is_bot: bool = False
    username: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
        }
        if self.language_code:
            data["language_code"] = self.language_code
        if self.username:
            data["username"] = self.username
        return data


@dataclass(frozen=True)
class TgChat:
    """A group chat (private chats are made from the user)."""

    id: int
    title: str = "Aurora owners club"
    type: str = "supergroup"

    def to_api(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)  # answered
    arrived: float = 0.0  # when the request reached the server (what Telegram counts)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int) else None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class _Fault:
    method: str
    chat_id: int | None
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    migrate_to: int | None = None


@dataclass
class _Queued:
    update: dict[str, Any]
    delivered: bool = False


class FakeBotAPI:
    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "ownerbot_test_bot",
        latency: float = 0.0,
        record: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.latency = latency  # seconds added to every call but getUpdates
        self.record = record  # False: keep counts only (benchmarks)
        self.calls: list[Call] = []
        self.counts: dict[str, int] = {}
        self.commands: dict[str | None, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, id) -> message
        self.answered: dict[str, int] = {}  # callback query id -> answers
        self.polls = 0  # getUpdates calls begun (they are recorded when they return)
        self.errors = 0  # failed calls other than getUpdates
        self._chats: dict[int, dict[str, Any]] = {}
        # Join requests by (chat, user): "pending", "approved" or "declined".
        self.join_requests: dict[tuple[int, int], str] = {}
        # The bot's administrator rights per group; a group not named here has the bot
        # as an administrator with every right (`bot_status` changes it).
        self.bot_rights: dict[int, dict[str, bool]] = {}
        self.pinned: dict[int, list[int]] = {}  # group -> the message ids pinned, in order
        self._next_message: dict[int, int] = {}
        self._update_ids = itertools.count(1000)
        self._callback_ids = itertools.count(1)
        self._queue: list[_Queued] = []
        self._faults: list[_Fault] = []
        self._changed = asyncio.Condition()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._webhook_task: asyncio.Task[None] | None = None
        self._http: ClientSession | None = None

    # --- life cycle -------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeBotAPI:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/_control/updates", self._control_updates)
        app.router.add_get("/_control/stats", self._control_stats)
        app.router.add_get("/_control/sent", self._control_sent)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        address = self._runner.addresses[0]
        self._port = int(address[1])
        return self

    async def close(self) -> None:
        self._closing.set()
        async with self._changed:
            self._changed.notify_all()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            await asyncio.gather(self._webhook_task, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """What OWNERBOT_TELEGRAM_API_BASE would be: `{base_url}/bot{token}/{method}`."""
        return f"http://127.0.0.1:{self._port}"

    # --- what the bot did ---------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[Call]:
        """Successful sendMessage/sendDocument/sendPhoto/sendMediaGroup calls to a chat,
        in order."""
        return [c for c in self.calls if c.method in SENDS and c.ok and c.chat_id == chat_id]

    def texts_to(self, chat_id: int) -> list[str]:
        """The text (or caption) of each successful send and edit to a chat, in order."""
        return [
            str(c.params.get("text", c.params.get("caption", "")))
            for c in self.calls
            if c.ok and c.chat_id == chat_id and c.method in (*SENDS, "editMessageText")
        ]

    def edits_in(self, chat_id: int) -> list[Call]:
        return [
            c for c in self.calls if c.method == "editMessageText" and c.ok and c.chat_id == chat_id
        ]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return self.messages[(chat_id, message_id)]

    def last_message_id(self, chat_id: int) -> int:
        """The id of the last message the bot sent to the chat."""
        return max(
            mid
            for (cid, mid), m in self.messages.items()
            if cid == chat_id and m["from"]["id"] == self.bot_id
        )

    async def wait_for(self, predicate: Callable[[], T], within: float = 5.0) -> T:
        """Wait until `predicate()` is truthy (re-checked after every call); return it."""
        return await wait_until(
            self._changed,
            predicate,
            within,
            lambda: ", ".join(f"{c.method}:{c.status}" for c in self.calls[-15:]),
        )

    async def wait_until_polling(self, within: float = 5.0) -> None:
        await self.wait_for(lambda: self.polls, within)

    async def settle(self, quiet: float = 0.15, within: float = 10.0) -> None:
        """Wait until no call but getUpdates has come for `quiet` seconds."""
        await until_quiet(
            lambda: max((c.at for c in self.calls if c.method != "getUpdates"), default=0.0),
            quiet,
            within,
            busy=lambda: bool(self.pending_updates),
        )

    @property
    def pending_updates(self) -> int:
        return sum(1 for q in self._queue if not q.delivered)

    # --- fault injection ----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        *,
        description: str | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) fail with `status`.
        403 means "bot was blocked by the user"; retry_after only goes with 429."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                401: "Unauthorized",
                403: BLOCKED,
                400: "Bad Request: message can't be edited",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(status, "Error")
        self._faults.append(
            _Fault(
                method,
                chat_id,
                status=status,
                description=description,
                retry_after=retry_after if status == 429 else None,
                times=times,
            )
        )

    def upgrade_group(self, chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: every later send to its old id gets 400 with
        `migrate_to_chat_id`, as Telegram answers."""
        for method in SENDS:
            self._faults.append(
                _Fault(
                    method,
                    chat_id,
                    status=400,
                    description="Bad Request: group chat was upgraded to a supergroup chat",
                    times=1_000_000,
                    migrate_to=new_chat_id,
                )
            )

    def block(self, chat_id: int) -> None:
        """Every later send to this chat gets 403, as when the user blocked the bot."""
        for method in (*SENDS, "editMessageText"):
            self.fail_next(method, 403, chat_id=chat_id, times=1_000_000)

    def delay_next(
        self, method: str, seconds: float, *, chat_id: int | None = None, times: int = 1
    ) -> None:
        """The next call(s) of `method` answer only after `seconds` (for timeouts)."""
        self._faults.append(_Fault(method, chat_id, delay=seconds, times=times))

    def _take_fault(self, method: str, params: dict[str, Any]) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.chat_id in (None, params.get("chat_id")):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # --- updates ------------------------------------------------------------------------

    def user_text(
        self, user: TgUser, text: str, chat: TgChat | None = None, *, reply_to: int | None = None
    ) -> dict[str, Any]:
        """A text message; `reply_to` a message id in that chat makes it a reply."""
        if reply_to is None:
            return self._message_update(user, chat, text=text)
        chat_id = chat.id if chat is not None else user.id
        replied = self.messages[(chat_id, reply_to)]
        return self._message_update(user, chat, text=text, reply_to_message=replied)

    def command(
        self,
        user: TgUser,
        name: str,
        args: str = "",
        chat: TgChat | None = None,
        *,
        mention: str | None = None,
    ) -> dict[str, Any]:
        head = f"/{name}" + (f"@{mention}" if mention else "")
        text = f"{head} {args}" if args else head
        entities = [{"type": "bot_command", "offset": 0, "length": len(head)}]
        return self._message_update(user, chat, text=text, entities=entities)

    def contact(
        self, user: TgUser, phone: str, contact_user_id: int | None = None
    ) -> dict[str, Any]:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": user.first_name}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._message_update(user, None, contact=contact)

    def location(self, user: TgUser, latitude: float, longitude: float) -> dict[str, Any]:
        return self._message_update(
            user, None, location={"latitude": latitude, "longitude": longitude}
        )

    def photo(self, user: TgUser, file_ids: Iterable[str], caption: str = "") -> dict[str, Any]:
        sizes = [
            {
                "file_id": fid,
                "file_unique_id": f"u{fid}",
                "width": 90 * (i + 1),
                "height": 60 * (i + 1),
            }
            for i, fid in enumerate(file_ids)
        ]
        extra: dict[str, Any] = {"photo": sizes}
        if caption:
            extra["caption"] = caption
        return self._message_update(user, None, **extra)

    def member_joined(
        self, chat: TgChat, *members: TgUser, by: TgUser | None = None
    ) -> dict[str, Any]:
        inviter = by or members[0]
        return self._message_update(inviter, chat, new_chat_members=[m.to_api() for m in members])

    def join_request(self, chat: TgChat, user: TgUser) -> dict[str, Any]:
        """`user` asks to join `chat` (a group whose invite link needs approval)."""
        self.join_requests[(chat.id, user.id)] = "pending"
        self._chats[chat.id] = chat.to_api()
        request = {
            "chat": chat.to_api(),
            "from": user.to_api(),
            "user_chat_id": user.id,
            "date": int(time.time()),
        }
        return self._push({"chat_join_request": request})

    def bot_status(self, chat: TgChat, status: str, by: TgUser, **rights: bool) -> dict[str, Any]:
        """The bot's own membership changed (my_chat_member): "administrator" with
        `rights` (can_invite_users=True, ...), "member", "left" or "kicked"."""
        self.bot_rights[chat.id] = dict(rights) if status == "administrator" else {}
        change = {
            "chat": chat.to_api(),
            "from": by.to_api(),
            "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": self._bot_user()},
            "new_chat_member": self._bot_member(chat.id, status),
        }
        return self._push({"my_chat_member": change})

    def migrate(self, chat: TgChat, new_id: int, by: TgUser) -> dict[str, Any]:
        """A group upgraded to a supergroup: the service message in the old chat."""
        return self._message_update(by, chat, migrate_to_chat_id=new_id)

    def _bot_member(self, chat_id: int, status: str = "administrator") -> dict[str, Any]:
        member: dict[str, Any] = {"status": status, "user": self._bot_user()}
        if status == "kicked":
            member["until_date"] = 0  # banned for good
        if status != "administrator":
            return member
        granted = self.bot_rights.get(chat_id)
        every = granted is None
        member.update(
            {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_send_welcome_messages": False,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_manage_video_chats": False,
            }
        )
        for right in ADMIN_RIGHTS:
            member[right] = every or bool(granted and granted.get(right))
        return member

    def press(
        self, user: TgUser, data: str, message_id: int, chat: TgChat | None = None
    ) -> dict[str, Any]:
        """A tap on an inline button of message `message_id`: a callback_query."""
        chat_data = self._chat(user, chat)
        message = self.messages.get((chat_data["id"], message_id)) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat_data,
            "from": self._bot_user(),
            "text": "…",
        }
        query = {
            "id": f"cq{next(self._callback_ids)}",
            "from": user.to_api(),
            "message": message,
            "chat_instance": f"ci{chat_data['id']}",
            "data": data,
        }
        return self._push({"callback_query": query})

    def group_upgraded(self, user: TgUser, group: TgChat, new_chat_id: int) -> dict[str, Any]:
        """The service message Telegram posts in a group that became a supergroup."""
        old = TgChat(group.id, group.title, "group")
        return self._message_update(user, old, migrate_to_chat_id=new_chat_id)

    def resend(self, update: dict[str, Any]) -> dict[str, Any]:
        """Deliver the same update (same update_id) once more, as Telegram does when the
        bot did not confirm it in time, or a webhook call failed."""
        self._queue.append(_Queued(update))
        self._notify_soon()
        return update

    def _message_update(self, user: TgUser, chat: TgChat | None, **content: Any) -> dict[str, Any]:
        chat_data = self._chat(user, chat)
        message = {
            "message_id": self._message_id(chat_data["id"]),
            "from": user.to_api(),
            "chat": chat_data,
            "date": int(time.time()),
            **content,
        }
        self.messages[(chat_data["id"], message["message_id"])] = message
        return self._push({"message": message})

    def _push(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **body}
        self._queue.append(_Queued(update))
        self._notify_soon()
        return update

    def _notify_soon(self) -> None:
        async def notify() -> None:
            async with self._changed:
                self._changed.notify_all()

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.create_task(notify())  # noqa: RUF006 - short-lived; nothing to await
        if self.webhook.get("url") and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = loop.create_task(self._deliver_webhook())

    def _chat(self, user: TgUser, chat: TgChat | None) -> dict[str, Any]:
        if chat is not None:
            data = chat.to_api()
        else:
            data = {"id": user.id, "type": "private", "first_name": user.first_name}
        self._chats[data["id"]] = data
        return data

    def _message_id(self, chat_id: int) -> int:
        self._next_message[chat_id] = self._next_message.get(chat_id, 0) + 1
        return self._next_message[chat_id]

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Ownerbot",
            "username": self.bot_username,
        }

    # --- webhook delivery ---------------------------------------------------------------

    async def post_to_webhook(self, update: dict[str, Any], secret_token: str | None = None) -> int:
        """POST one update to the registered webhook (with the registered secret unless
        one is given); the HTTP status the bot answered."""
        url = self.webhook["url"]
        secret = self.webhook.get("secret_token") if secret_token is None else secret_token
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        if self._http is None:
            self._http = ClientSession(timeout=ClientTimeout(total=10))
        async with self._http.post(url, json=update, headers=headers) as response:
            await response.read()
            return response.status

    async def _deliver_webhook(self) -> None:
        """Like Telegram: post queued updates in order; retry what was not accepted."""
        while not self._closing.is_set():
            waiting = [q for q in self._queue if not q.delivered]
            if not waiting or not self.webhook.get("url"):
                return
            entry = waiting[0]
            try:
                status = await self.post_to_webhook(entry.update)
            except OSError:
                status = 0
            if 200 <= status < 300:
                entry.delivered = True
                self._queue.remove(entry)
            else:
                await asyncio.sleep(0.2)

    # --- control from another process (bench/pipeline.py runs the server apart) ----------

    async def _control_updates(self, request: web.Request) -> web.Response:
        """POST {"updates": [{"type": "command", "user": {...}, "name": "help"}, ...]};
        types: command (name, args), text (text), press (data, message_id)."""
        body = await request.json()
        for spec in body["updates"]:
            user = TgUser(**spec["user"])
            kind = spec["type"]
            if kind == "command":
                self.command(user, spec["name"], spec.get("args", ""))
            elif kind == "text":
                self.user_text(user, spec["text"])
            elif kind == "press":
                self.press(user, spec["data"], int(spec["message_id"]))
            else:
                return _error(400, f"unknown update type {kind!r}")
        return _ok(len(body["updates"]))

    async def _control_stats(self, _request: web.Request) -> web.Response:
        return _ok(
            {
                "counts": self.counts,
                "pending": self.pending_updates,
                "answered": len(self.answered),
                "errors": self.errors,
                "cpu_seconds": time.process_time(),
            }
        )

    async def _control_sent(self, _request: web.Request) -> web.Response:
        """Every recorded send: its chat, whether it asked for paid broadcast, and when it
        reached the server (time.monotonic(), comparable across processes on one machine)."""
        return _ok(
            [
                {
                    "chat_id": call.chat_id,
                    "at": call.arrived,
                    "paid": bool(call.params.get("allow_paid_broadcast")),
                }
                for call in self.calls
                if call.method in SENDS and call.ok
            ]
        )

    # --- the HTTP side --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        arrived = time.monotonic()
        if request.match_info["token"] != self.token:
            await self._record(method, {}, 401)
            return _error(401, "Unauthorized")
        params = await _read_params(request)
        if method == "getUpdates":
            self.polls += 1
            async with self._changed:
                self._changed.notify_all()
        fault = self._take_fault(method, params)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
            fault = None
            if request.transport is None or request.transport.is_closing():
                # the client gave up waiting: this call is lost, as on a real network
                await self._record(method, params, CLIENT_GONE, arrived)
                return _error(CLIENT_GONE, "client closed the connection")
        if self.latency and method != "getUpdates":
            await asyncio.sleep(self.latency)
        if fault is not None:
            response = _error(fault.status, fault.description, fault.retry_after, fault.migrate_to)
        else:
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                response = _error(404, "Not Found: method not found")
            else:
                result = await handler(params)
                response = result if isinstance(result, web.Response) else _ok(result)
        await self._record(method, params, response.status, arrived)
        return response

    async def _record(
        self, method: str, params: dict[str, Any], status: int, arrived: float = 0.0
    ) -> None:
        self.counts[method] = self.counts.get(method, 0) + 1
        if status != 200 and method != "getUpdates":
            self.errors += 1
        if self.record or method not in ("getUpdates", *SENDS, "answerCallbackQuery"):
            self.calls.append(Call(method, params, status, arrived=arrived or time.monotonic()))
        async with self._changed:
            self._changed.notify_all()

    async def _api_getMe(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            return _error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int):
            self._queue = [q for q in self._queue if not (q.delivered and _id(q) < offset)]
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self._changed:
            while not self._queue and not self._closing.is_set():
                left = deadline - loop.time()
                if left <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    break
        batch = sorted(self._queue, key=_id)[:limit]
        for entry in batch:
            entry.delivered = True
        return [entry.update for entry in batch]

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {
            "url": params.get("url", ""),
            "secret_token": params.get("secret_token"),
            "allowed_updates": params.get("allowed_updates"),
        }
        if self._queue:
            self._notify_soon()
        return True

    async def _api_getWebhookInfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": self.pending_updates,
        }

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands[params.get("language_code") or None] = list(params.get("commands") or [])
        return True

    async def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        language = params.get("language_code") or None
        return self.commands.get(language, self.commands.get(None, []))

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(params.get("language_code") or None, None)
        return True

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text", ""))
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(_plain(text, params)) > 4096:
            return _error(400, "Bad Request: message is too long")
        if _too_many_buttons(params):
            return _error(400, MARKUP_TOO_LONG)
        return self._new_message(params, text=_plain(text, params))

    async def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        file = params.get("document")
        name = file.get("filename") if isinstance(file, dict) else "file"
        document = {"file_id": f"doc{len(self.messages)}", "file_unique_id": "u", "file_name": name}
        return self._new_message(params, document=document, **_caption(params))

    async def _api_sendPhoto(self, params: dict[str, Any]) -> Any:
        photo = params.get("photo")
        file_id = photo if isinstance(photo, str) else f"ph{len(self.messages)}"
        return self._new_message(params, photo=_sizes(file_id), **_caption(params))

    async def _api_sendMediaGroup(self, params: dict[str, Any]) -> Any:
        """An album: 2 to 10 photos (by file id here), one message each."""
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            return _error(400, "Bad Request: wrong number of media in the album")
        if any(
            item.get("type") != "photo" or not isinstance(item.get("media"), str) for item in media
        ):
            return _error(400, "Bad Request: only photos by file id are supported here")
        group = f"album{len(self.messages)}"
        sent = []
        for item in media:
            message = self._new_message(params, photo=_sizes(item["media"]), media_group_id=group)
            if isinstance(message, web.Response):
                return message
            sent.append(message)
        return sent

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != self.bot_id:
            return _error(400, "Bad Request: message can't be edited")
        if "text" not in message:
            return _error(400, "Bad Request: there is no text in the message to edit")
        text = _plain(str(params.get("text", "")), params)
        if len(text) > 4096:
            return _error(400, "Bad Request: MESSAGE_TOO_LONG")
        if _too_many_buttons(params):
            return _error(400, MARKUP_TOO_LONG)
        markup = _inline_markup(params)
        if message["text"] == text and message.get("reply_markup") == markup:
            return _error(400, NOT_MODIFIED)
        message["text"] = text
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _api_editMessageCaption(self, params: dict[str, Any]) -> Any:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != self.bot_id or "photo" not in message:
            return _error(400, "Bad Request: there is no caption in the message to edit")
        caption = _plain(str(params.get("caption", "")), params)
        if len(caption) > 1024:
            return _error(400, "Bad Request: MEDIA_CAPTION_TOO_LONG")
        markup = _inline_markup(params)
        if message.get("caption") == caption and message.get("reply_markup") == markup:
            return _error(400, NOT_MODIFIED)
        message["caption"] = caption
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _api_pinChatMessage(self, params: dict[str, Any]) -> Any:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if not isinstance(chat_id, int) or (chat_id, message_id) not in self.messages:
            return _error(400, "Bad Request: message to pin not found")
        granted = self.bot_rights.get(chat_id)
        if chat_id < 0 and granted is not None and not granted.get("can_pin_messages"):
            return _error(
                400, "Bad Request: not enough rights to manage pinned messages in the chat"
            )
        self.pinned.setdefault(chat_id, []).append(int(message_id or 0))
        return True

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        markup = _inline_markup(params)
        if message.get("reply_markup") == markup:
            return _error(400, NOT_MODIFIED)
        message["reply_markup"] = markup
        return message

    async def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        key = (params.get("chat_id"), params.get("message_id"))
        if self.messages.pop(key, None) is None:
            return _error(400, "Bad Request: message to delete not found")
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        if query_id in self.answered:
            self.answered[query_id] += 1
            return _error(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.answered[query_id] = 1
        return True

    async def _api_approveChatJoinRequest(self, params: dict[str, Any]) -> Any:
        return self._settle_join(params, "approved")

    async def _api_declineChatJoinRequest(self, params: dict[str, Any]) -> Any:
        return self._settle_join(params, "declined")

    def _settle_join(self, params: dict[str, Any], outcome: str) -> Any:
        key = (params.get("chat_id"), params.get("user_id"))
        if not isinstance(key[0], int) or not isinstance(key[1], int):
            return _error(400, "Bad Request: chat not found")
        granted = self.bot_rights.get(key[0])
        if granted is not None and not granted.get("can_invite_users"):
            return _error(400, "Bad Request: not enough rights to manage join requests")
        if self.join_requests.get((key[0], key[1])) != "pending":
            return _error(400, "Bad Request: HIDE_REQUESTER_MISSING")
        self.join_requests[(key[0], key[1])] = outcome
        return True

    async def _api_getChatMember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = params.get("chat_id"), params.get("user_id")
        if not isinstance(chat_id, int):
            return _error(400, "Bad Request: chat not found")
        if user_id != self.bot_id:
            return {"status": "member", "user": {"id": user_id, "is_bot": False, "first_name": "U"}}
        granted = self.bot_rights.get(chat_id)
        status = "administrator" if granted is None or granted else "member"
        return self._bot_member(chat_id, status)

    async def _api_close(self, _params: dict[str, Any]) -> bool:
        return True

    async def _api_logOut(self, _params: dict[str, Any]) -> bool:
        return True

    def _new_message(self, params: dict[str, Any], **content: Any) -> Any:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            return _error(400, "Bad Request: chat not found")
        chat = self._chats.get(chat_id) or {
            "id": chat_id,
            "type": "private" if chat_id > 0 else "group",
            **({"first_name": "User"} if chat_id > 0 else {"title": "Group"}),
        }
        message: dict[str, Any] = {
            "message_id": self._message_id(chat_id),
            "from": self._bot_user(),
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        markup = _inline_markup(params)
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message


def _id(entry: _Queued) -> int:
    return int(entry.update["update_id"])


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(
    status: int, description: str, retry_after: int | None = None, migrate_to: int | None = None
) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    if migrate_to is not None:
        body["parameters"] = {"migrate_to_chat_id": migrate_to}
    return web.json_response(body, status=status)


def _too_many_buttons(params: dict[str, Any]) -> bool:
    """Telegram refuses an inline keyboard of more than 100 buttons."""
    keyboard = (_inline_markup(params) or {}).get("inline_keyboard", [])
    return sum(len(row) for row in keyboard) > BUTTON_LIMIT


def _plain(text: str, params: dict[str, Any]) -> str:
    """What a client shows: tags stripped, entities decoded (HTML parse mode)."""
    if str(params.get("parse_mode", "")).upper() == "HTML":
        return html.unescape(_TAG.sub("", text))
    return text


def _sizes(file_id: str) -> list[dict[str, Any]]:
    return [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 90, "height": 90}]


def _caption(params: dict[str, Any]) -> dict[str, Any]:
    caption = params.get("caption")
    return {"caption": _plain(str(caption), params)} if caption else {}


def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


async def _read_params(request: web.Request) -> dict[str, Any]:
    """JSON bodies as they are; form and multipart fields decoded (files as dicts)."""
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        return dict(body) if isinstance(body, dict) else {}
    if not request.can_read_body:
        return dict(request.query)
    form = await request.post()
    files: dict[str, dict[str, Any]] = {}
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            data = value.file.read()
            files[key] = {"filename": value.filename, "size": len(data), "data": data}
        else:
            params[key] = _decode(key, str(value))
    for key, value in list(params.items()):  # aiogram sends files as attach://<part>
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = files.pop(value.removeprefix("attach://"), value)
    params.update(files)
    return params


def _decode(key: str, value: str) -> Any:
    if key in _TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def serve_forever(port: int, latency: float, record: bool) -> None:
    """`python -m tests.fakes.bot_api`: print the base URL, serve until killed."""
    api = FakeBotAPI(latency=latency, record=record)
    await api.start(port)
    print(api.base_url, api.token, flush=True)  # the parent reads this line
    await asyncio.Event().wait()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A fake Telegram Bot API server.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per call")
    parser.add_argument("--no-record", action="store_true", help="count calls only")
    args = parser.parse_args()
    asyncio.run(serve_forever(args.port, args.latency, not args.no_record))
