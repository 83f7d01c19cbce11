"""Where a chat stands in the post-visit survey (handlers/survey.py). Step values are
stored with the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.states import FlowData


class SurveyStep(StrEnum):
    COMMENT = "survey.comment"


@dataclass
class SurveyComment(FlowData):
    visit_id: int
