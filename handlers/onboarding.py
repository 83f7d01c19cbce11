"""/start, linking a chat to an owner by the phone they share, and the language picker.
A phone we don't know starts registration (handlers.registration)."""

from __future__ import annotations

import re

from bot.domain.owners import Owner
from bot.domain.phone import display_phone, region_of
from bot.domain.vin import mask_vin
from bot.i18n import SHIPPED_LOCALES, native_language_name
from bot.services.accounts import choose_locale
from bot.services.onboarding import LinkOutcome, link_by_contact, switch_owner
from bot.services.queries.vehicles import vehicles_of
from handlers import referrals_invited
from handlers.codes import BadCode, button
from handlers.codes.onboarding import ChooseLanguage, SwitchOwner
from handlers.common import ask_for_phone, language_label, language_picker, show_main_menu
from handlers.consent import continue_after_link
from handlers.context import Context
from handlers.registration import ask_market, served_countries
from handlers.router import Router
from handlers.states.onboarding import OnboardingStep, PhoneShared, RegistrationStep
from handlers.types import EventKind

router = Router()

_LOOKS_LIKE_PHONE = re.compile(r"^\+?[\d\s\-()]{7,}$")


@router.command("start", needs_owner=False)
async def start(ctx: Context) -> None:
    payload = ctx.event.text.strip()
    if payload and not ctx.account.start_payload:
        ctx.account.start_payload = payload[:64]  # deep links: read by later flows
    invitation = await referrals_invited.link_opened(ctx, payload) if payload else ""
    if ctx.owner is not None:
        show_main_menu(ctx, greeting=ctx.t._("Welcome back, {name}!", name=ctx.owner.display_name))
        return
    greeting = invitation or ctx.t._(
        "Hello! I am the {brand} owners' assistant. Here you can check your points, "
        "book a service, refer friends and get reminders about your car, in your language.",
        brand=ctx.reference.brand,
    )
    invited = bool(invitation) or await referrals_invited.has_pending_invitation(ctx)
    ask_for_phone(ctx, intro=greeting, invited=invited)


@router.state(OnboardingStep.PHONE, needs_owner=False)
async def waiting_for_phone(ctx: Context) -> None:
    event = ctx.event
    if event.kind is EventKind.CONTACT:
        await receive_contact(ctx)
    elif event.kind is EventKind.TEXT and event.text.strip() == language_label(ctx):
        language_picker(ctx)
    elif event.kind is EventKind.TEXT and _LOOKS_LIKE_PHONE.match(event.text.strip()):
        ask_for_phone(
            ctx,
            intro=ctx.t._(
                "For your security I can't take a typed number: please tap the button, "
                "so Telegram confirms the number is yours."
            ),
        )
    else:
        ask_for_phone(ctx)


async def fallback(ctx: Context) -> None:
    """Input no flow expects: a contact links the chat; anything else gets the menu."""
    if ctx.event.kind is EventKind.CONTACT:
        await receive_contact(ctx)
    elif ctx.owner is None:
        ask_for_phone(ctx)
    else:
        show_main_menu(ctx, greeting=ctx.t._("Sorry, I didn't catch that. Here is what I can do:"))


async def unlinked(ctx: Context) -> None:
    """Someone who hasn't linked their chat tried a feature that needs an owner."""
    ask_for_phone(ctx, intro=ctx.t._("First, let's find your car."))


async def receive_contact(ctx: Context) -> None:
    contact = ctx.event.contact
    assert contact is not None
    result = await link_by_contact(
        ctx.uow,
        ctx.reference,
        ctx.account,
        phone=contact.phone,
        contact_user_id=contact.user_id,
        now=ctx.now,
    )
    if result.outcome is LinkOutcome.NOT_OWN_CONTACT:
        ask_for_phone(
            ctx,
            intro=ctx.t._(
                "That is someone else's contact. Please share your own number "
                "with the button below."
            ),
        )
    elif result.outcome is LinkOutcome.INVALID_PHONE:
        ask_for_phone(ctx, intro=ctx.t._("That phone number doesn't look valid."))
    elif result.outcome is LinkOutcome.LINKED:
        assert result.owner is not None
        assert result.phone is not None
        await _linked(ctx, result.owner, result.phone)
    elif result.outcome is LinkOutcome.OTHER_OWNER:
        assert result.phone is not None
        _ask_to_switch(ctx, PhoneShared(phone=result.phone, phone_market=result.phone_market))
    else:
        assert result.phone is not None
        ctx.clear_state()
        shared = PhoneShared(phone=result.phone, phone_market=result.phone_market)
        lead = await referrals_invited.friend_shared_phone(ctx, result.phone)
        if lead is not None:  # invited by an owner: a dealer calls; registering is optional
            ctx.enter(RegistrationStep.FRIEND, shared)
            referrals_invited.welcome_friend(ctx, lead)
            return
        ctx.enter(RegistrationStep.MARKET, shared)
        lines = [
            ctx.t._(
                "I couldn't find a car registered to {phone}. "
                "Let's register you: it takes about a minute.",
                phone=display_phone(result.phone),
            )
        ]
        region = region_of(result.phone)
        if result.phone_market is None and region:  # a number from a country we don't serve
            lines.append(
                ctx.t._(
                    "Your number is from {country}, where the owners' club isn't available "
                    "yet. It is open to owners who drive their car in: {countries}.",
                    country=ctx.t.country(region),
                    countries=ctx.t._(", ").join(ctx.t.country(c) for c in served_countries(ctx)),
                )
            )
        ctx.reply("\n\n".join(lines), remove_keyboard=True)
        ask_market(ctx, preferred=result.phone_market)


async def _linked(ctx: Context, owner: Owner, phone: str) -> None:
    ctx.owner = owner
    ctx.use_locale(ctx.negotiated_locale())
    await referrals_invited.friend_shared_phone(ctx, phone)
    await _welcome_linked(ctx, owner)


# --- a linked chat shares another membership's number ---------------------------------


def _ask_to_switch(ctx: Context, shared: PhoneShared) -> None:
    """The number is the person's own (the platform vouches for it) but belongs to
    another membership: a new phone, or a car registered in a relative's name. Ask
    before the chat stops speaking for the owner it is linked to."""
    assert ctx.owner is not None
    ctx.enter(OnboardingStep.SWITCH, shared)
    ctx.reply(
        ctx.t._(
            "This chat is linked to the membership of {name}. The number {phone} belongs "
            "to another membership. Switch this chat to that one?",
            name=ctx.owner.display_name,
            phone=display_phone(shared.phone),
        ),
        [
            [button(ctx.t.pgettext("button", "🔁 Yes, switch"), SwitchOwner(switch=True))],
            [button(ctx.t.pgettext("button", "✖ No, stay linked"), SwitchOwner(switch=False))],
        ],
        remove_keyboard=True,
    )


@router.on(SwitchOwner)
async def switch_answered(ctx: Context, code: SwitchOwner) -> None:
    if not ctx.in_step(OnboardingStep.SWITCH):
        raise BadCode("no switch was asked")
    shared = ctx.draft(PhoneShared)
    ctx.clear_state()
    owner = (
        await switch_owner(ctx.uow, ctx.account, phone=shared.phone, now=ctx.now)
        if code.switch
        else None
    )
    if owner is None:
        assert ctx.owner is not None
        ctx.reply(
            ctx.t._(
                "Nothing changed: this chat stays linked to the membership of {name}.",
                name=ctx.owner.display_name,
            ),
            edit=True,
        )
        show_main_menu(ctx)
        return
    await _linked(ctx, owner, shared.phone)


async def _welcome_linked(ctx: Context, owner: Owner) -> None:
    ctx.clear_state()
    assert owner.id is not None
    vehicles = await vehicles_of(ctx.uow, owner.id)
    lines = [
        ctx.t._(
            "Welcome, {name}! Your chat is now linked to your membership.", name=owner.display_name
        )
    ]
    for vehicle in vehicles:
        model = ctx.reference.models.get(vehicle.model)
        lines.append(
            ctx.t._(
                "🚗 {model}, VIN {vin}",
                model=model.name if model else vehicle.model,
                vin=mask_vin(vehicle.vin) if vehicle.vin else "—",
            )
        )
    ctx.reply("\n".join(lines), remove_keyboard=True)
    await continue_after_link(ctx)


# --- language -------------------------------------------------------------------


@router.command("language", needs_owner=False)
async def language_command(ctx: Context) -> None:
    language_picker(ctx)


@router.on(ChooseLanguage, needs_owner=False)
async def language_chosen(ctx: Context, code: ChooseLanguage) -> None:
    locale = code.locale
    if locale not in SHIPPED_LOCALES:
        raise BadCode("unknown language")
    choose_locale(ctx.account, ctx.owner, locale)
    ctx.use_locale(locale)
    ctx.reply(ctx.t._("Language: {language}", language=native_language_name(locale)), edit=True)
    if ctx.owner is None:
        ask_for_phone(ctx)
    else:
        show_main_menu(ctx)
