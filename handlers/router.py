"""Routing tables for one feature module (like an aiogram Router, minus the framework)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from handlers.codes import ButtonCode
from handlers.types import EventKind

if TYPE_CHECKING:
    from handlers.context import Context

Handler = Callable[["Context"], Awaitable[None]]
C = TypeVar("C", bound=ButtonCode)
CodeHandler = Callable[["Context", C], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    needs_owner: bool = True  # refuse until the chat is linked to an owner
    private_only: bool = True  # groups get a pointer to the private chat


@dataclass(frozen=True)
class ButtonRoute:
    """A pressed button's route: the code class it decodes and the handler it calls."""

    code_type: type[ButtonCode]
    handler: Callable[[Context, Any], Awaitable[None]]
    needs_owner: bool = True
    private_only: bool = True

    def bind(self, code: ButtonCode) -> Route:
        """The route for one press, its decoded code bound to the handler."""

        async def run(ctx: Context) -> None:
            await self.handler(ctx, code)

        return Route(run, self.needs_owner, self.private_only)


@dataclass(frozen=True)
class Draft:
    """A flow whose answers are worth keeping (a booking, a recommendation, a
    registration): a command in the middle asks before leaving it, and the main menu
    offers to continue it. `continue_label` names it on that button."""

    continue_label: Callable[[Context], str]


@dataclass(frozen=True)
class ReAsk:
    """How one step of a flow is shown again: after a language change, an answer it
    could not take, or "Continue"."""

    step: StrEnum
    handler: Handler
    draft: Draft | None  # None: a prompt that a command simply abandons
    needs_owner: bool = True
    private_only: bool = True


@dataclass(frozen=True)
class QuoteRoute:
    """Text that replies to one of the bot's messages, picked by what that message
    said (`matches` reads its text): an answer in a thread the message names."""

    matches: Callable[[str], bool]
    route: Route


@dataclass
class Router:
    commands: dict[str, Route] = field(default_factory=dict)
    buttons: dict[str, ButtonRoute] = field(default_factory=dict)
    states: dict[str, Route] = field(default_factory=dict)
    reasks: dict[str, ReAsk] = field(default_factory=dict)
    # What happens to a group itself: members join, join requests, the bot's status.
    group_events: dict[EventKind, list[Handler]] = field(default_factory=dict)
    quotes: list[QuoteRoute] = field(default_factory=list)

    def command(
        self, *names: str, needs_owner: bool = True, private_only: bool = True
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for name in names:
                _add(self.commands, name, Route(handler, needs_owner, private_only))
            return handler

        return register

    def on(
        self, code_type: type[C], *, needs_owner: bool = True, private_only: bool = True
    ) -> Callable[[CodeHandler[C]], CodeHandler[C]]:
        """Handles presses of one typed button code; the handler gets it decoded."""

        def register(handler: CodeHandler[C]) -> CodeHandler[C]:
            _add(
                self.buttons,
                code_type.prefix,
                ButtonRoute(code_type, handler, needs_owner, private_only),
            )
            return handler

        return register

    def state(
        self, *steps: StrEnum, needs_owner: bool = True, private_only: bool = True
    ) -> Callable[[Handler], Handler]:
        """Handles text, contacts, locations and photos while the chat is in a state.

        With `private_only=False` the state also listens in groups: a staff member's
        answer to a question the bot asked them there (group chatter is ignored).
        """

        for step in steps:
            if not isinstance(step, StrEnum):
                raise TypeError(f"route a flow's step enum member, not {step!r}")

        def register(handler: Handler) -> Handler:
            for step in steps:
                _add(self.states, step.value, Route(handler, needs_owner, private_only))
            return handler

        return register

    def reask(
        self,
        *steps: StrEnum,
        draft: Draft | None = None,
        needs_owner: bool = True,
        private_only: bool = True,
    ) -> Callable[[Handler], Handler]:
        """Registers how to ask `steps` again; every step of every flow has one (a
        test checks), so no flow is lost to a typed answer or a language change."""

        def register(handler: Handler) -> Handler:
            for step in steps:
                _add(
                    self.reasks,
                    step.value,
                    ReAsk(step, handler, draft, needs_owner, private_only),
                )
            return handler

        return register

    def quote(
        self,
        matches: Callable[[str], bool],
        *,
        needs_owner: bool = True,
        private_only: bool = True,
    ) -> Callable[[Handler], Handler]:
        """Handles text that replies to a message of the bot's that `matches`; it comes
        before the chat's state (the reply says what it answers)."""

        def register(handler: Handler) -> Handler:
            self.quotes.append(QuoteRoute(matches, Route(handler, needs_owner, private_only)))
            return handler

        return register

    def quoted(self, text: str) -> Route | None:
        """The route of a reply to the bot's message saying `text`, if any takes it."""
        return next((q.route for q in self.quotes if text and q.matches(text)), None)

    def group_event(self, *kinds: EventKind) -> Callable[[Handler], Handler]:
        """Handles group events of these kinds (every handler registered runs)."""

        def register(handler: Handler) -> Handler:
            for kind in kinds:
                self.group_events.setdefault(kind, []).append(handler)
            return handler

        return register

    def include(self, other: Router) -> None:
        for name, route in other.commands.items():
            _add(self.commands, name, route)
        for prefix, button_route in other.buttons.items():
            _add(self.buttons, prefix, button_route)
        for name, route in other.states.items():
            _add(self.states, name, route)
        for name, reask in other.reasks.items():
            _add(self.reasks, name, reask)
        for kind, handlers in other.group_events.items():
            self.group_events.setdefault(kind, []).extend(handlers)
        self.quotes.extend(other.quotes)


R = TypeVar("R", Route, ButtonRoute, ReAsk)


def _add(table: dict[str, R], key: str, route: R) -> None:
    if key in table:
        raise ValueError(f"{key!r} is routed twice")
    table[key] = route
