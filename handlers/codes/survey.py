"""Button codes of the post-visit survey (handlers/survey.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class SurveyScore(ButtonCode, prefix="sv:s"):
    visit: int
    score: int


@dataclass(frozen=True)
class SkipSurveyComment(ButtonCode, prefix="sv:skip"):
    visit: int
