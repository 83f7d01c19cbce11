"""Unfinished drafts: a command in the middle of a flow, continuing, putting away.

The rule for commands lives here, in one place (the dispatcher asks `before_command`):
/language and /help never touch the flow; a prompt that is not a draft (a question
about the odometer, the phone request) is abandoned as before; a draft (see
`handlers.router.Draft`) is kept, and the owner is asked whether to continue it or put
it away and go on, except that /start and /menu show the menu, which offers the same.
Drafts left alone for a day are put away by the dispatcher
(`bot.domain.owners.DRAFT_LIFETIME`).
"""

from __future__ import annotations

from handlers.codes import BadCode, button
from handlers.codes.drafts import DiscardDraft, ResumeDraft
from handlers.common import ask_for_phone, show_main_menu
from handlers.context import Context
from handlers.router import Router

router = Router()

# These leave the flow where it is: the answer to the current step can still come.
KEEPS_FLOW = frozenset({"language", "help"})
# These show the main menu, which itself offers to continue the draft.
SHOWS_MENU = frozenset({"start", "menu"})


def before_command(ctx: Context, command: str) -> bool:
    """Whether /command may run now. When it may not, the owner has been asked whether
    to continue the draft or put it away first."""
    if command in KEEPS_FLOW:
        return True
    label = ctx.flows.draft_label(ctx)
    if label is None:
        ctx.clear_state()  # a prompt, not a draft: the command abandons it
        return True
    if command in SHOWS_MENU and ctx.owner is not None:
        return True
    t = ctx.t
    ctx.reply(
        t._("You haven't finished this yet. Continue where you left off, or discard it and go on?"),
        [
            [button(label, ResumeDraft())],
            [button(t.pgettext("button", "🗑 Discard and go on"), DiscardDraft(command))],
        ],
    )
    return False


@router.on(ResumeDraft, needs_owner=False)
async def resume(ctx: Context, _code: ResumeDraft) -> None:
    if ctx.flows.draft_label(ctx) is None or not await ctx.flows.reask(ctx):
        ctx.toast(ctx.t._("There is nothing left to continue."))
        await _home(ctx)


@router.on(DiscardDraft, needs_owner=False)
async def discard(ctx: Context, code: DiscardDraft) -> None:
    ctx.clear_state()
    if code.then:
        if not await ctx.flows.run_command(ctx, code.then):
            raise BadCode("no such command")
        return
    ctx.toast(ctx.t._("Discarded."))
    await _home(ctx)


async def _home(ctx: Context) -> None:
    if ctx.owner is None:
        ask_for_phone(ctx)
    else:
        show_main_menu(ctx, edit=True)
