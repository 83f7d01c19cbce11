"""Routing tables for one feature module (like an aiogram Router, minus the framework)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.context import Context

Handler = Callable[["Context"], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    needs_owner: bool = True  # refuse until the chat is linked to an owner
    private_only: bool = True  # groups get a pointer to the private chat


@dataclass
class Router:
    commands: dict[str, Route] = field(default_factory=dict)
    buttons: dict[str, Route] = field(default_factory=dict)
    states: dict[str, Route] = field(default_factory=dict)
    group_events: list[Handler] = field(default_factory=list)

    def command(
        self, *names: str, needs_owner: bool = True, private_only: bool = True
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for name in names:
                _add(self.commands, name, Route(handler, needs_owner, private_only))
            return handler

        return register

    def button(
        self, prefix: str, *, needs_owner: bool = True, private_only: bool = True
    ) -> Callable[[Handler], Handler]:
        """Handles every code `prefix:...`; the handler dispatches on the action."""

        def register(handler: Handler) -> Handler:
            _add(self.buttons, prefix, Route(handler, needs_owner, private_only))
            return handler

        return register

    def state(
        self, *names: str, needs_owner: bool = True, private_only: bool = True
    ) -> Callable[[Handler], Handler]:
        """Handles text, contacts, locations and photos while the chat is in a state.

        With `private_only=False` the state also listens in groups: a staff member's
        answer to a question the bot asked them there (group chatter is ignored).
        """

        def register(handler: Handler) -> Handler:
            for name in names:
                _add(self.states, name, Route(handler, needs_owner, private_only))
            return handler

        return register

    def group_event(self, handler: Handler) -> Handler:
        self.group_events.append(handler)
        return handler

    def include(self, other: Router) -> None:
        for name, route in other.commands.items():
            _add(self.commands, name, route)
        for prefix, route in other.buttons.items():
            _add(self.buttons, prefix, route)
        for name, route in other.states.items():
            _add(self.states, name, route)
        self.group_events.extend(other.group_events)


def _add(table: dict[str, Route], key: str, route: Route) -> None:
    if key in table:
        raise ValueError(f"{key!r} is routed twice")
    table[key] = route
