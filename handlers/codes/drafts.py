"""Button codes of unfinished drafts (handlers/drafts.py): continue one, or put it away
and go on."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class ResumeDraft(ButtonCode, prefix="draft:resume"):
    """Show the step the chat stands at again."""


@dataclass(frozen=True)
class DiscardDraft(ButtonCode, prefix="draft:drop"):
    """Put the draft away, then run the command the owner had typed ("" for the menu)."""

    then: str
