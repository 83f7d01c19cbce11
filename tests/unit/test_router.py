"""Routing tables: a state is routed by its flow's step enum, and nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest

from handlers.codes import ButtonCode
from handlers.context import Context
from handlers.registry import build_router
from handlers.router import Router


class Step(StrEnum):
    WAITING = "test.waiting"


@dataclass(frozen=True)
class Poke(ButtonCode, prefix="test:poke"):
    pass


async def _answer(ctx: Context) -> None:
    ctx.reply("ok")


async def _pressed(ctx: Context, _code: Poke) -> None:
    ctx.reply("pressed")


def test_a_state_is_routed_by_its_step_enum_member_under_the_stored_value() -> None:
    router = Router()
    router.state(Step.WAITING)(_answer)
    assert list(router.states) == ["test.waiting"]


def test_a_bare_string_is_not_a_step() -> None:
    with pytest.raises(TypeError):
        Router().state("test.waiting")  # type: ignore[arg-type]


def test_a_code_or_a_step_routed_in_two_flows_is_refused() -> None:
    first, second = Router(), Router()
    for router in (first, second):
        router.on(Poke)(_pressed)
        router.state(Step.WAITING)(_answer)
    with pytest.raises(ValueError, match="routed twice"):
        first.include(second)


def test_every_button_route_of_the_bot_decodes_its_own_code_class() -> None:
    routes = build_router().buttons
    assert routes
    assert all(route.code_type.prefix == prefix for prefix, route in routes.items())
