"""The knobs of the WhatsApp channel; tests shrink the timeouts and delays."""

from __future__ import annotations

from dataclasses import dataclass

WEBHOOK_PATH = "/webhook/whatsapp"


@dataclass(frozen=True, slots=True)
class WhatsAppOptions:
    request_timeout: float = 15.0  # seconds for one Graph API call
    attempts: int = 3  # calls in all for one message in a conversation, the first included
    base_delay: float = 0.5  # network errors: base_delay, 2x, 4x ...
    max_retry_after: float = 10.0  # a longer wait drops the reply (the outbox waits longer)
    max_concurrency: int = 64  # chats processed at once
    drain_timeout: float = 10.0  # on shutdown, for messages already taken
