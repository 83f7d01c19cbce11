"""What a channel's transport promises the outbox sender: deliver screens to one chat
and say how it went. `Transports` holds those of the channels this process serves.

A channel registers its transport when it is up (`register` returns the undo). The
sender picks one per message, for the channel the owner is told things on; a channel's
pipeline hands over the screens its flows address to another channel (an owner on
WhatsApp told of a staff action in a Telegram group).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from handlers.types import Screen

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # the platform's rate limit: hold every send that long
    CHAT_RETRY_AFTER = "chat_retry_after"  # this chat only (WhatsApp's pair rate limit)
    BLOCKED = "blocked"  # the person blocked the bot, or can't be reached on this channel
    NETWORK = "network"  # timeouts, connection errors, 5xx
    REJECTED = "rejected"  # this message can never be sent as it is
    OUTSIDE_WINDOW = "outside_window"  # free-form refused: send the template instead
    PAUSED = "paused"  # our credentials were refused: hold the channel, keep the message
    MOVED = "moved"  # the chat has a new id (a group upgraded): send it there


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_after: float = 0.0
    detail: str = ""
    new_chat_id: int | None = None  # MOVED: where the chat is now


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    """A platform's sending limits, for the sender's rate limiter."""

    per_second: int = 30  # messages a second from the bot (or the phone number)
    chat_interval: float = 1.0  # seconds between two messages to one chat
    group_per_minute: int = 20  # messages a minute to one group chat


class Transport(Protocol):
    """How the outbox (and other channels) deliver screens to one chat of a channel.
    No retries inside: the caller reschedules on the outcome."""

    channel: str

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery: ...


def limits_of(transport: Transport) -> ChannelLimits:
    """The transport's `limits` if it names them, else Telegram's."""
    limits = getattr(transport, "limits", None)
    return limits if isinstance(limits, ChannelLimits) else ChannelLimits()


def session_window(transport: Transport) -> timedelta | None:
    """How long after the person's last message free-form messages are allowed
    (WhatsApp: 24 hours; outside it a screen's `template` goes instead). None: always."""
    window = getattr(transport, "session_window", None)
    return window if isinstance(window, timedelta) else None


class Transports:
    """The transports by channel. Empty until the channels are up."""

    def __init__(self, *transports: Transport) -> None:
        self._by_channel: dict[str, Transport] = {}
        for transport in transports:
            self.register(transport)

    def register(self, transport: Transport) -> Callable[[], None]:
        """Add a channel's transport; returns what removes it again."""
        self._by_channel[transport.channel] = transport

        def undo() -> None:
            if self._by_channel.get(transport.channel) is transport:
                del self._by_channel[transport.channel]

        return undo

    def get(self, channel: str) -> Transport | None:
        return self._by_channel.get(channel)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self._by_channel)

    async def deliver(self, channel: str, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        """Screens a flow addressed to another channel's chat; a channel this process
        doesn't serve drops them (logged)."""
        transport = self._by_channel.get(channel)
        if transport is None:
            log.warning("no %s channel here: a message to one of its chats was dropped", channel)
            return Delivery(Outcome.REJECTED, detail=f"{channel} is not served")
        return await transport.deliver(chat_id, screens)
