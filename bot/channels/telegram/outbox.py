"""Care messages to Telegram: the outbox sender's transport, and the group poster's."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.channels.telegram.errors import Failure, FailureKind
from bot.channels.telegram.port import Markup, TelegramPort
from bot.channels.telegram.rendering import sends
from bot.channels.telegram.updates import CHANNEL
from bot.scheduler.announcements import Posted
from bot.scheduler.delivery import ChannelLimits, Delivery, Outcome
from handlers.types import Screen

log = logging.getLogger(__name__)

# Telegram's paid broadcasts (allow_paid_broadcast): up to 1,000 messages a second, the
# messages above the free limit paid from the bot's Stars balance.
PAID_PER_SECOND = 1000


class TelegramTransport:
    """The outbox sender's way to Telegram: one message's screens to one chat, each
    Bot API answer mapped to an outcome. No retries here: the sender reschedules."""

    channel = CHANNEL

    def __init__(self, port: TelegramPort, *, paid_broadcast: bool = False) -> None:
        """`paid_broadcast` (OWNERBOT_PAID_BROADCAST): every send asks for Telegram's
        paid rate and the bot-wide limit is 1,000 a second instead of 30; one chat
        still gets at most one message a second, a group 20 a minute."""
        self.port = port.with_paid_broadcast() if paid_broadcast else port
        paid = ChannelLimits(per_second=PAID_PER_SECOND)
        self.limits = paid if paid_broadcast else ChannelLimits()

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        for screen in screens:
            for send in sends(self.port, chat_id, screen):
                try:
                    await send.call()
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    return _delivery(self.port.classify(error))
        return Delivery(Outcome.SENT)

    # The group poster's (bot/scheduler/announcements.py): announcements to groups.

    async def post(self, chat_id: int, screen: Screen, pin: bool) -> Posted:
        photo = screen.photos[0] if screen.photos else None
        try:
            message_id = await self.port.post(chat_id, screen.text, photo, Markup.of(screen))
        except asyncio.CancelledError:
            raise
        except Exception as error:
            return Posted(_delivery(self.port.classify(error)))
        pinned = False
        if pin:
            try:
                await self.port.pin(chat_id, message_id)
                pinned = True
            except asyncio.CancelledError:
                raise
            except Exception as error:  # posted all the same: /club names the missing right
                log.warning("an announcement could not be pinned: %s", self.port.classify(error))
        return Posted(Delivery(Outcome.SENT), message_id, pinned)

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> Delivery:
        try:
            await self.port.edit_post(
                chat_id, message_id, screen.text, bool(screen.photos), Markup.of(screen)
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:
            failure = self.port.classify(error)
            if failure.kind is FailureKind.NOT_MODIFIED:
                return Delivery(Outcome.SENT)
            return _delivery(failure)
        return Delivery(Outcome.SENT)


def _delivery(failure: Failure) -> Delivery:
    outcomes = {
        FailureKind.RETRY_AFTER: Outcome.RETRY_AFTER,
        FailureKind.BLOCKED: Outcome.BLOCKED,
        FailureKind.NETWORK: Outcome.NETWORK,
        FailureKind.UNAUTHORIZED: Outcome.PAUSED,
        FailureKind.MOVED: Outcome.MOVED,
    }
    outcome = outcomes.get(failure.kind, Outcome.REJECTED)
    return Delivery(
        outcome,
        retry_after=failure.retry_after,
        detail=failure.description[:200],
        new_chat_id=failure.new_chat_id,
    )
