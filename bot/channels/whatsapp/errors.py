"""The Graph API's errors, mapped to what the outbox sender and the conversation
pipeline do about them (`Outcome`). Codes as Meta documents them for the Cloud API."""

from __future__ import annotations

from bot.scheduler.delivery import Delivery, Outcome

# Our credentials: an expired or invalid token (190, HTTP 401), the API's auth error
# (0), missing permissions (10, 200-299), our number not registered (133010).
_CREDENTIALS = frozenset({0, 10, 190, 133010})
# Throughput: the app's or the number's rate limit, or too many calls.
_THROUGHPUT = frozenset({4, 80007, 130429, 131048})
PAIR_RATE_LIMIT = 131056  # too many messages to one person: wait, that chat only
OUTSIDE_WINDOW = 131047  # more than 24 hours since the person wrote: a template only
UNDELIVERABLE = 131026  # not on WhatsApp, old app, or blocked us: like Telegram's 403
# Meta's side: unknown or temporary errors worth a retry.
_TEMPORARY = frozenset({1, 2, 131000, 131016, 133004})

# Waits when Meta names none (it seldom sends Retry-After).
THROUGHPUT_WAIT = 1.0
PAIR_WAIT = 6.0  # about one message per 6 seconds to one person
SPAM_WAIT = 60.0  # 131048: the number is held back for spam


class GraphError(Exception):
    """An error answer of the Graph API."""

    def __init__(
        self, status: int, code: int, message: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(status, code, message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after  # the Retry-After header, when sent

    def __str__(self) -> str:
        return f"HTTP {self.status}, code {self.code}: {self.message}"


def classify(error: Exception) -> Delivery:
    """What a failed call means (the outbox sender's terms)."""
    if isinstance(error, TimeoutError | OSError):
        return Delivery(Outcome.NETWORK, detail=f"{type(error).__name__}: {error}"[:200])
    if not isinstance(error, GraphError):
        return Delivery(Outcome.REJECTED, detail=f"{type(error).__name__}: {error}"[:200])
    detail = str(error)[:200]
    code = error.code
    if code in _CREDENTIALS or error.status == 401 or 200 <= code <= 299:
        return Delivery(Outcome.PAUSED, detail=detail)
    if code == PAIR_RATE_LIMIT:
        return Delivery(Outcome.CHAT_RETRY_AFTER, error.retry_after or PAIR_WAIT, detail)
    if code in _THROUGHPUT or error.status == 429:
        default = SPAM_WAIT if code == 131048 else THROUGHPUT_WAIT
        return Delivery(Outcome.RETRY_AFTER, error.retry_after or default, detail)
    if code == OUTSIDE_WINDOW:
        return Delivery(Outcome.OUTSIDE_WINDOW, detail=detail)
    if code == UNDELIVERABLE:
        return Delivery(Outcome.BLOCKED, detail=detail)
    if code in _TEMPORARY or error.status >= 500:
        return Delivery(Outcome.NETWORK, detail=detail)
    return Delivery(Outcome.REJECTED, detail=detail)
