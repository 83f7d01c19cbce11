"""The WhatsApp channel's life cycle: mount /webhook/whatsapp on the shared server,
register the outbox transport, and answer each number's messages in order until
stopped; then finish what was taken."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot import metrics
from bot.channels.chat_queue import ChatQueue
from bot.channels.elsewhere import hand_over
from bot.channels.whatsapp.client import GraphClient
from bot.channels.whatsapp.errors import OUTSIDE_WINDOW, UNDELIVERABLE
from bot.channels.whatsapp.options import WEBHOOK_PATH
from bot.channels.whatsapp.outbox import WhatsAppTransport, send_with_retries
from bot.channels.whatsapp.updates import CHANNEL, Failed, read_payload
from bot.channels.whatsapp.webhook import whatsapp_endpoint
from bot.channels.whatsapp.wiring import WhatsAppDeps
from bot.scheduler.delivery import Outcome
from bot.scheduler.sender import window_closed
from bot.services.accounts import mark_unreachable
from bot.services.health import CHANNELS as channel_health
from handlers.types import Event

log = logging.getLogger(__name__)


class WhatsAppChannel:
    name = CHANNEL
    webhooks = True

    def __init__(self, deps: WhatsAppDeps) -> None:
        self.deps = deps
        options = deps.options
        self.client = GraphClient(
            token=deps.token,
            phone_number_id=deps.phone_number_id,
            api_base=deps.api_base,
            api_version=deps.api_version,
            timeout=options.request_timeout,
        )
        self.queue: ChatQueue[Event | Failed] = ChatQueue(
            self._process,
            max_concurrency=options.max_concurrency,
            drain_timeout=options.drain_timeout,
        )

    async def run(self, stop: asyncio.Event) -> None:
        deps = self.deps
        endpoint = whatsapp_endpoint(
            app_secret=deps.app_secret, verify_token=deps.verify_token, on_payload=self.receive
        )
        unmount = deps.server.mount(WEBHOOK_PATH, endpoint, ("GET", "POST"))
        transport = WhatsAppTransport(self.client, per_second=deps.per_second)
        unregister = deps.transports.register(transport)
        log.info("WhatsApp: serving number id %s", deps.phone_number_id)
        try:
            await stop.wait()
        finally:
            unmount()
            await self.queue.close()
            unregister()
            await self.client.close()
        log.info("WhatsApp: stopped")

    def receive(self, payload: dict[str, Any]) -> None:
        """A signed webhook call: queue its messages per number, note its failures."""
        events, failures = read_payload(payload, self.deps.phone_number_id)
        for event in events:
            self.queue.submit(event.chat_id, event)
        for failure in failures:  # in the number's order, like its messages
            self.queue.submit(failure.wa_id, failure)

    async def _process(self, item: Event | Failed) -> None:
        if isinstance(item, Failed):
            await self._failed(item)
            return
        event = item
        screens = await self.deps.dispatcher.handle(event)
        mine = await hand_over(self.deps.transports, CHANNEL, event, screens)
        for screen in mine:
            target = screen.chat_id if screen.chat_id is not None else event.chat_id
            delivery = await send_with_retries(self.client, target, screen, self.deps.options)
            if delivery.outcome is Outcome.SENT:
                channel_health.token_accepted(CHANNEL)
                continue
            if delivery.outcome is Outcome.BLOCKED:
                await self._mark_unreachable(target)
                return
            if delivery.outcome is Outcome.PAUSED:
                channel_health.token_refused(CHANNEL, delivery.detail)
            what = delivery.outcome.value
            metrics.reply_lost(CHANNEL, what)
            log.warning("WhatsApp: a reply was dropped (%s: %s)", what, delivery.detail)

    async def _failed(self, failure: Failed) -> None:
        """A delivery failure reported after the fact: an undeliverable number is
        marked unreachable; a message outside the 24-hour window closes it and the
        care messages just sent there go again as templates. Others are only logged."""
        if failure.code == UNDELIVERABLE:
            await self._mark_unreachable(failure.wa_id)
        elif failure.code == OUTSIDE_WINDOW:
            try:
                async with self.deps.uow_factory() as uow:
                    again = await window_closed(
                        uow, channel=CHANNEL, chat_id=failure.wa_id, now=self.deps.clock.now()
                    )
                    await uow.commit()
                log.info("WhatsApp: outside the window; %d care messages go as templates", again)
            except Exception:
                log.exception("could not record a closed WhatsApp window")
        else:
            log.info("WhatsApp reported a failed delivery (%d)", failure.code)

    async def _mark_unreachable(self, wa_id: int) -> None:
        log.info("a WhatsApp number can't be reached; marked unreachable")
        try:
            async with self.deps.uow_factory() as uow:
                await mark_unreachable(
                    uow, channel=CHANNEL, chat_id=wa_id, now=self.deps.clock.now()
                )
                await uow.commit()
        except Exception:
            log.exception("could not mark a WhatsApp number unreachable")
