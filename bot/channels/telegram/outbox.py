"""Care messages to Telegram: the outbox sender's transport."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.channels.telegram.errors import Failure, FailureKind
from bot.channels.telegram.port import TelegramPort
from bot.channels.telegram.rendering import sends
from bot.channels.telegram.updates import CHANNEL
from bot.scheduler.delivery import Delivery, Outcome
from handlers.types import Screen


class TelegramTransport:
    """The outbox sender's way to Telegram: one message's screens to one chat, each
    Bot API answer mapped to an outcome. No retries here: the sender reschedules."""

    channel = CHANNEL

    def __init__(self, port: TelegramPort) -> None:
        self.port = port

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
