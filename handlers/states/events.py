"""Where a chat stands in the survey after a club event (handlers/event_survey.py).
Step values are stored with the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.states import FlowData


class EventSurveyStep(StrEnum):
    COMMENT = "ev.comment"


@dataclass
class EventSurveyComment(FlowData):
    event_id: int
