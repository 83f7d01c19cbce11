"""Screens several flows show: the main menu, the phone request, the language picker."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.owners import Owner
from bot.domain.phone import example_international_phone
from bot.i18n import SHIPPED_LOCALES, Translator, native_language_name
from bot.services.accounts import contact_account
from bot.services.queries.owners import owner_by_id
from handlers.codes import button
from handlers.codes.booking import StartBooking
from handlers.codes.drafts import DiscardDraft, ResumeDraft
from handlers.codes.menu import HelpHome, MyCars
from handlers.codes.onboarding import ChooseLanguage
from handlers.codes.points import PointsHome
from handlers.codes.questions import AskDealer
from handlers.codes.referrals import ReferralsHome
from handlers.codes.roadside import RoadsideHome, ValueMyCar
from handlers.codes.settings import SettingsHome
from handlers.codes.stories import ExpertHome, StoryHome
from handlers.context import Context, owner_translator
from handlers.states.onboarding import OnboardingStep, PhoneRequest
from handlers.types import Button, RequestButton, RequestKind


def main_menu_buttons(ctx: Context) -> list[list[Button]]:
    t = ctx.t
    return [
        [
            button(t.pgettext("button", "⭐ Points"), PointsHome()),
            button(t.pgettext("button", "🔧 Book service"), StartBooking()),
        ],
        [
            button(t.pgettext("button", "🤝 Refer a friend"), ReferralsHome()),
            button(t.pgettext("button", "🚗 My car"), MyCars()),
        ],
        [
            button(t.pgettext("button", "🆘 Roadside help"), RoadsideHome()),
            button(t.pgettext("button", "⚙️ Settings"), SettingsHome()),
        ],
        [
            button(t.pgettext("button", "💰 Value my car"), ValueMyCar()),
            button(t.pgettext("button", "💬 Ask the dealer"), AskDealer()),
        ],
        [button(t.pgettext("button", "❓ Help"), HelpHome())],
        [
            button(t.pgettext("button", "📸 Share a story"), StoryHome()),
            button(t.pgettext("button", "🎓 Ask the expert"), ExpertHome()),
        ],
    ]


def short_label(text: str, limit: int = 30) -> str:
    """A button label cut to fit narrow phone screens."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_main_menu(ctx: Context, *, edit: bool = False, greeting: str = "") -> None:
    """The menu; above it, when the chat holds an unfinished draft, the offer to
    continue it or discard it."""
    text = greeting or ctx.t._("What would you like to do?")
    ctx.reply(text, draft_rows(ctx) + main_menu_buttons(ctx), edit=edit)


def draft_rows(ctx: Context) -> list[list[Button]]:
    label = ctx.flows.draft_label(ctx)
    if label is None:
        return []
    return [
        [button(label, ResumeDraft())],
        [button(ctx.t.pgettext("button", "🗑 Discard it"), DiscardDraft(""))],
    ]


def private_chat_pointer(ctx: Context) -> None:
    """In a group: personal things are for the private chat, one tap away."""
    ctx.reply(
        ctx.t._("Let's talk in a private chat, where your details stay yours."),
        [[private_chat_button(ctx)]],
    )


def private_chat_button(ctx: Context, t: Translator | None = None) -> Button:
    """Opens the private chat with the bot (a deep link that says it came from a group)."""
    t = t or ctx.t
    return Button(
        t.pgettext("button", "Open private chat"),
        url=f"https://t.me/{ctx.deps.bot_username}?start=club",
    )


def language_label(ctx: Context) -> str:
    """The reply-keyboard button that opens the language picker during onboarding."""
    return ctx.t.pgettext("button", "🌐 Language")


# Channels whose platform shares no verified phone number (LINE): the number is typed,
# and a known owner's is proven by the VIN's last characters (handlers.onboarding).
TYPED_PHONE_CHANNELS = frozenset({"line"})


def phone_is_typed(ctx: Context) -> bool:
    return ctx.event.channel in TYPED_PHONE_CHANNELS


def ask_for_phone(ctx: Context, intro: str = "", *, invited: bool = False) -> None:
    """Only Telegram's contact button proves the number belongs to the person; where
    the platform shares none, the number is typed and proven later.

    Someone who came through a friend's invitation is told that a dealer will call:
    their number becomes a lead (see handlers.referrals)."""
    # Asked again (a language change, a typed number): still invited if they were.
    invited = invited or (ctx.in_step(OnboardingStep.PHONE) and ctx.draft(PhoneRequest).invited)
    if phone_is_typed(ctx):
        _ask_to_type_phone(ctx, intro, invited=invited)
        return
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
    ctx.enter(OnboardingStep.PHONE, PhoneRequest(invited=invited))


def _ask_to_type_phone(ctx: Context, intro: str, *, invited: bool) -> None:
    example = example_international_phone(ctx.market.code)
    if invited:
        text = ctx.t._(
            "Please type your phone number, for example {example}. If you are already an "
            "{brand} owner, I'll find your car; if not, a dealer near you will call you to "
            "arrange a test drive.",
            example=example,
            brand=ctx.reference.brand,
        )
    else:
        text = ctx.t._(
            "To find your car and your membership, please type your phone number, for "
            "example {example}. We use it only to recognise you.",
            example=example,
        )
    ctx.reply(
        f"{intro}\n\n{text}" if intro else text, keyboard=[[RequestButton(language_label(ctx))]]
    )
    ctx.enter(OnboardingStep.PHONE, PhoneRequest(invited=invited))


def language_picker(ctx: Context, *, edit: bool = False) -> None:
    rows: list[list[Button]] = []
    row: list[Button] = []
    for code in SHIPPED_LOCALES:
        mark = "✓ " if code == ctx.t.code else ""
        row.append(button(mark + native_language_name(code), ChooseLanguage(code)))
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
    chat_id: int | None  # their private chat; None if we can't reach them
    channel: str | None = None  # the channel of that chat; None: the event's

    def tell(self, ctx: Context, text: str, buttons: list[list[Button]] | None = None) -> None:
        """A message to the owner's chat (nothing when they can't be reached)."""
        if self.chat_id is not None:
            ctx.reply(text, buttons, chat_id=self.chat_id, channel=self.channel)


async def reach_owner(ctx: Context, owner_id: int) -> OwnerChat | None:
    """The owner's language and private chat, negotiated as for their own updates: on
    the one channel they are told things on (their choice, else the one used last)."""
    owner = await owner_by_id(ctx.uow, owner_id)
    if owner is None or owner.erased_at is not None:
        return None
    account = await contact_account(ctx.uow, owner, ctx.deps.channels or (ctx.event.channel,))
    reachable = account is not None and account.unreachable_at is None
    return OwnerChat(
        owner=owner,
        t=owner_translator(ctx.deps.catalogs, ctx.reference, owner, account),
        chat_id=account.chat_id if reachable and account else None,
        channel=account.channel if account else None,
    )


def market_translator(ctx: Context, market_code: str) -> Translator:
    """The language a market's staff chats use: the market's default language."""
    market = ctx.reference.markets.get(market_code) or ctx.market
    return ctx.deps.catalogs.translator(market.default_locale, market.code)
