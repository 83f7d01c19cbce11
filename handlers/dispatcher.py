"""Routes each event to a flow inside one unit of work, exactly once.

The update id is recorded in the same transaction as the flow's effects, so a
redelivered update (a webhook retry, a second worker, a restart) changes nothing twice.
Any unexpected error rolls the transaction back and answers with a short, localized
apology carrying a reference code that is also in the log.

With a `doorbell` (every real channel has one), screens addressed to anyone but the
chat that wrote (staff cards, alerts, leads, notices to an owner of a staff action) are
not returned for sending: they are queued as durable deliveries in the same
transaction, and the relay delivers them until the platform takes them. Only the
replies to the event's own chat go back to the channel, to be sent directly.

A chat standing at a step of a flow keeps it: a command asks first
(`handlers.drafts.before_command`), typed input at a step without its own handler is
read as one of the step's buttons or gets the step again (`handlers.typed`), and a
draft left for a day is put away.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from bot.clock import Clock
from bot.i18n import SOURCE_LOCALE, negotiate_locale
from bot.logs import correlation_id, new_correlation_id
from bot.services import deliveries
from bot.services.accounts import account_for, linked_owner
from bot.services.ports import UnitOfWork, UnitOfWorkFactory
from handlers import drafts
from handlers.codes import BadCode, route_key
from handlers.common import private_chat_pointer
from handlers.context import Context, FlowDeps
from handlers.errors import NotYours
from handlers.router import Handler, ReAsk, Route, Router
from handlers.screen_codec import to_json
from handlers.states import StaleState
from handlers.typed import take_typed_choice
from handlers.types import Event, EventKind, Screen

log = logging.getLogger(__name__)

GROUP_EVENTS = frozenset(
    {
        EventKind.MEMBER_JOINED,
        EventKind.JOIN_REQUEST,
        EventKind.BOT_MEMBERSHIP,
        EventKind.CHAT_MIGRATED,
    }
)


class Dispatcher:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        deps: FlowDeps,
        clock: Clock,
        router: Router,
        unlinked: Handler,
        fallback: Handler,
        link_verified: Callable[[Context], Awaitable[bool]] | None = None,
        observe: Callable[[str, str, float], None] | None = None,
        doorbell: deliveries.Doorbell | None = None,
    ) -> None:
        """`unlinked` answers someone who must link their chat first; `fallback`
        answers input no flow expects; `link_verified` links a chat by the number the
        platform vouches for (WhatsApp) and says whether it answered the event;
        `observe(channel, outcome, seconds)` hears how each update went (metrics)."""
        self.uow_factory = uow_factory
        self.deps = deps
        self.clock = clock
        self.router = router
        self.unlinked = unlinked
        self.fallback = fallback
        self.link_verified = link_verified
        self.observe = observe
        self.doorbell = doorbell

    async def handle(self, event: Event) -> Sequence[Screen]:
        token = correlation_id.set(new_correlation_id())
        started = time.perf_counter()
        outcome = "failed"
        try:
            async with self.uow_factory() as uow:
                screens = await self._handle(uow, event)
                own = self._queue_the_rest(uow, event, screens)
                await uow.commit()
                outcome = "handled"
            if self.doorbell is not None and len(own) < len(screens):
                self.doorbell.ring()
            return own
        except _Duplicate:
            outcome = "duplicate"
            log.info("update %s:%s already processed", event.channel, event.update_id)
            return []
        except Exception:
            log.exception(
                "update %s:%s (%s) failed", event.channel, event.update_id, event.kind.value
            )
            return [self._apology(event, correlation_id.get())]
        finally:
            correlation_id.reset(token)
            if self.observe is not None:
                self.observe(event.channel, outcome, time.perf_counter() - started)

    def _queue_the_rest(self, uow: UnitOfWork, event: Event, screens: list[Screen]) -> list[Screen]:
        """The screens for the event's own chat; the others become durable deliveries
        in this transaction (when a relay sends them: `doorbell`)."""
        if self.doorbell is None:
            return screens
        own: list[Screen] = []
        now = self.clock.now()
        for screen in screens:
            channel = screen.channel or event.channel
            chat_id = screen.chat_id
            if chat_id is None or (chat_id == event.chat_id and channel == event.channel):
                own.append(screen)
                continue
            deliveries.queue(
                uow, channel=channel, chat_id=chat_id, screens=[to_json(screen)], now=now
            )
        return own

    async def _handle(self, uow: UnitOfWork, event: Event) -> list[Screen]:
        now = self.clock.now()
        if not await uow.updates.first_time(event.channel, event.update_id, now):
            raise _Duplicate
        account = await account_for(
            uow,
            channel=event.channel,
            user_id=event.user_id,
            private_chat_id=event.chat_id if event.is_private else None,
            language_code=event.language_code,
            now=now,
        )
        owner = await linked_owner(uow, account)
        conversation = await uow.conversations.load(event.channel, event.chat_id, event.user_id)
        if conversation.abandoned(now) and self._is_draft(conversation.state):
            conversation.put_away(now)  # a prompt (the phone request) waits as before
        ctx = Context(
            event=event,
            uow=uow,
            deps=self.deps,
            account=account,
            owner=owner,
            conversation=conversation,
            now=now,
            flows=_Flows(self),
        )
        await self._route(ctx)
        return ctx.screens

    async def _route(self, ctx: Context) -> None:
        event = ctx.event
        verified = event.verified_phone and ctx.owner is None
        if verified and self.link_verified is not None and await self.link_verified(ctx):
            return
        if event.kind in GROUP_EVENTS:
            for handler in self.router.group_events.get(event.kind, ()):
                await handler(ctx)
            return
        if event.kind is EventKind.COMMAND:
            command_route = self.router.commands.get(event.command)
            if command_route is None:
                typed_route = self._typed_route(ctx)
                if typed_route is not None and event.is_private:  # mid-flow: the step again
                    await self.run(typed_route, ctx)
                elif event.is_private:
                    await self.fallback(ctx)
                return  # in groups, commands may be meant for other bots
            if drafts.before_command(ctx, event.command):
                await self.run(command_route, ctx)
            return
        if event.kind is EventKind.BUTTON:
            await self.press(ctx, event.button)
            return
        quote_route = self.router.quoted(event.quoted) if event.kind is EventKind.TEXT else None
        if quote_route is not None:  # a reply to the bot's message about a thread
            await self.run(quote_route, ctx)
            return
        state_route = self.router.states.get(ctx.state) or self._typed_route(ctx)
        if not event.is_private:
            # We don't read group chatter, except the answer to a question the bot asked
            # this person in this group (its state is keyed by chat and user).
            if state_route is not None and not state_route.private_only:
                await self.run(state_route, ctx)
            return
        await self.run(state_route, ctx) if state_route else await self.fallback(ctx)

    def _is_draft(self, state: str) -> bool:
        reask = self.router.reasks.get(state)
        return reask is not None and reask.draft is not None

    def _typed_route(self, ctx: Context) -> Route | None:
        """At a step without a handler of its own for typed input: read it as one of
        the step's buttons, or ask the step again."""
        reask = self.router.reasks.get(ctx.state)
        if reask is None:
            return None
        return Route(take_typed_choice, reask.needs_owner, reask.private_only)

    async def press(self, ctx: Context, raw: str) -> None:
        try:
            route = self.router.buttons[route_key(raw)]
            code = route.code_type.unpack(raw)
        except (BadCode, KeyError):
            log.warning("unknown button code from user")
            ctx.toast(ctx.t._("This button is no longer valid."))
            return
        await self.run(route.bind(code), ctx)

    async def run(self, route: Route, ctx: Context) -> None:
        if route.private_only and not ctx.event.is_private:
            private_chat_pointer(ctx)
            return
        if route.needs_owner and ctx.owner is None:
            await self.unlinked(ctx)
            return
        try:
            await route.handler(ctx)
        except BadCode:
            log.warning("malformed button code from user")
            ctx.screens.clear()
            ctx.toast(ctx.t._("This button is no longer valid."))
        except StaleState:
            log.warning("conversation data no longer fits its flow; starting over")
            ctx.screens.clear()
            ctx.clear_state()
            await self.fallback(ctx)
        except NotYours:
            log.warning("refused a code naming someone else's data")
            ctx.screens.clear()
            ctx.reply(ctx.t._("Sorry, that is not available to you."))

    def _apology(self, event: Event, code: str) -> Screen:
        try:
            t = self.deps.catalogs.translator(negotiate_locale(None, event.language_code))
        except Exception:  # the apology itself must never fail
            log.exception("no catalog for the apology; answering in English")
            t = self.deps.catalogs.translator(SOURCE_LOCALE)
        return Screen(
            text=t._(
                "Sorry, something went wrong on our side. Please try again in a minute. "
                "If it keeps happening, tell your dealer this code: {code}",
                code=code,
            )
        )


class _Duplicate(Exception):
    pass


class _Flows:
    """The dispatcher's part of `handlers.context.FlowControl`."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher

    def _reask(self, ctx: Context) -> ReAsk | None:
        reask = self._dispatcher.router.reasks.get(ctx.state)
        if reask is None or (reask.needs_owner and ctx.owner is None):
            return None
        if reask.private_only and not ctx.event.is_private:
            return None
        return reask

    def draft_label(self, ctx: Context) -> str | None:
        reask = self._reask(ctx)
        if reask is None or reask.draft is None:
            return None
        try:
            return reask.draft.continue_label(ctx)
        except StaleState:
            return None

    async def reask(self, ctx: Context) -> bool:
        reask = self._reask(ctx)
        if reask is None:
            return False
        shown = len(ctx.screens)
        try:
            await reask.handler(ctx)
        except (BadCode, StaleState, NotYours):
            log.warning("the step %s can't be shown again; putting it away", ctx.state)
            del ctx.screens[shown:]
            ctx.clear_state()
            return False
        if any(screen.edit for screen in ctx.screens[:shown]):
            # The pressed message was replaced already ("Language: ..."): the step
            # comes as a message of its own rather than replacing that again.
            ctx.screens[shown:] = [replace(s, edit=False) for s in ctx.screens[shown:]]
        return True

    async def press(self, ctx: Context, code: str) -> None:
        await self._dispatcher.press(ctx, code)

    async def run_command(self, ctx: Context, name: str) -> bool:
        route = self._dispatcher.router.commands.get(name)
        if route is None:
            return False
        await self._dispatcher.run(route, ctx)
        return True
