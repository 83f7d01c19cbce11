"""Button codes of owners' stories and "Ask the expert" (handlers/stories.py,
handlers/expert.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class StoryHome(ButtonCode, prefix="sty:home"):
    pass


@dataclass(frozen=True)
class StoryPhotosDone(ButtonCode, prefix="sty:done"):
    """No more photos: on to the consent question."""


@dataclass(frozen=True)
class StoryAgree(ButtonCode, prefix="sty:ok"):
    """The owner agrees to publication and sends the story."""


@dataclass(frozen=True)
class StoryCancel(ButtonCode, prefix="sty:stop"):
    pass


@dataclass(frozen=True)
class ApproveStory(ButtonCode, prefix="sty:appr"):
    """A moderator approves (role and dealer checked on the press)."""

    story: int


@dataclass(frozen=True)
class DeclineStory(ButtonCode, prefix="sty:decl"):
    story: int


@dataclass(frozen=True)
class ExpertHome(ButtonCode, prefix="exp:home"):
    pass


@dataclass(frozen=True)
class AskExpert(ButtonCode, prefix="exp:ask"):
    """An owner asks a question in an open session of one of their clubs."""

    session: int


@dataclass(frozen=True)
class PickQuestion(ButtonCode, prefix="exp:pick"):
    """A moderator picks a question for the expert (role and market checked)."""

    question: int


@dataclass(frozen=True)
class AnswerExpertQuestion(ButtonCode, prefix="exp:ans"):
    question: int


@dataclass(frozen=True)
class PostDigest(ButtonCode, prefix="exp:post"):
    """Post the session's answers to its club and tell each asker."""

    session: int
