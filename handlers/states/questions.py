"""Where a chat stands in "Ask the dealer" (handlers/ask_dealer.py). Step values are
stored with the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.states import FlowData


class AskStep(StrEnum):
    TEXT = "ask.text"  # the owner writes a question, or again in a thread


class AnswerStep(StrEnum):
    TEXT = "ask.answer"  # a staff member writes an answer, in the staff chat


@dataclass
class AskDraft(FlowData):
    question: int = 0  # the thread written in; 0: a new question


@dataclass
class AnswerDraft(FlowData):
    question: int
