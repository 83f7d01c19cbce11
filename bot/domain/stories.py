"""Owners' stories and "Ask the expert": what owners write for their club.

A story is an owner's text (and a few photos) they agreed to have published; a
moderator of their dealer approves it (it is posted to the owner's club and pays the
adopted-content rule once) or declines it. An expert session is a club's Q&A with a
named expert on a date: owners send questions ahead, moderators pick, staff answer,
and the answers go to the club as one digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

STORY_LIMIT = 1500  # characters of a story's text
STORY_PHOTOS = 3  # photos a story may carry
EXPERT_QUESTION_LIMIT = 500  # characters of a question to an expert
EXPERT_ANSWER_LIMIT = 1500
TOPIC_LIMIT = 120
EXPERT_NAME_LIMIT = 80


class StoryStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for a moderator
    APPROVED = "approved"  # posted to a club
    DECLINED = "declined"


@dataclass(eq=False)
class Story:
    owner_id: int
    dealer_code: str  # whose moderators decide (their staff chat gets the card)
    market: str
    locale: str  # the owner's language when they sent it
    text: str
    consented_at: datetime  # the owner agreed to publication, at this time
    submitted_at: datetime
    photos: list[str] = field(default_factory=list)  # platform file ids
    status: StoryStatus = StoryStatus.SUBMITTED
    decided_at: datetime | None = None
    decided_by: str | None = None  # the moderator's actor id
    club_id: int | None = None  # where it was posted
    id: int | None = None

    @property
    def open(self) -> bool:
        return self.status is StoryStatus.SUBMITTED

    def approve(self, club_id: int, actor: str, now: datetime) -> None:
        self.status, self.club_id = StoryStatus.APPROVED, club_id
        self.decided_at, self.decided_by = now, actor

    def decline(self, actor: str, now: datetime) -> None:
        self.status = StoryStatus.DECLINED
        self.decided_at, self.decided_by = now, actor


class SessionStatus(StrEnum):
    OPEN = "open"  # takes questions
    POSTED = "posted"  # the digest went to the club


@dataclass(eq=False)
class ExpertSession:
    club_id: int
    topic: str
    expert: str  # the expert's name as staff wrote it
    held_on: date
    opened_by: str  # the staff member's actor id
    opened_at: datetime
    status: SessionStatus = SessionStatus.OPEN
    posted_at: datetime | None = None
    id: int | None = None


class ExpertQuestionStatus(StrEnum):
    ASKED = "asked"
    PICKED = "picked"  # a moderator chose it for the expert
    ANSWERED = "answered"


@dataclass(eq=False)
class ExpertQuestion:
    session_id: int
    owner_id: int
    locale: str  # the asker's language: they are told in it
    text: str
    asked_at: datetime
    status: ExpertQuestionStatus = ExpertQuestionStatus.ASKED
    answer: str | None = None
    answered_by: str | None = None  # the staff member's actor id
    answered_at: datetime | None = None
    id: int | None = None

    def answered(self, text: str, actor: str, now: datetime) -> None:
        self.status, self.answer = ExpertQuestionStatus.ANSWERED, text
        self.answered_by, self.answered_at = actor, now


def story_tag(story_id: int) -> str:
    """A story's name on the cards about it (#S12)."""
    return f"#S{story_id}"


def expert_tag(question_id: int) -> str:
    """A question to an expert on the cards about it (#E12)."""
    return f"#E{question_id}"
