"""Ask the dealer: an owner's question to their dealer's staff chat, and the thread of
answers and follow-ups it starts.

A thread belongs to one owner and one dealer. Its messages keep who wrote them (the
owner, or a staff member) and what they wrote; the thread keeps when it was asked and
when staff first answered, so a dealer's first-response time is measured without
reading the messages (which /forget erases)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import median

QUESTION_LIMIT = 1500  # characters an owner's message or a staff answer may have
TAG_PREFIX = "Q"  # a thread is named #Q12 on every message about it
_TAG = re.compile(r"#Q(\d{1,18})(?!\w)")


class Author(StrEnum):
    OWNER = "owner"
    STAFF = "staff"


@dataclass(eq=False)
class DealerQuestion:
    """The thread: who asks which dealer, in which language, about which car."""

    owner_id: int
    dealer_code: str
    locale: str  # the owner's language when they asked
    asked_at: datetime
    last_message_at: datetime
    vehicle_id: int | None = None
    first_answer_at: datetime | None = None
    id: int | None = None

    def answered(self, now: datetime) -> None:
        """Staff wrote in the thread: the first time is the first response."""
        if self.first_answer_at is None:
            self.first_answer_at = now
        self.last_message_at = now

    @property
    def first_response(self) -> timedelta | None:
        return None if self.first_answer_at is None else self.first_answer_at - self.asked_at


@dataclass(eq=False)
class QuestionMessage:
    """One message of a thread, as its author wrote it (cleaned)."""

    question_id: int
    author: Author
    text: str
    sent_at: datetime
    staff_id: int | None = None  # the staff member who answered
    id: int | None = None


def thread_tag(question_id: int) -> str:
    """The thread's name on every message about it (a hashtag in Telegram, so staff
    can tap it to see the whole thread in their chat)."""
    return f"#{TAG_PREFIX}{question_id}"


def tagged_thread(text: str) -> int | None:
    """The thread a message we sent is about: its tag opens the message, before
    anything a person wrote, so a name or a question can't name another thread."""
    found = _TAG.match(text.lstrip())
    return int(found.group(1)) if found else None


def median_minutes(waits: list[timedelta]) -> int | None:
    """The median wait in whole minutes (rounded), None without any."""
    if not waits:
        return None
    return round(median(w.total_seconds() for w in waits) / 60)
