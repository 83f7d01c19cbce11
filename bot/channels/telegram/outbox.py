"""Care messages to Telegram: the outbox sender's transport."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.channels.telegram.errors import Failure, FailureKind
from bot.channels.telegram.port import TelegramPort
from bot.channels.telegram.rendering import sends
from bot.channels.telegram.updates import CHANNEL
from bot.scheduler.delivery import ChannelLimits, Delivery, Outcome
from handlers.types import Screen

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
