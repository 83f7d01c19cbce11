"""What went wrong with a Bot API call, in terms both runtimes share: each runtime
maps its library's exceptions to a `Failure`, and the rest acts on its kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FailureKind(Enum):
    RETRY_AFTER = "retry_after"  # 429: wait `retry_after` seconds
    BLOCKED = "blocked"  # 403: the user blocked the bot, or it left the group
    NETWORK = "network"  # timeouts, connection errors, 5xx: back off and retry
    NOT_MODIFIED = "not_modified"  # an edit with the same content: fine
    REJECTED = "rejected"  # any other 4xx: the request itself is wrong
    UNAUTHORIZED = "unauthorized"  # 401: our token was refused; hold every send
    MOVED = "moved"  # the group became a supergroup: send again to `new_chat_id`


@dataclass(frozen=True, slots=True)
class Failure:
    kind: FailureKind
    retry_after: float = 0.0
    description: str = ""
    new_chat_id: int | None = None  # MOVED: the chat's new id


def describe(error: BaseException, token: str) -> str:
    """An error for the log, without the bot token (URLs in errors can carry it)."""
    return f"{type(error).__name__}: {error}".replace(token, "<token>")


def is_not_modified(description: str) -> bool:
    return "message is not modified" in description.lower()


def classify_transport_error(error: Exception, described: str) -> Failure:
    """What neither library wrapped: timeouts and connection errors are worth a retry;
    anything else is a bug on our side and is not retried."""
    if isinstance(error, TimeoutError | OSError):
        return Failure(FailureKind.NETWORK, description=described)
    return Failure(FailureKind.REJECTED, description=described)
