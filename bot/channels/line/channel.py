"""LINE events in, screens out: per-chat order, the flows, and the answer.

`submit` is called by the webhook with the events of one request (already verified)
and returns at once: LINE wants its 200 quickly. Each chat's events are then handled
one at a time in arrival order, chats concurrently. Redelivered events are handled
once: the dispatcher records each webhookEventId with the flow's effects.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot import metrics
from bot.channels.chat_queue import ChatQueue
from bot.channels.elsewhere import hand_over
from bot.channels.line.api import LineApi, LineError, LineErrorKind, Profile
from bot.channels.line.events import CHANNEL, LineEvent, Speaker, flow_event
from bot.channels.line.media import MediaLinks
from bot.channels.line.rendering import render
from bot.channels.line.sending import QuotaExhausted, Sending
from bot.clock import Clock
from bot.scheduler.delivery import Transports
from bot.services.accounts import mark_unreachable
from bot.services.health import CHANNELS as channel_health
from bot.services.ports import UnitOfWorkFactory
from handlers.types import Event, Screen

log = logging.getLogger(__name__)


class Handles(Protocol):
    async def handle(self, event: Event) -> Sequence[Screen]: ...


class Profiles:
    """LINE profiles (display name, language) by user id, looked up once per process."""

    def __init__(self, api: LineApi, size: int = 10_000) -> None:
        self.api = api
        self.size = size
        self._known: OrderedDict[str, Profile] = OrderedDict()

    async def of(self, user: str) -> Profile:
        known = self._known.get(user)
        if known is not None:
            self._known.move_to_end(user)
            return known
        try:
            profile = await self.api.profile(user)
        except LineError as error:
            log.info("LINE profile look-up failed (%s); no language", error.description)
            return Profile("", "")
        self._known[user] = profile
        if len(self._known) > self.size:
            self._known.popitem(last=False)
        return profile


class LineChannel:
    def __init__(
        self,
        *,
        api: LineApi,
        dispatcher: Handles,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        media: MediaLinks,
        sending: Sending,
        drain_timeout: float = 10.0,
        elsewhere: Transports | None = None,
    ) -> None:
        self.api = api
        self.dispatcher = dispatcher
        self.uow_factory = uow_factory
        self.clock = clock
        self.media = media
        self.sending = sending
        self.elsewhere = elsewhere
        self.profiles = Profiles(api)
        self.queue: ChatQueue[tuple[LineEvent, datetime]] = ChatQueue(
            self._handle, drain_timeout=drain_timeout
        )

    def submit(self, events: Sequence[LineEvent], received_at: datetime) -> None:
        for event in events:
            self.queue.submit(event.queue_key, (event, received_at))

    async def idle(self) -> None:
        """Wait until every event taken so far is handled (tests, shutdown)."""
        await self.queue.idle()

    async def close(self) -> None:
        await self.queue.close()

    async def _handle(self, item: tuple[LineEvent, datetime]) -> None:
        await self._process(*item)

    async def _process(self, event: LineEvent, received_at: datetime) -> None:
        if event.kind in ("unfollow", "join", "leave", "memberJoined"):
            await self._membership(event)
            return
        speaker = await self._speaker(event)
        if speaker is None:
            return
        photo_id = await self._photo(event) if event.message_kind == "image" else ""
        flow = flow_event(event, speaker, photo_id=photo_id)
        if flow is None:
            return
        screens = await self.dispatcher.handle(flow)
        mine = await hand_over(self.elsewhere, CHANNEL, flow, screens)
        await self._deliver(event, speaker, mine, received_at)

    async def _membership(self, event: LineEvent) -> None:
        """Unfollow: the user blocked the bot (like Telegram's 403). Join and leave: the
        bot entered or left a group; a group it left gets nothing more. Members joining
        a group are left to the owner clubs, when they come."""
        now = self.clock.now()
        async with self.uow_factory() as uow:
            if event.kind == "unfollow" and not event.group and event.user:
                number = await uow.addresses.number(CHANNEL, event.user, group=False, now=now)
                await mark_unreachable(uow, channel=CHANNEL, chat_id=number, now=now)
                log.info("a LINE user blocked the bot; marked unreachable")
            elif event.kind == "join" and event.group:
                await uow.addresses.number(CHANNEL, event.chat, group=True, now=now)
                log.info("the bot joined a LINE group")
            elif event.kind == "leave" and event.group:
                number = await uow.addresses.number(CHANNEL, event.chat, group=True, now=now)
                await uow.addresses.mark_gone(CHANNEL, number, now)
                log.info("the bot left a LINE group; it is marked gone")
            await uow.commit()

    async def _speaker(self, event: LineEvent) -> Speaker | None:
        if event.user is None:
            return None  # a group event LINE gives no user for
        now = self.clock.now()
        async with self.uow_factory() as uow:
            user = await uow.addresses.number(CHANNEL, event.user, group=False, now=now)
            chat = (
                await uow.addresses.number(CHANNEL, event.chat, group=True, now=now)
                if event.group
                else user
            )
            await uow.commit()
        profile = await self.profiles.of(event.user)
        return Speaker(user, chat, profile.language, profile.display_name)

    async def _photo(self, event: LineEvent) -> str:
        try:
            data = await self.api.content(event.message_id)
        except LineError as error:
            log.warning("a LINE photo could not be fetched: %s", error.description)
            return ""
        return await self.media.keep_photo(data)

    async def _deliver(
        self, event: LineEvent, speaker: Speaker, screens: Sequence[Screen], received_at: datetime
    ) -> None:
        by_chat: dict[int, list[Screen]] = {}
        for screen in screens:
            target = screen.chat_id if screen.chat_id is not None else speaker.chat_id
            by_chat.setdefault(target, []).append(screen)
        for number, chat_screens in by_chat.items():
            here = number == speaker.chat_id
            to = event.chat if here else await self._address(number)
            if to is None:
                log.warning("a screen for chat %s, which is no LINE chat, was dropped", number)
                continue
            messages = render([(s, await self.media.links(s)) for s in chat_screens])
            try:
                await self.sending.answer(
                    to,
                    messages,
                    reply_token=event.reply_token if here else None,
                    received_at=received_at,
                    key=f"{event.event_id}:{number}",
                )
            except QuotaExhausted:
                metrics.reply_lost(CHANNEL, "quota")
                log.error("LINE event %s: an answer was not sent (push quota)", event.event_id)
            except LineError as error:
                if error.kind is LineErrorKind.UNAUTHORIZED:
                    channel_health.token_refused(CHANNEL, error.description)
                metrics.reply_lost(CHANNEL, error.kind.value)
                log.warning("LINE event %s: a message was dropped (%s)", event.event_id, error)

    async def _address(self, number: int) -> str | None:
        async with self.uow_factory() as uow:
            if await uow.addresses.gone(CHANNEL, number):
                return None
            return await uow.addresses.address(CHANNEL, number)
