"""Sending screens to a WhatsApp number: one attempt (`send_screens`, the outbox
transport) or with short retries (`send_with_retries`, the conversation pipeline)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from datetime import timedelta

from bot.channels.whatsapp.client import GraphClient
from bot.channels.whatsapp.errors import classify
from bot.channels.whatsapp.options import WhatsAppOptions
from bot.channels.whatsapp.rendering import Outgoing, messages_for, mime_type
from bot.channels.whatsapp.updates import CHANNEL
from bot.scheduler.delivery import ChannelLimits, Delivery, Outcome
from handlers.types import Screen

log = logging.getLogger(__name__)

# Cloud API throughput: 80 messages a second per business number by default; about one
# message every 6 seconds to one person (the pair rate limit).
WHATSAPP_LIMITS = ChannelLimits(per_second=80, chat_interval=6.0, group_per_minute=20)
SESSION_WINDOW = timedelta(hours=24)  # free-form messages after the person last wrote

SENT = Delivery(Outcome.SENT)


async def send_one(client: GraphClient, to: str, item: Outgoing) -> None:
    message = item.message
    if item.upload is not None:
        upload = item.upload
        media_id = await client.upload(upload.data, mime_type(upload), upload.filename)
        kind = str(message["type"])
        message = {**message, kind: {**message[kind], "id": media_id}}
    await client.send(to, message)


async def send_screens(client: GraphClient, chat_id: int, screens: Sequence[Screen]) -> Delivery:
    """Every message of the screens, in order, one attempt each; the first failure
    stops the rest (the caller reschedules the whole message)."""
    to = str(chat_id)
    for screen in screens:
        for item in messages_for(screen):
            try:
                await send_one(client, to, item)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                return classify(error)
    return SENT


async def send_with_retries(
    client: GraphClient, chat_id: int, screen: Screen, options: WhatsAppOptions
) -> Delivery:
    """One screen in a conversation: rate limits and network errors are retried a
    few times with short waits; anything else is the caller's to handle."""
    to = str(chat_id)
    for item in messages_for(screen):
        for attempt in range(1, options.attempts + 1):
            try:
                await send_one(client, to, item)
                break
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failure = classify(error)
            if attempt == options.attempts or not _worth_waiting(failure, options):
                return failure
            wait = failure.retry_after or options.base_delay * 2 ** (attempt - 1)
            log.warning("WhatsApp: %s; retrying in %.2f s", failure.outcome.value, wait)
            await asyncio.sleep(wait)
    return SENT


def _worth_waiting(failure: Delivery, options: WhatsAppOptions) -> bool:
    waits = (Outcome.NETWORK, Outcome.RETRY_AFTER, Outcome.CHAT_RETRY_AFTER)
    return failure.outcome in waits and failure.retry_after <= options.max_retry_after


class WhatsAppTransport:
    """The outbox sender's way to WhatsApp."""

    channel = CHANNEL
    session_window = SESSION_WINDOW

    def __init__(self, client: GraphClient, per_second: int = WHATSAPP_LIMITS.per_second) -> None:
        self.client = client
        self.limits = dataclasses.replace(WHATSAPP_LIMITS, per_second=per_second)

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        return await send_screens(self.client, chat_id, screens)
