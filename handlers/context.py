"""Everything a flow needs while it handles one event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.domain.owners import Account, Conversation, Owner
from bot.domain.reference import Market, Reference
from bot.i18n import Catalogs, Translator, negotiate_locale
from bot.services.ports import UnitOfWork
from handlers.states import FlowData
from handlers.types import Attachment, Button, Event, RequestButton, Screen


@dataclass(frozen=True)
class FlowDeps:
    """Long-lived things flows read: reference data, catalogs, the bot's settings."""

    reference: Reference
    catalogs: Catalogs
    default_market: str
    bot_username: str = "ownerbot"
    # The channels this process serves; an owner linked on several is told things on
    # one of them (bot.services.accounts.contact_account). Empty: the event's channel.
    channels: tuple[str, ...] = ()
    # Where dealers' staff chats live (Telegram groups); None: the event's channel.
    staff_channel: str | None = None


def owner_translator(
    catalogs: Catalogs, reference: Reference, owner: Owner, account: Account | None
) -> Translator:
    """The owner's language when they are not the one talking (staff replies, care
    messages): their choice, else their client's last language, else the dealer's
    record, else the market's."""
    market = reference.markets.get(owner.market)
    languages = market.languages if market else ()
    locale = negotiate_locale(
        owner.locale or (account.locale if account else None),
        account.language_code if account else None,
        [owner.locale_on_file, *languages],
    )
    return catalogs.translator(locale, owner.market)


D = TypeVar("D", bound=FlowData)


class FlowControl(Protocol):
    """What the dispatcher lends flows so they can hand over to one another: show the
    current step again, press a button for a typed answer, run a command."""

    def draft_label(self, ctx: Context) -> str | None:
        """The "Continue ..." label of the unfinished draft the chat holds, if any."""

    async def reask(self, ctx: Context) -> bool:
        """Show the chat's current step again; False when there is none to show."""

    async def press(self, ctx: Context, code: str) -> None:
        """Act as if the button carrying `code` had been pressed."""

    async def run_command(self, ctx: Context, name: str) -> bool:
        """Run /name as if typed; False when there is no such command."""


class Context:
    def __init__(
        self,
        *,
        event: Event,
        uow: UnitOfWork,
        deps: FlowDeps,
        account: Account,
        owner: Owner | None,
        conversation: Conversation,
        now: datetime,
        flows: FlowControl,
    ) -> None:
        self.event = event
        self.flows = flows
        self.uow = uow
        self.deps = deps
        self.account = account
        self.owner = owner
        self.conversation = conversation
        self.now = now
        self.screens: list[Screen] = []
        self.t: Translator = self._translator(self.negotiated_locale())

    # --- language ---------------------------------------------------------------

    def negotiated_locale(self) -> str:
        """For someone not yet linked to a market, a client language we don't ship
        falls back to English, not to the default market's language (a French
        visitor is not answered in Thai)."""
        owner = self.owner
        explicit = (owner.locale if owner else None) or self.account.locale
        fallbacks = [owner.locale_on_file, *self.market.languages] if owner else []
        return negotiate_locale(explicit, self.event.language_code, fallbacks)

    def use_locale(self, code: str) -> None:
        self.t = self._translator(code)

    def _translator(self, code: str) -> Translator:
        return self.deps.catalogs.translator(code, self.market.code)

    @property
    def market(self) -> Market:
        code = self.owner.market if self.owner else self.deps.default_market
        return self.deps.reference.markets.get(code) or self.deps.reference.market(
            self.deps.default_market
        )

    @property
    def reference(self) -> Reference:
        return self.deps.reference

    # --- conversation state -----------------------------------------------------

    @property
    def state(self) -> str:
        return self.conversation.state

    def in_step(self, *steps: StrEnum) -> bool:
        return self.conversation.state in steps

    def enter(self, step: StrEnum, data: FlowData | None = None) -> None:
        """Stand at `step` of a flow holding `data` (which replaces what was held)."""
        self.conversation.state = step.value
        self.conversation.data = data.to_json() if data is not None else {}
        self.conversation.updated_at = self.now

    def draft(self, kind: type[D]) -> D:
        """What the current flow has gathered, typed; StaleState if it doesn't fit."""
        return kind.from_json(self.conversation.data)

    def clear_state(self) -> None:
        self.conversation.state = ""
        self.conversation.data = {}
        self.conversation.updated_at = self.now

    # --- replies ------------------------------------------------------------------

    def reply(
        self,
        text: str,
        buttons: list[list[Button]] | None = None,
        *,
        keyboard: list[list[RequestButton]] | None = None,
        remove_keyboard: bool = False,
        attachment: Attachment | None = None,
        edit: bool = False,
        chat_id: int | None = None,
        channel: str | None = None,
        toast: str = "",
    ) -> None:
        self.screens.append(
            Screen(
                text=text,
                buttons=tuple(tuple(row) for row in buttons or []),
                keyboard=tuple(tuple(row) for row in keyboard or []),
                remove_keyboard=remove_keyboard,
                attachment=attachment,
                edit=edit and self.event.message_id is not None,
                chat_id=chat_id,
                channel=channel if channel != self.event.channel else None,
                toast=toast,
            )
        )

    def to_staff(self, chat_id: int, text: str, buttons: list[list[Button]] | None = None) -> None:
        """A card in a dealer's staff chat, on the channel staff chats live on."""
        self.reply(text, buttons, chat_id=chat_id, channel=self.deps.staff_channel)

    def toast(self, text: str) -> None:
        """A short notice on the pressed button, without a new message."""
        self.screens.append(Screen(text="", toast=text))
