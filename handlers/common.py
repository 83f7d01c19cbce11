"""Screens several flows show: the main menu, the phone request, the language picker."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.owners import Owner
from bot.i18n import SHIPPED_LOCALES, Translator, native_language_name
from bot.services.accounts import owner_account
from handlers.codes import make_code
from handlers.context import Context, owner_translator
from handlers.types import Button, RequestButton, RequestKind


def main_menu_buttons(ctx: Context) -> list[list[Button]]:
    return [
        [
            Button(ctx.t.pgettext("button", "⭐ Points"), make_code("pts", "home")),
            Button(ctx.t.pgettext("button", "🔧 Book service"), make_code("bk", "start")),
        ],
        [
            Button(ctx.t.pgettext("button", "🤝 Refer a friend"), make_code("ref", "home")),
            Button(ctx.t.pgettext("button", "🚗 My car"), make_code("car", "list")),
        ],
        [
            Button(ctx.t.pgettext("button", "🆘 Roadside help"), make_code("sos", "home")),
            Button(ctx.t.pgettext("button", "⚙️ Settings"), make_code("set", "home")),
        ],
        [
            Button(ctx.t.pgettext("button", "💰 Value my car"), make_code("tv", "start")),
            Button(ctx.t.pgettext("button", "❓ Help"), make_code("help", "home")),
        ],
    ]


def show_main_menu(ctx: Context, *, edit: bool = False, greeting: str = "") -> None:
    text = greeting or ctx.t._("What would you like to do?")
    ctx.reply(text, main_menu_buttons(ctx), edit=edit)


def language_label(ctx: Context) -> str:
    """The reply-keyboard button that opens the language picker during onboarding."""
    return ctx.t.pgettext("button", "🌐 Language")


def ask_for_phone(ctx: Context, intro: str = "", *, invited: bool = False) -> None:
    """Only Telegram's contact button proves the number belongs to the person.

    Someone who came through a friend's invitation is told that a dealer will call:
    their number becomes a lead (see handlers.referrals)."""
    invited = invited or bool(ctx.data.get("invited"))
    if invited:
        text = ctx.t._(
            "Share your phone number with the button below. If you are already an "
            "{brand} owner, I'll find your car; if not, a dealer near you will call you to "
            "arrange a test drive.",
            brand=ctx.reference.brand,
        )
    else:
        text = ctx.t._(
            "To find your car and your membership, please share your phone number "
            "with the button below. We use it only to recognise you."
        )
    ctx.reply(
        f"{intro}\n\n{text}" if intro else text,
        keyboard=[
            [
                RequestButton(
                    ctx.t.pgettext("button", "📱 Share my phone number"), RequestKind.CONTACT
                )
            ],
            [RequestButton(language_label(ctx))],
        ],
    )
    ctx.set_state("onboard.phone", invited=invited)


def language_picker(ctx: Context, *, edit: bool = False) -> None:
    rows: list[list[Button]] = []
    row: list[Button] = []
    for code in SHIPPED_LOCALES:
        mark = "✓ " if code == ctx.t.code else ""
        row.append(Button(mark + native_language_name(code), make_code("lang", "set", code)))
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    ctx.reply(ctx.t._("Choose your language:"), rows, edit=edit)


@dataclass(frozen=True)
class OwnerChat:
    """How to tell an owner something from someone else's update (a staff action)."""

    owner: Owner
    t: Translator  # the owner's language, with their market's formats
    chat_id: int | None  # their private chat on this channel; None if we can't reach them


async def reach_owner(ctx: Context, owner_id: int) -> OwnerChat | None:
    """The owner's language and private chat, negotiated as for their own updates."""
    owner = await ctx.uow.owners.get(owner_id)
    if owner is None or owner.erased_at is not None:
        return None
    account = await owner_account(ctx.uow, owner_id, ctx.event.channel)
    reachable = account is not None and account.unreachable_at is None
    return OwnerChat(
        owner=owner,
        t=owner_translator(ctx.deps.catalogs, ctx.reference, owner, account),
        chat_id=account.chat_id if reachable and account else None,
    )


def market_translator(ctx: Context, market_code: str) -> Translator:
    """The language a market's staff chats use: the market's default language."""
    market = ctx.reference.markets.get(market_code) or ctx.market
    return ctx.deps.catalogs.translator(market.default_locale, market.code)
