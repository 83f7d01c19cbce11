"""Every step of every flow can be shown again: after a language change, an answer it
could not take, or "Continue" (the re-ask registry of handlers.router)."""

from __future__ import annotations

import importlib
import pkgutil
from enum import StrEnum

import pytest

import handlers.states
from handlers.context import Context
from handlers.registry import build_router
from handlers.router import Draft, Router
from handlers.states.announcements import AnnounceStep
from handlers.states.booking import BookingStep, MyBookingsStep
from handlers.states.booking_staff import DeskStep
from handlers.states.clubs import ClubStep
from handlers.states.events import EventSurveyStep, EventWizardStep
from handlers.states.menu import CarStep
from handlers.states.onboarding import OnboardingStep, RegistrationStep
from handlers.states.questions import AnswerStep, AskStep
from handlers.states.referrals import FriendStep
from handlers.states.roadside import RoadsideStep, TradeInStep
from handlers.states.stories import ExpertStep, StoryStep
from handlers.states.survey import SurveyStep


def all_steps() -> list[StrEnum]:
    """Every member of every step enum declared under handlers/states."""
    steps: list[StrEnum] = []
    for info in pkgutil.iter_modules(handlers.states.__path__):
        module = importlib.import_module(f"handlers.states.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, StrEnum)
                and value.__module__ == module.__name__
            ):
                steps.extend(value)
    return steps


def test_the_step_enums_found_are_all_the_flows() -> None:
    kinds = {type(step) for step in all_steps()}
    assert kinds == {
        BookingStep,
        MyBookingsStep,
        DeskStep,
        CarStep,
        OnboardingStep,
        RegistrationStep,
        FriendStep,
        RoadsideStep,
        TradeInStep,
        SurveyStep,
        AskStep,
        AnswerStep,
        ClubStep,
        AnnounceStep,
        StoryStep,
        ExpertStep,
        EventSurveyStep,
        EventWizardStep,
    }


@pytest.mark.parametrize("step", all_steps(), ids=lambda step: step.value)
def test_every_step_of_every_flow_can_be_asked_again(step: StrEnum) -> None:
    reask = build_router().reasks.get(step.value)
    assert reask is not None, f"register @router.reask({type(step).__name__}.{step.name})"
    assert reask.step is step


def test_the_owners_drafts_are_kept_and_prompts_are_not() -> None:
    reasks = build_router().reasks
    drafts = {step for step in all_steps() if reasks[step.value].draft is not None}
    prompts = set(all_steps()) - drafts
    assert drafts == {
        *BookingStep,
        *(set(RegistrationStep) - {RegistrationStep.FRIEND}),
        *FriendStep,
        *TradeInStep,
        *(set(AnnounceStep) - {AnnounceStep.CORRECTION}),  # staff's texts, kept like a booking
        *StoryStep,  # an owner's story and photos
    }
    assert prompts == {
        *MyBookingsStep,
        *DeskStep,
        *CarStep,
        *OnboardingStep,
        RegistrationStep.FRIEND,  # an invited friend: registering is optional
        *RoadsideStep,
        *SurveyStep,
        *AskStep,  # one message: a command simply leaves it
        *AnswerStep,
        *ClubStep,  # staff linking a club: a command starts it again
        AnnounceStep.CORRECTION,  # one message
        *ExpertStep,  # one message
        *EventSurveyStep,
        *EventWizardStep,  # staff creating an event: a command starts it again
    }


class Step(StrEnum):
    WAITING = "test.waiting"


async def _ask(ctx: Context) -> None:
    ctx.reply("again")


def test_a_step_is_asked_again_one_way_only() -> None:
    router = Router()
    router.reask(Step.WAITING, draft=Draft(lambda ctx: "continue"))(_ask)
    with pytest.raises(ValueError, match="routed twice"):
        router.reask(Step.WAITING)(_ask)
    other = Router()
    other.reask(Step.WAITING)(_ask)
    with pytest.raises(ValueError, match="routed twice"):
        router.include(other)
