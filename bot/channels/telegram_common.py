"""What the aiogram and python-telegram-bot runtimes share.

Both libraries parse Telegram's JSON into objects with the same attribute names
(`update.message.from_user.language_code`, `callback_query.message.message_id`, ...),
so one set of structural types (`TgUpdate` and friends) covers both, and everything
that is not about a library's API lives here once:

- `events_from_update`: a Telegram update becomes zero or more `Event`s;
- `Pipeline`: per-chat FIFO processing (chats run concurrently), the dispatcher
  call, screen delivery with Telegram's error rules (429 retry_after, 403 blocked,
  network back-off, "message is not modified", edit-or-send) and exactly one
  answer per callback query;
- `announce_commands`: the command menu per shipped language (setMyCommands);
- `serve_webhook`: an aiohttp endpoint that checks Telegram's secret token.

A runtime supplies a `TelegramPort`: a handful of calls in its library's terms and a
`classify` that maps its exceptions to a `Failure`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import secrets
import signal
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.gc_tuning import collector_tuned_for_serving
from bot.channels.text import html_to_text
from bot.clock import Clock
from bot.i18n import SHIPPED_LOCALES, Catalogs
from bot.scheduler.sender import Delivery, Outcome
from bot.services.accounts import mark_unreachable
from bot.services.ports import UnitOfWorkFactory
from handlers.commands import command_menu
from handlers.types import (
    Attachment,
    Button,
    ChatKind,
    Contact,
    Event,
    EventKind,
    Location,
    RequestButton,
    Screen,
)

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.app import App

log = logging.getLogger(__name__)

CHANNEL = "telegram"  # both runtimes: update ids dedupe across them
ALLOWED_UPDATES = ("message", "callback_query")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_ANSWER_LIMIT = 200  # characters Telegram shows in a callback notification


# --- the shape of Telegram objects, as both libraries expose them ----------------


class TgUser(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def is_bot(self) -> bool: ...
    @property
    def first_name(self) -> str: ...
    @property
    def language_code(self) -> str | None: ...


class TgChat(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str: ...


class TgContact(Protocol):
    @property
    def phone_number(self) -> str: ...
    @property
    def user_id(self) -> int | None: ...


class TgLocation(Protocol):
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


class TgPhotoSize(Protocol):
    @property
    def file_id(self) -> str: ...


class TgMessageRef(Protocol):
    """A message a button sits on (it may be too old to read: only id and chat)."""

    @property
    def message_id(self) -> int: ...
    @property
    def chat(self) -> TgChat: ...


class TgMessage(TgMessageRef, Protocol):
    @property
    def from_user(self) -> TgUser | None: ...
    @property
    def text(self) -> str | None: ...
    @property
    def caption(self) -> str | None: ...
    @property
    def contact(self) -> TgContact | None: ...
    @property
    def location(self) -> TgLocation | None: ...
    @property
    def photo(self) -> Sequence[TgPhotoSize] | None: ...
    @property
    def new_chat_members(self) -> Sequence[TgUser] | None: ...


class TgCallbackQuery(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def from_user(self) -> TgUser: ...
    @property
    def data(self) -> str | None: ...
    @property
    def message(self) -> TgMessageRef | None: ...


class TgUpdate(Protocol):
    @property
    def update_id(self) -> int: ...
    @property
    def message(self) -> TgMessage | None: ...
    @property
    def callback_query(self) -> TgCallbackQuery | None: ...


# --- update -> events -----------------------------------------------------------

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)
_CHAT_KINDS = {
    "private": ChatKind.PRIVATE,
    "group": ChatKind.GROUP,
    "supergroup": ChatKind.GROUP,
}


def events_from_update(update: TgUpdate, bot_username: str) -> list[Event]:
    """The events in one update; empty for what the flows don't handle."""
    uid = str(update.update_id)
    query = update.callback_query
    if query is not None:
        return [_button_event(uid, query)]
    message = update.message
    if message is None:
        return []
    chat_kind = _CHAT_KINDS.get(str(message.chat.type))
    if chat_kind is None:
        return []  # channels: we only post there
    if message.new_chat_members:
        return _member_events(uid, message, chat_kind)
    sender = message.from_user
    if sender is None:
        return []
    base = {
        "channel": CHANNEL,
        "user_id": sender.id,
        "chat_id": message.chat.id,
        "chat_kind": chat_kind,
        "language_code": sender.language_code or "",
        "first_name": sender.first_name or "",
    }
    event = _message_event(uid, message, bot_username, base)
    return [event] if event is not None else []


def _message_event(
    uid: str, message: TgMessage, bot_username: str, base: Mapping[str, Any]
) -> Event | None:
    if message.contact is not None:
        contact = Contact(message.contact.phone_number, message.contact.user_id)
        return Event(update_id=uid, kind=EventKind.CONTACT, contact=contact, **base)
    if message.location is not None:
        where = Location(message.location.latitude, message.location.longitude)
        return Event(update_id=uid, kind=EventKind.LOCATION, location=where, **base)
    if message.photo:
        return Event(
            update_id=uid,
            kind=EventKind.PHOTO,
            photo_id=message.photo[-1].file_id,  # Telegram lists sizes smallest first
            text=message.caption or "",
            **base,
        )
    text = message.text
    if text is None:
        return None
    parsed = parse_command(text, bot_username)
    if parsed is None:
        return Event(update_id=uid, kind=EventKind.TEXT, text=text, **base)
    command, args = parsed
    if not command:
        return None  # addressed to another bot
    return Event(update_id=uid, kind=EventKind.COMMAND, command=command, text=args, **base)


def parse_command(text: str, bot_username: str) -> tuple[str, str] | None:
    """(command, args) for `/cmd@bot args`; None if not a command; ("", "") when it is
    addressed to another bot."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    name, addressee, args = match.groups()
    if addressee and addressee.lower() != bot_username.lower():
        return ("", "")
    return name.lower(), (args or "").strip()


def _button_event(uid: str, query: TgCallbackQuery) -> Event:
    sender = query.from_user
    message = query.message
    chat_id = message.chat.id if message is not None else sender.id
    chat_type = str(message.chat.type) if message is not None else "private"
    return Event(
        channel=CHANNEL,
        update_id=uid,
        user_id=sender.id,
        chat_id=chat_id,
        kind=EventKind.BUTTON,
        chat_kind=_CHAT_KINDS.get(chat_type, ChatKind.PRIVATE),
        button=query.data or "",
        language_code=sender.language_code or "",
        first_name=sender.first_name or "",
        message_id=message.message_id if message is not None else None,
    )


def _member_events(uid: str, message: TgMessage, chat_kind: ChatKind) -> list[Event]:
    people = [m for m in message.new_chat_members or () if not m.is_bot]
    return [
        Event(
            channel=CHANNEL,
            update_id=uid if len(people) == 1 else f"{uid}.{i}",
            user_id=member.id,
            chat_id=message.chat.id,
            kind=EventKind.MEMBER_JOINED,
            chat_kind=chat_kind,
            language_code=member.language_code or "",
            first_name=member.first_name or "",
        )
        for i, member in enumerate(people)
    ]


# --- languages for setMyCommands --------------------------------------------------


def telegram_language_code(locale: str) -> str:
    """Telegram wants a two-letter ISO 639-1 code: pt_BR -> "pt", zh_Hans -> "zh"."""
    return locale.replace("-", "_").split("_", 1)[0].lower()


CommandList = list[tuple[str, str]]


def command_menus(catalogs: Catalogs) -> list[tuple[str | None, CommandList]]:
    """(language_code, commands): the default (English, no language code) first, then
    one per shipped locale."""
    menus: list[tuple[str | None, CommandList]] = [(None, command_menu(catalogs.translator("en")))]
    menus.extend(
        (telegram_language_code(locale), command_menu(catalogs.translator(locale)))
        for locale in SHIPPED_LOCALES
    )
    return menus


# --- what a runtime supplies --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Markup:
    """The markup of one message, independent of the library."""

    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[RequestButton, ...], ...] = ()
    remove_keyboard: bool = False

    @property
    def inline(self) -> bool:
        """Only inline keyboards survive an edit."""
        return not self.keyboard and not self.remove_keyboard

    @classmethod
    def of(cls, screen: Screen) -> Markup | None:
        if screen.buttons:
            return cls(buttons=screen.buttons)
        if screen.keyboard:
            return cls(keyboard=screen.keyboard)
        if screen.remove_keyboard:
            return cls(remove_keyboard=True)
        return None


class FailureKind(Enum):
    RETRY_AFTER = "retry_after"  # 429: wait `retry_after` seconds
    BLOCKED = "blocked"  # 403: the user blocked the bot, or it left the group
    NETWORK = "network"  # timeouts, connection errors, 5xx: back off and retry
    NOT_MODIFIED = "not_modified"  # an edit with the same content: fine
    REJECTED = "rejected"  # any other 4xx: the request itself is wrong


@dataclass(frozen=True, slots=True)
class Failure:
    kind: FailureKind
    retry_after: float = 0.0
    description: str = ""


def describe(error: BaseException, token: str) -> str:
    """An error for the log, without the bot token (URLs in errors can carry it)."""
    return f"{type(error).__name__}: {error}".replace(token, "<token>")


def is_not_modified(description: str) -> bool:
    return "message is not modified" in description.lower()


def classify_transport_error(error: Exception, described: str) -> Failure:
    """What neither library wrapped: timeouts and connection errors are worth a retry;
    anything else is a bug on our side and is not retried."""
    if isinstance(error, TimeoutError | OSError):
        return Failure(FailureKind.NETWORK, description=described)
    return Failure(FailureKind.REJECTED, description=described)


class TelegramPort(Protocol):
    """The Bot API calls the pipeline and the start-up need, in one library's terms."""

    async def get_username(self) -> str: ...
    async def delete_webhook(self) -> None: ...
    async def set_webhook(self, url: str, secret: str) -> None: ...

    async def send_text(self, chat_id: int, text: str, markup: Markup | None) -> None: ...
    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: Markup | None
    ) -> None: ...
    async def send_file(
        self, chat_id: int, attachment: Attachment, markup: Markup | None
    ) -> None: ...
    async def answer_callback(self, callback_id: str, text: str) -> None: ...
    async def set_commands(self, language_code: str | None, commands: CommandList) -> None: ...
    def classify(self, error: Exception) -> Failure: ...


# --- retries ------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # calls in all, the first included
    base_delay: float = 0.5  # network errors: base_delay, 2x, 4x, ... up to max_delay
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a longer flood wait drops the message instead

    def delay(self, retry: int) -> float:
        return min(self.max_delay, self.base_delay * 2.0**retry)


@dataclass(frozen=True)
class TelegramOptions:
    """Knobs of both runtimes; tests shrink the timeouts and delays."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    request_timeout: float = 15.0  # seconds for one Bot API call
    poll_timeout: int = 25  # seconds Telegram may hold a getUpdates call
    max_concurrency: int = 64  # chats processed at once
    drain_timeout: float = 10.0  # on shutdown, for updates already taken


async def call_with_retries(
    port: TelegramPort, policy: RetryPolicy, what: str, call: Callable[[], Awaitable[None]]
) -> Failure | None:
    """Run `call`, retrying 429s and network errors; the final failure, or None."""
    retry = 0
    while True:
        try:
            await call()
            return None
        except asyncio.CancelledError:
            raise
        except Exception as error:
            failure = port.classify(error)
        retry += 1
        if retry >= policy.attempts:
            return failure
        if (
            failure.kind is FailureKind.RETRY_AFTER
            and failure.retry_after <= policy.max_retry_after
        ):
            log.warning("%s: flood control, retrying in %.1f s", what, failure.retry_after)
            await asyncio.sleep(failure.retry_after)
        elif failure.kind is FailureKind.NETWORK:
            delay = policy.delay(retry - 1)
            log.warning("%s: %s; retrying in %.2f s", what, failure.description, delay)
            await asyncio.sleep(delay)
        else:
            return failure


# --- the pipeline -------------------------------------------------------------------


class Handles(Protocol):
    async def handle(self, event: Event) -> Sequence[Screen]: ...


@dataclass(frozen=True, slots=True)
class _Work:
    update_id: int
    events: tuple[Event, ...]
    callback_id: str | None


class Pipeline:
    """Takes updates in arrival order and processes each chat's updates one at a time.

    `submit` is synchronous: it appends to the chat's queue (FIFO) and starts a worker
    for the chat if none runs. That is a per-chat lock whose waiting line is the
    arrival order, whatever order the library's tasks happen to run in. Different
    chats run concurrently, up to `max_concurrency` at once. Nothing here raises into
    the library: a failed update is logged and dropped.
    """

    def __init__(
        self,
        *,
        dispatcher: Handles,
        port: TelegramPort,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        bot_username: str,
        options: TelegramOptions,
    ) -> None:
        self.dispatcher = dispatcher
        self.port = port
        self.uow_factory = uow_factory
        self.clock = clock
        self.bot_username = bot_username
        self.options = options
        self._queues: dict[int, deque[_Work]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(options.max_concurrency)
        self._answered: OrderedDict[str, None] = OrderedDict()  # recent callback ids

    def submit(self, update: TgUpdate) -> None:
        try:
            events = tuple(events_from_update(update, self.bot_username))
        except Exception:
            log.exception("update %s could not be read; dropped", update.update_id)
            return
        query = update.callback_query
        if not events and query is None:
            return
        if events:
            chat_id = events[0].chat_id
        else:
            assert query is not None
            chat_id = query.from_user.id
        work = _Work(update.update_id, events, query.id if query is not None else None)
        queue = self._queues.get(chat_id)
        if queue is not None:
            queue.append(work)
            return
        queue = self._queues[chat_id] = deque([work])
        worker = asyncio.create_task(self._drain(chat_id, queue))
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def close(self) -> None:
        """Finish the updates already taken (up to drain_timeout), then stop."""
        if not self._workers:
            return
        _done, pending = await asyncio.wait(set(self._workers), timeout=self.options.drain_timeout)
        for worker in pending:
            worker.cancel()
        if pending:
            log.warning("shutdown: %d chats still busy were cancelled", len(pending))
            await asyncio.gather(*pending, return_exceptions=True)

    async def _drain(self, chat_id: int, queue: deque[_Work]) -> None:
        try:
            while queue:
                async with self._slots:
                    await self._process(queue[0])
                queue.popleft()
        finally:
            self._queues.pop(chat_id, None)

    async def _process(self, work: _Work) -> None:
        try:
            for event in work.events:
                screens = await self.dispatcher.handle(event)
                if event.kind is EventKind.BUTTON:
                    await self._answer(work.callback_id, screens)
                await self._deliver(event, screens)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("update %s failed while sending; dropped", work.update_id)
        finally:
            await self._answer(work.callback_id, ())

    async def _answer(self, callback_id: str | None, screens: Sequence[Screen]) -> None:
        """Exactly one answer per callback query, so the client's spinner stops."""
        if callback_id is None or callback_id in self._answered:
            return
        self._answered[callback_id] = None
        if len(self._answered) > 4096:
            self._answered.popitem(last=False)
        toast = next((s.toast for s in screens if s.toast), "")
        text = html_to_text(toast)[:CALLBACK_ANSWER_LIMIT]
        failure = await call_with_retries(
            self.port,
            self.options.retry,
            "answerCallbackQuery",
            lambda: self.port.answer_callback(callback_id, text),
        )
        if failure is not None:
            log.warning("answerCallbackQuery failed: %s", failure.description)

    async def _deliver(self, event: Event, screens: Sequence[Screen]) -> None:
        blocked: set[int] = set()
        for screen in screens:
            target = screen.chat_id if screen.chat_id is not None else event.chat_id
            if target in blocked or not _visible(screen, event):
                continue
            failure = await self._show(event, screen, target)
            if failure is None:
                continue
            if failure.kind is FailureKind.BLOCKED:
                blocked.add(target)
                await self._mark_unreachable(target)
            else:
                log.warning(
                    "update %s: a message was dropped (%s: %s)",
                    event.update_id,
                    failure.kind.value,
                    failure.description,
                )

    async def _show(self, event: Event, screen: Screen, chat_id: int) -> Failure | None:
        markup = Markup.of(screen)
        # A toast outside a callback is shown as a message (it is HTML already).
        text = screen.text if screen.text or screen.attachment else screen.toast
        message_id = event.message_id
        editable = (
            screen.edit
            and message_id is not None
            and chat_id == event.chat_id
            and screen.attachment is None
            and (markup is None or markup.inline)
        )
        if editable and text:
            assert message_id is not None
            failure = await self._call(
                "editMessageText", lambda: self.port.edit_text(chat_id, message_id, text, markup)
            )
            if failure is None or failure.kind is FailureKind.NOT_MODIFIED:
                return None
            if failure.kind is not FailureKind.REJECTED:
                return failure
            # too old, deleted, or not a text message: send it as a new one instead
        attachment = screen.attachment
        if attachment is None:
            return await self._call(
                "sendMessage", lambda: self.port.send_text(chat_id, text, markup)
            )
        if text:
            failure = await self._call(
                "sendMessage", lambda: self.port.send_text(chat_id, text, None)
            )
            if failure is not None:
                return failure
        return await self._call(
            "sendFile", lambda: self.port.send_file(chat_id, attachment, markup)
        )

    async def _call(self, what: str, call: Callable[[], Awaitable[None]]) -> Failure | None:
        return await call_with_retries(self.port, self.options.retry, what, call)

    async def _mark_unreachable(self, chat_id: int) -> None:
        log.info("a chat blocked the bot or removed it; marked unreachable")
        try:
            async with self.uow_factory() as uow:
                await mark_unreachable(uow, channel=CHANNEL, chat_id=chat_id, now=self.clock.now())
                await uow.commit()
        except Exception:
            log.exception("could not mark a chat unreachable")


def _visible(screen: Screen, event: Event) -> bool:
    """A toast-only screen is the callback answer, not a message; outside a callback
    it is sent as a message so the notice is not lost."""
    if screen.text or screen.attachment is not None:
        return True
    return bool(screen.toast) and event.kind is not EventKind.BUTTON


# --- start-up -----------------------------------------------------------------------


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


def webhook_secret(configured: str | None) -> str:
    """Telegram's secret token: the configured one, or a fresh random one per start."""
    return configured or secrets.token_urlsafe(32)


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


async def serve_webhook(
    *,
    host: str,
    port: int,
    path: str,
    secret: str,
    on_update: Callable[[dict[str, Any]], None],
) -> web.AppRunner:
    """An aiohttp endpoint for Telegram's webhook calls. Requests without the right
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
            on_update(payload)
        except Exception:  # a malformed update must not make Telegram retry forever
            log.exception("webhook update could not be read; dropped")
        return web.Response(text="ok")

    application = web.Application()
    application.router.add_post(path, receive)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("webhook listening on %s:%d%s", host, port, path)
    return runner


def install_stop_signals(stop: asyncio.Event) -> Callable[[], None]:
    """SIGINT/SIGTERM set `stop`; returns the undo."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass

    def undo() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return undo


# --- care messages --------------------------------------------------------------------


class TelegramTransport:
    """The outbox sender's way to Telegram: one message's screens to one chat, each
    Bot API answer mapped to an outcome. No retries here: the sender reschedules."""

    channel = CHANNEL

    def __init__(self, port: TelegramPort) -> None:
        self.port = port

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        for screen in screens:
            markup = Markup.of(screen)
            try:
                if screen.attachment is None:
                    await self.port.send_text(chat_id, screen.text, markup)
                else:
                    await self.port.send_file(chat_id, screen.attachment, markup)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                return _delivery(self.port.classify(error))
        return Delivery(Outcome.SENT)


def _delivery(failure: Failure) -> Delivery:
    outcomes = {
        FailureKind.RETRY_AFTER: Outcome.RETRY_AFTER,
        FailureKind.BLOCKED: Outcome.BLOCKED,
        FailureKind.NETWORK: Outcome.NETWORK,
    }
    outcome = outcomes.get(failure.kind, Outcome.REJECTED)
    return Delivery(outcome, retry_after=failure.retry_after, detail=failure.description[:200])


def start_care_scheduler(app: App, port: TelegramPort) -> AsyncIOScheduler:
    """The planner, the sender and the nightly jobs, next to the runtime."""
    from bot.scheduler.jobs import build_scheduler, build_sender

    scheduler = build_scheduler(app, build_sender(app, TelegramTransport(port)))
    scheduler.start()
    return scheduler


# --- the life cycle both runtimes share ---------------------------------------------


class Intake(Protocol):
    """How updates reach us, in one library's terms."""

    @property
    def port(self) -> TelegramPort: ...

    async def start_polling(self, submit: Callable[[TgUpdate], None], stop: asyncio.Event) -> None:
        """Start long polling in the background; on a fatal error, set `stop`."""
        ...

    async def stop_polling(self) -> None: ...
    def parse_update(self, payload: dict[str, Any]) -> TgUpdate: ...
    async def close(self) -> None: ...


async def serve(app: App, intake: Intake, options: TelegramOptions, stop: asyncio.Event) -> None:
    """getMe, the command menus, then long polling (or the webhook when
    settings.webhook_url is set) until `stop`; then finish what was taken and close."""
    settings = app.settings
    port = intake.port
    try:
        username = await _bot_username(port, options.retry)
        pipeline = Pipeline(
            dispatcher=app.dispatcher(username),
            port=port,
            uow_factory=app.database.uow,
            clock=app.clock,
            bot_username=username,
            options=options,
        )
        await announce_commands(port, app.catalogs, options.retry)
        scheduler = start_care_scheduler(app, port) if settings.care_scheduler else None
        try:
            with collector_tuned_for_serving():
                if settings.webhook_url:
                    secret = webhook_secret(
                        settings.webhook_secret.get_secret_value()
                        if settings.webhook_secret
                        else None
                    )
                    await _serve_webhook(app, intake, pipeline, secret, options, stop)
                else:
                    await _poll(intake, pipeline, options, stop)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            await pipeline.close()
    finally:
        await intake.close()
    log.info("stopped")


async def _bot_username(port: TelegramPort, policy: RetryPolicy) -> str:
    found: list[str] = []

    async def get_me() -> None:
        found.append(await port.get_username())

    failure = await call_with_retries(port, policy, "getMe", get_me)
    if failure is not None:
        raise RuntimeError(f"getMe failed, check the bot token: {failure.description}")
    log.info("running as @%s", found[0])
    return found[0]


async def _poll(
    intake: Intake, pipeline: Pipeline, options: TelegramOptions, stop: asyncio.Event
) -> None:
    port = intake.port
    failure = await call_with_retries(port, options.retry, "deleteWebhook", port.delete_webhook)
    if failure is not None:
        raise RuntimeError(f"deleteWebhook failed: {failure.description}")
    await intake.start_polling(pipeline.submit, stop)
    log.info("long polling started")
    try:
        await stop.wait()
    finally:
        await intake.stop_polling()


async def _serve_webhook(
    app: App,
    intake: Intake,
    pipeline: Pipeline,
    secret: str,
    options: TelegramOptions,
    stop: asyncio.Event,
) -> None:
    settings = app.settings
    url = settings.webhook_url
    assert url is not None

    def on_update(payload: dict[str, Any]) -> None:
        pipeline.submit(intake.parse_update(payload))

    # Listen first, so Telegram's first call after setWebhook finds us.
    runner = await serve_webhook(
        host=settings.webhook_listen,
        port=settings.webhook_port,
        path=webhook_path(url),
        secret=secret,
        on_update=on_update,
    )
    try:
        failure = await call_with_retries(
            intake.port,
            options.retry,
            "setWebhook",
            functools.partial(intake.port.set_webhook, url, secret),
        )
        if failure is not None:
            raise RuntimeError(f"setWebhook failed: {failure.description}")
        await stop.wait()
    finally:
        await runner.cleanup()
