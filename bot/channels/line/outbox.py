"""Care messages to LINE: the outbox sender's transport. Every care message is a push
(no reply token), so it counts against the monthly quota; when that is used up the
message waits (429-like) instead of failing, and the sender tries again later."""

from __future__ import annotations

from collections.abc import Sequence

from bot.channels.line.api import LineError, LineErrorKind
from bot.channels.line.events import CHANNEL
from bot.channels.line.media import MediaLinks
from bot.channels.line.rendering import batches, render
from bot.channels.line.sending import QuotaExhausted, Sending
from bot.scheduler.sender import Delivery, Outcome
from bot.services.ports import UnitOfWorkFactory
from handlers.types import Screen

QUOTA_WAIT = 600.0  # seconds, when the quota gives no better idea


class LineTransport:
    channel = CHANNEL

    def __init__(self, sending: Sending, media: MediaLinks, uow_factory: UnitOfWorkFactory) -> None:
        self.sending = sending
        self.media = media
        self.uow_factory = uow_factory

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        async with self.uow_factory() as uow:
            to = await uow.addresses.address(CHANNEL, chat_id)
        if to is None:
            return Delivery(Outcome.REJECTED, detail="no LINE user for this chat")
        messages = render([(s, await self.media.links(s)) for s in screens])
        try:
            for index, request in enumerate(batches(messages)):
                # The key holds across the sender's retries: LINE drops a repeat (409).
                await self.sending.push(to, request, key=f"outbox:{chat_id}:{index}")
        except QuotaExhausted:
            wait = self.sending.quota.seconds_paused() or QUOTA_WAIT
            return Delivery(Outcome.RETRY_AFTER, retry_after=wait, detail="LINE push quota")
        except LineError as error:
            return _delivery(error)
        return Delivery(Outcome.SENT)


def _delivery(error: LineError) -> Delivery:
    outcomes = {
        LineErrorKind.RETRY_AFTER: Outcome.RETRY_AFTER,
        LineErrorKind.NETWORK: Outcome.NETWORK,
        LineErrorKind.UNAUTHORIZED: Outcome.PAUSED,
    }
    outcome = outcomes.get(error.kind, Outcome.REJECTED)
    return Delivery(outcome, retry_after=error.retry_after, detail=error.description[:200])
