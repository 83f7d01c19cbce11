"""Button codes of "Ask the dealer" (handlers/ask_dealer.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class AskDealer(ButtonCode, prefix="ask:home"):
    pass


@dataclass(frozen=True)
class WriteAgain(ButtonCode, prefix="ask:more"):
    """The owner writes again in their thread."""

    question: int


@dataclass(frozen=True)
class AnswerQuestion(ButtonCode, prefix="ask:ans"):
    """A staff member answers the thread (role and dealer checked on the press)."""

    question: int
