"""The pipeline: updates in arrival order per chat, the dispatcher call, and delivery
of the screens with Telegram's error rules (edit-or-send, "message is not modified",
a blocked chat marked unreachable) and exactly one answer per callback query."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot import metrics
from bot.channels.elsewhere import hand_over
from bot.channels.telegram.errors import Failure, FailureKind
from bot.channels.telegram.objects import TgUpdate
from bot.channels.telegram.options import TelegramOptions
from bot.channels.telegram.port import Markup, TelegramPort
from bot.channels.telegram.rendering import TEXT_LIMIT, sends
from bot.channels.telegram.retry import call_with_retries
from bot.channels.telegram.updates import CHANNEL, events_from_update
from bot.channels.text import html_to_text
from bot.clock import Clock
from bot.scheduler.delivery import Transports
from bot.services.accounts import mark_unreachable
from bot.services.health import CHANNELS as channel_health
from bot.services.ports import ChatTurns, UnitOfWorkFactory
from handlers.types import Event, EventKind, Screen

log = logging.getLogger(__name__)

CALLBACK_ANSWER_LIMIT = 200  # characters Telegram shows in a callback notification
RIGHTS_COMMANDS = frozenset({"link", "club"})  # they say which admin rights are missing


class Handles(Protocol):
    async def handle(self, event: Event) -> Sequence[Screen]: ...


@dataclass(frozen=True, slots=True)
class _Work:
    update_id: int
    events: tuple[Event, ...]
    callback_id: str | None
    received: float = 0.0  # time.monotonic() when it arrived
    releases: bool = True  # with turns: this worker noted it first, and releases the chat


@dataclass(frozen=True, slots=True)
class Turns:
    """Per-chat order across worker processes (`ChatTurns`, PostgreSQL): an update waits
    `settle` after arriving (an earlier update sent at the same moment may reach another
    worker a little later), then while an earlier update of its chat is waiting or
    running on any worker, at most `hold` seconds (past that, that worker is taken
    for dead or stuck)."""

    turns: ChatTurns
    settle: float = 0.03
    hold: float = 10.0
    poll: float = 0.01


class Pipeline:
    """Takes updates in arrival order and processes each chat's updates one at a time.

    `submit` is synchronous: it appends to the chat's queue (FIFO) and starts a worker
    for the chat if none runs. That is a per-chat lock whose waiting line is the
    arrival order, whatever order the library's tasks happen to run in. Different
    chats run concurrently, up to `max_concurrency` at once. Nothing here raises into
    the library: a failed update is logged and dropped.

    With `turns` (several webhook workers on PostgreSQL) a chat's updates go in update
    id order instead, across the workers: `receive` notes each update before the
    webhook call is answered, and an update is handled once no earlier one of its chat
    is noted anywhere (docs/deployment.md, "Several workers", says what that promises).
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
        elsewhere: Transports | None = None,
        turns: Turns | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.turns = turns
        self.elsewhere = elsewhere
        self.port = port
        self.uow_factory = uow_factory
        self.clock = clock
        self.bot_username = bot_username
        self.options = options
        self._queues: dict[int, deque[_Work]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(options.max_concurrency)
        self._answered: OrderedDict[str, None] = OrderedDict()  # recent callback ids

    async def receive(self, update: TgUpdate) -> None:
        """A webhook's update: with `turns`, noted for the other workers before it is
        queued (and before the webhook call is answered); then as `submit`."""
        taken = self._read(update)
        if taken is None:
            return
        chat_id, work = taken
        if self.turns is not None:
            try:
                first = await self.turns.turns.arrived(CHANNEL, chat_id, work.update_id)
            except Exception:
                log.exception("update %s could not be noted for the other workers", work.update_id)
            else:
                if not first:
                    # Delivered twice: the worker that noted it first releases the chat
                    # when done. Handled here too (it acts once: the dispatcher records
                    # it), but releasing it here could let the chat's next update
                    # overtake the first worker's; if that worker died, the hold lapses.
                    work = replace(work, releases=False)
        self._enqueue(chat_id, work)

    def submit(self, update: TgUpdate) -> None:
        taken = self._read(update)
        if taken is not None:
            self._enqueue(*taken)

    def _read(self, update: TgUpdate) -> tuple[int, _Work] | None:
        """(chat, work) for an update with something to do in it."""
        moved = _chat_move(update)
        if moved is not None:
            self._track(asyncio.create_task(self._chat_moved(*moved)))
        try:
            events = tuple(events_from_update(update, self.bot_username))
        except Exception:
            log.exception("update %s could not be read; dropped", update.update_id)
            return None
        query = update.callback_query
        if not events and query is None:
            return None
        if events:
            chat_id = events[0].chat_id
        else:
            assert query is not None
            chat_id = query.from_user.id
        callback_id = query.id if query is not None else None
        return chat_id, _Work(update.update_id, events, callback_id, time.monotonic())

    def _enqueue(self, chat_id: int, work: _Work) -> None:
        queue = self._queues.get(chat_id)
        if queue is not None:
            queue.append(work)
            return
        queue = self._queues[chat_id] = deque([work])
        self._track(asyncio.create_task(self._drain(chat_id, queue)))

    def _track(self, worker: asyncio.Task[None]) -> None:
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def _chat_moved(self, old: int, new: int) -> None:
        """A group became a supergroup: what is sent to its old id goes to the new one
        (staff chats keep their reference-data id; the move is looked up on sending)."""
        try:
            async with self.uow_factory() as uow:
                await uow.chat_moves.record(CHANNEL, old, new, self.clock.now())
                await uow.commit()
            log.warning("a Telegram group became a supergroup; its messages follow it")
        except Exception:
            log.exception("could not record a chat's move")

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
                work = await self._next_turn(chat_id, queue)
                try:
                    async with self._slots:
                        await self._process(work)
                finally:
                    queue.remove(work)
                    await self._turn_done(chat_id, work)
        finally:
            self._queues.pop(chat_id, None)

    async def _next_turn(self, chat_id: int, queue: deque[_Work]) -> _Work:
        """The chat's next update: the first to arrive; with `turns`, the lowest update
        id once no earlier one of the chat waits on another worker."""
        if self.turns is None:
            return queue[0]
        turns = self.turns
        while True:
            work = min(queue, key=lambda w: w.update_id)  # one that arrived late goes first
            settle = work.received + turns.settle - time.monotonic()
            if settle > 0:
                await asyncio.sleep(settle)
                continue  # an earlier one may have arrived here meanwhile
            try:
                waiting = await turns.turns.earlier_waiting(
                    CHANNEL, chat_id, work.update_id, turns.hold
                )
            except Exception:
                log.exception("could not check the chat's turn; going ahead")
                return work
            if not waiting:
                return work
            await asyncio.sleep(turns.poll)

    async def _turn_done(self, chat_id: int, work: _Work) -> None:
        if self.turns is None or not work.releases:
            return
        try:
            await self.turns.turns.done(CHANNEL, chat_id, work.update_id)
        except Exception:
            log.exception("could not release the chat's turn (it lapses after the hold)")

    async def _process(self, work: _Work) -> None:
        try:
            for event in work.events:
                screens = await self.dispatcher.handle(await self._with_rights(event))
                if event.kind is EventKind.BUTTON:
                    await self._answer(work.callback_id, screens)
                await self._deliver(event, screens)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("update %s failed while sending; dropped", work.update_id)
        finally:
            await self._answer(work.callback_id, ())

    async def _with_rights(self, event: Event) -> Event:
        """Club commands in a group learn which administrator rights the bot holds."""
        if event.kind is not EventKind.COMMAND or event.is_private:
            return event
        if event.command not in RIGHTS_COMMANDS:
            return event
        found: list[tuple[str, ...]] = []

        async def ask() -> None:
            found.append(await self.port.bot_rights(event.chat_id))

        failure = await self._call("getChatMember", ask)
        if failure is not None or not found:
            return event  # unknown: the command says nothing about rights
        return replace(event, bot_rights=found[0])

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
        for screen in await hand_over(self.elsewhere, CHANNEL, event, screens):
            target = screen.chat_id if screen.chat_id is not None else event.chat_id
            if target in blocked or not _visible(screen, event):
                continue
            failure = await self._show(event, screen, target)
            if failure is not None and failure.kind is FailureKind.MOVED and failure.new_chat_id:
                await self._chat_moved(target, failure.new_chat_id)
                target = failure.new_chat_id
                failure = await self._show(event, replace(screen, edit=False), target)
            if failure is None:
                channel_health.token_accepted(CHANNEL)
                continue
            if failure.kind is FailureKind.BLOCKED:
                blocked.add(target)
                await self._mark_unreachable(target)
                continue
            if failure.kind is FailureKind.UNAUTHORIZED:
                channel_health.token_refused(CHANNEL, failure.description)
            # A reply to the person's own update: they can ask again, but the loss is
            # counted (what must arrive went through the durable deliveries instead).
            metrics.reply_lost(CHANNEL, failure.kind.value)
            log.warning(
                "update %s: a reply was dropped (%s: %s)",
                event.update_id,
                failure.kind.value,
                failure.description,
            )

    async def _show(self, event: Event, screen: Screen, chat_id: int) -> Failure | None:
        if not screen.text and screen.attachment is None:
            # A toast outside a callback is shown as a message (it is HTML already).
            screen = replace(screen, text=screen.toast)
        markup = Markup.of(screen)
        message_id = event.message_id
        editable = (
            screen.edit
            and message_id is not None
            and chat_id == event.chat_id
            and screen.attachment is None
            and not screen.photos
            and (markup is None or markup.inline)
        )
        if editable and screen.text and len(screen.text) <= TEXT_LIMIT:
            assert message_id is not None
            text = screen.text
            failure = await self._call(
                "editMessageText", lambda: self.port.edit_text(chat_id, message_id, text, markup)
            )
            if failure is None or failure.kind is FailureKind.NOT_MODIFIED:
                return None
            if failure.kind is not FailureKind.REJECTED:
                return failure
            # too old, deleted, or not a text message: send it as a new one instead
        for send in sends(self.port, chat_id, screen):
            failure = await self._call(send.method, send.call)
            if failure is not None:
                return failure
        return None

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


def _chat_move(update: TgUpdate) -> tuple[int, int] | None:
    """(old id, new id) when the update tells of a group that became a supergroup."""
    message = update.message
    if message is None:
        return None
    to = getattr(message, "migrate_to_chat_id", None)
    if to:
        return message.chat.id, int(to)
    came_from = getattr(message, "migrate_from_chat_id", None)
    if came_from:
        return int(came_from), message.chat.id
    return None


def _visible(screen: Screen, event: Event) -> bool:
    """A toast-only screen is the callback answer, not a message; outside a callback
    it is sent as a message so the notice is not lost."""
    if screen.text or screen.attachment is not None or screen.photos:
        return True
    if screen.join_decision is not None:
        return True
    return bool(screen.toast) and event.kind is not EventKind.BUTTON
