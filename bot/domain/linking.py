"""Proving a typed phone number is yours, where the platform does not vouch for it
(LINE shares no phone numbers): the last six characters of a VIN of the owner the
number belongs to, which someone who merely knows the number does not have.

Guessing is limited: five wrong answers within 24 hours lock the person out, and so
do five wrong answers about the same owner from anyone (one attacker with many
accounts). The attempts are stored, so a lockout holds across restarts and workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

VIN_TAIL = 6
ATTEMPT_LIMIT = 5
ATTEMPT_WINDOW = timedelta(hours=24)


@dataclass(eq=False)
class LinkAttempt:
    """One answer to "the last 6 characters of your VIN"."""

    channel: str
    user_id: int
    owner_id: int
    succeeded: bool
    at: datetime
    id: int | None = None


def vin_tail_matches(answer: str, vins: Iterable[str | None]) -> bool:
    """Whether the answer is the end of one of the VINs (case and spaces ignored)."""
    given = "".join(answer.split()).upper()
    if len(given) != VIN_TAIL:
        return False
    return any(vin and vin.upper().endswith(given) for vin in vins)


def well_formed_tail(answer: str) -> bool:
    given = "".join(answer.split())
    return len(given) == VIN_TAIL and given.isascii() and given.isalnum()


def locked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """When a lockout ends, given the failed attempts within the window; None when
    there are fewer than the limit (an answer may be tried)."""
    recent = sorted(at for at in failures if now - at < ATTEMPT_WINDOW)
    if len(recent) < ATTEMPT_LIMIT:
        return None
    return recent[-ATTEMPT_LIMIT] + ATTEMPT_WINDOW


def attempts_left(failures: Sequence[datetime], now: datetime) -> int:
    recent = [at for at in failures if now - at < ATTEMPT_WINDOW]
    return max(ATTEMPT_LIMIT - len(recent), 0)
