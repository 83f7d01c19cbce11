"""Typed answers at a step that offers buttons.

The step is shown again (its registered re-ask), and the typed text is matched against
the labels of the buttons it offers, in the owner's language (`bot.domain.choices`),
plus any other names the step gives a button (a model's code, a country's code, a
service's everyday words). One button named: it is pressed, as if tapped. Nothing or
several: a short hint, and the step again with its buttons. The draft is never lost.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.choices import Choice, match_choice, normalise
from handlers.codes import ButtonCode
from handlers.context import Context
from handlers.types import Button, EventKind, Screen


@dataclass(frozen=True)
class _Shown:
    """The step shown again: where its screens start, and the chat as it was before."""

    start: int
    state: str
    data: dict[str, Any]
    updated_at: datetime | None

    def buttons(self, ctx: Context) -> list[Button]:
        return [b for s in ctx.screens[self.start :] for row in s.buttons for b in row if b.code]

    def undo(self, ctx: Context) -> None:
        """As if the step had not been shown: no screens, the chat where it was."""
        del ctx.screens[self.start :]
        conversation = ctx.conversation
        conversation.state, conversation.data = self.state, self.data
        conversation.updated_at = self.updated_at


async def _show_step(ctx: Context) -> _Shown | None:
    conversation = ctx.conversation
    shown = _Shown(
        len(ctx.screens),
        conversation.state,
        copy.deepcopy(conversation.data),
        conversation.updated_at,
    )
    return shown if await ctx.flows.reask(ctx) else None


def _typed(ctx: Context) -> str:
    return ctx.event.text if ctx.event.kind in (EventKind.TEXT, EventKind.COMMAND) else ""


async def offered_choice(
    ctx: Context,
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    passive: Sequence[type[ButtonCode]] = (),
    hint: str = "",
) -> str | None:
    """The code of the one button the typed text names; the chat is as it was and
    nothing is shown. Otherwise None, with `hint` (or a general one) and the step
    shown again. `aliases`: more names per packed code; `passive`: codes that are no
    choice (calendar headers)."""
    shown = await _show_step(ctx)
    if shown is None:
        return None
    prefixes = tuple(kind.prefix for kind in passive)
    names = aliases or {}
    choices = [
        Choice(b.code, (b.label, *names.get(b.code, ())))
        for b in shown.buttons(ctx)
        if not b.code.startswith(prefixes)
    ]
    match = match_choice(_typed(ctx), choices)
    if match.value is not None:
        shown.undo(ctx)
        return match.value
    if not hint:
        hint = (
            ctx.t._("That fits more than one choice. Please tap the one you mean.")
            if match.ambiguous
            else ctx.t._("Please choose one of the options below: tap it, or type its name.")
        )
    ctx.screens.insert(shown.start, Screen(text=hint))
    return None


async def take_typed_choice(
    ctx: Context,
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    passive: Sequence[type[ButtonCode]] = (),
    hint: str = "",
) -> None:
    """A typed answer at a step with buttons: the button it names is pressed, or the
    step is asked again with a hint."""
    code = await offered_choice(ctx, aliases=aliases, passive=passive, hint=hint)
    if code is not None:
        await ctx.flows.press(ctx, code)


async def pressed_by_name(ctx: Context) -> bool:
    """At a step that takes free text (a note, a name): when what was typed is exactly
    a button's name ("Skip", "Cancel"), that button is pressed. Else nothing is shown
    and the text is the step's answer (False)."""
    shown = await _show_step(ctx)
    if shown is None:
        return False
    typed = normalise(_typed(ctx))
    named = {b.code for b in shown.buttons(ctx) if typed and normalise(b.label) == typed}
    shown.undo(ctx)
    if len(named) != 1:
        return False
    await ctx.flows.press(ctx, named.pop())
    return True
