"""Screens a flow addresses to another channel's chat: an owner who talks to us on
WhatsApp hears of a staff action taken in a Telegram group, and a WhatsApp owner's
booking reaches the dealer's Telegram staff chat. Every channel's pipeline splits its
screens with `hand_over` before delivering its own."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.scheduler.delivery import Outcome, Transports
from handlers.types import Event, Screen

log = logging.getLogger(__name__)


async def hand_over(
    elsewhere: Transports | None, own: str, event: Event, screens: Sequence[Screen]
) -> list[Screen]:
    """Deliver the screens meant for another channel through its transport, in order;
    return the ones for this channel (`own`)."""
    mine: list[Screen] = []
    for screen in screens:
        channel = screen.channel or event.channel
        if channel == own:
            mine.append(screen)
            continue
        if elsewhere is None or screen.chat_id is None:
            log.warning("a message for a %s chat was dropped: no such channel here", channel)
            continue
        delivery = await elsewhere.deliver(channel, screen.chat_id, [screen])
        if delivery.outcome is not Outcome.SENT:
            log.warning(
                "a message for a %s chat was not delivered (%s: %s)",
                channel,
                delivery.outcome.value,
                delivery.detail,
            )
    return mine
