"""Where a chat stands in a story or a question to an expert (handlers/stories.py,
handlers/expert.py). Step values are stored with the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from handlers.states import FlowData


class StoryStep(StrEnum):
    TEXT = "story.text"  # the owner writes the story
    PHOTOS = "story.photos"  # up to a few photos, or Done
    CONSENT = "story.consent"  # agree to publication, or cancel


@dataclass
class StoryDraft(FlowData):
    text: str = ""
    photos: list[str] = field(default_factory=list)  # platform file ids


class ExpertStep(StrEnum):
    QUESTION = "expert.question"  # an owner writes a question for a session
    ANSWER = "expert.answer"  # staff write the expert's answer, in the staff chat


@dataclass
class ExpertDraft(FlowData):
    session: int


@dataclass
class ExpertAnswerDraft(FlowData):
    question: int
