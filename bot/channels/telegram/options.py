"""The knobs of both runtimes; tests shrink the timeouts and delays."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channels.telegram.retry import RetryPolicy


@dataclass(frozen=True)
class TelegramOptions:
    """Knobs of both runtimes; tests shrink the timeouts and delays."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    request_timeout: float = 15.0  # seconds for one Bot API call
    poll_timeout: int = 25  # seconds Telegram may hold a getUpdates call
    max_concurrency: int = 64  # chats processed at once
    drain_timeout: float = 10.0  # on shutdown, for updates already taken
