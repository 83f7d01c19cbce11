"""/start, linking a chat to an owner by the phone they share, and the language picker.
A phone we don't know starts registration (handlers.registration)."""

from __future__ import annotations

import re
from datetime import datetime

from bot.domain.linking import well_formed_tail
from bot.domain.owners import Owner
from bot.domain.phone import display_phone, region_of
from bot.domain.vin import mask_vin
from bot.i18n import SHIPPED_LOCALES, native_language_name
from bot.services.accounts import choose_locale
from bot.services.onboarding import LinkOutcome, link_by_contact, switch_owner
from bot.services.phone_proof import (
    ProofOutcome,
    can_prove,
    lockout,
    prove_by_vin_tail,
    read_typed_phone,
)
from bot.services.queries.vehicles import vehicles_of
from handlers import events_staff, referrals_invited
from handlers.codes import BadCode, button
from handlers.codes.onboarding import ChooseLanguage, SwitchOwner
from handlers.common import (
    ask_for_phone,
    language_label,
    language_picker,
    phone_is_typed,
    show_main_menu,
)
from handlers.consent import continue_after_link
from handlers.context import Context
from handlers.events import CHECKIN_PAYLOAD
from handlers.registration import ask_market, served_countries
from handlers.router import Router
from handlers.states.onboarding import (
    OnboardingStep,
    PhoneRequest,
    PhoneShared,
    RegistrationStep,
)
from handlers.types import Contact, EventKind

router = Router()

_LOOKS_LIKE_PHONE = re.compile(r"^\+?[\d\s\-()]{7,}$")


@router.command("start", needs_owner=False)
async def start(ctx: Context) -> None:
    payload = ctx.event.text.strip()
    if payload.startswith(CHECKIN_PAYLOAD):  # staff scanned an owner's ticket
        await events_staff.check_in_scanned(ctx, payload.removeprefix(CHECKIN_PAYLOAD))
        return
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


@router.reask(OnboardingStep.PHONE, needs_owner=False)
async def ask_phone_again(ctx: Context) -> None:
    ask_for_phone(ctx)


@router.state(OnboardingStep.PHONE, needs_owner=False)
async def waiting_for_phone(ctx: Context) -> None:
    event = ctx.event
    if event.kind is EventKind.CONTACT:
        await receive_contact(ctx)
    elif event.kind is EventKind.TEXT and event.text.strip() == language_label(ctx):
        language_picker(ctx)
    elif event.kind is EventKind.TEXT and phone_is_typed(ctx):
        await phone_typed(ctx)
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
    """Someone who hasn't linked their chat tried a feature that needs an owner: in
    the middle of registering, that comes first; else the phone."""
    if ctx.flows.draft_label(ctx) is not None:
        ctx.reply(ctx.t._("First, let's finish registering your car."))
        if await ctx.flows.reask(ctx):
            return
    ask_for_phone(ctx, intro=ctx.t._("First, let's find your car."))


async def link_verified_phone(ctx: Context) -> bool:
    """A platform that has verified the sender's number (WhatsApp) links the chat at
    the first message, as if they had shared their own contact: a known owner is
    welcomed in their language, an unknown number starts registration. Someone
    already registering (or invited, or asked to switch) goes on with that."""
    event = ctx.event
    if not event.is_private or (ctx.state and not ctx.in_step(OnboardingStep.PHONE)):
        return False
    await receive_contact(ctx, Contact(event.verified_phone, event.user_id))
    return True


async def receive_contact(ctx: Context, contact: Contact | None = None) -> None:
    contact = contact or ctx.event.contact
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
        await _unknown_phone(ctx, PhoneShared(phone=result.phone, phone_market=result.phone_market))


async def _unknown_phone(ctx: Context, shared: PhoneShared) -> None:
    """A number no owner has: an invited friend's lead, or a new owner registering."""
    ctx.clear_state()
    _speak_the_numbers_language(ctx, shared.phone_market)
    lead = await referrals_invited.friend_shared_phone(ctx, shared.phone)
    if lead is not None:  # invited by an owner: a dealer calls; registering is optional
        ctx.enter(RegistrationStep.FRIEND, shared)
        referrals_invited.welcome_friend(ctx, lead)
        return
    ctx.enter(RegistrationStep.MARKET, shared)
    lines = [
        ctx.t._(
            "I couldn't find a car registered to {phone}. "
            "Let's register you: it takes about a minute.",
            phone=display_phone(shared.phone),
        )
    ]
    region = region_of(shared.phone)
    if shared.phone_market is None and region:  # a number from a country we don't serve
        lines.append(
            ctx.t._(
                "Your number is from {country}, where the owners' club isn't available "
                "yet. It is open to owners who drive their car in: {countries}.",
                country=ctx.t.country(region),
                countries=ctx.t._(", ").join(ctx.t.country(c) for c in served_countries(ctx)),
            )
        )
    ctx.reply("\n\n".join(lines), remove_keyboard=True)
    ask_market(ctx, preferred=shared.phone_market)


def _speak_the_numbers_language(ctx: Context, market_code: str | None) -> None:
    """A newcomer whose client names no language (WhatsApp) hears the language of the
    country their number is from, unless they chose one."""
    market = ctx.reference.markets.get(market_code or "")
    if market is not None and not ctx.event.language_code and not ctx.account.locale:
        ctx.use_locale(market.default_locale)


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


@router.reask(OnboardingStep.SWITCH)
async def ask_to_switch_again(ctx: Context) -> None:
    _ask_to_switch(ctx, ctx.draft(PhoneShared))


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


# --- a typed number, proven by the VIN (platforms that share no phone: LINE) -------------


async def phone_typed(ctx: Context) -> None:
    typed = await read_typed_phone(ctx.uow, ctx.reference, ctx.event.text, ctx.market.code)
    if typed.phone is None:
        ask_for_phone(ctx, intro=ctx.t._("That phone number doesn't look valid."))
        return
    shared = PhoneShared(phone=typed.phone, phone_market=typed.market)
    owner = typed.owner
    if owner is None or owner.id is None:
        await _unknown_phone(ctx, shared)
        return
    if ctx.owner is not None and ctx.owner.id == owner.id:
        show_main_menu(ctx, greeting=ctx.t._("You are already registered."))
        return
    if not await can_prove(ctx.uow, owner):
        ctx.clear_state()
        ctx.reply(_ask_the_dealer(ctx))
        return
    until = await lockout(
        ctx.uow,
        channel=ctx.event.channel,
        user_id=ctx.event.user_id,
        owner_id=owner.id,
        now=ctx.now,
    )
    if until is not None:
        ctx.reply(_locked_out(ctx, until))  # still waiting for a number: another may do
        return
    ctx.enter(OnboardingStep.PROVE, shared)
    _ask_vin_tail(ctx, shared.phone)


def _ask_vin_tail(ctx: Context, phone: str) -> None:
    ctx.reply(
        ctx.t._(
            "To make sure the membership of {phone} is yours, please send the last 6 "
            "characters of your car's VIN. You'll find it on your registration card or at "
            "the bottom of the windscreen.",
            phone=display_phone(phone),
        )
    )


@router.reask(OnboardingStep.PROVE, needs_owner=False)
async def ask_vin_tail_again(ctx: Context) -> None:
    _ask_vin_tail(ctx, ctx.draft(PhoneShared).phone)


@router.state(OnboardingStep.PROVE, needs_owner=False)
async def vin_tail_given(ctx: Context) -> None:
    shared = ctx.draft(PhoneShared)
    answer = ctx.event.text
    if ctx.event.kind is not EventKind.TEXT or not well_formed_tail(answer):
        ctx.reply(ctx.t._("Please send exactly the last 6 letters and digits of the VIN."))
        return
    result = await prove_by_vin_tail(
        ctx.uow, ctx.account, phone=shared.phone, answer=answer, now=ctx.now
    )
    if result.outcome is ProofOutcome.LINKED:
        assert result.owner is not None
        await _linked(ctx, result.owner, shared.phone)
    elif result.outcome is ProofOutcome.WRONG:
        ctx.reply(
            ctx.t.ngettext(
                "That doesn't match the VIN on file. You have {n} attempt left.",
                "That doesn't match the VIN on file. You have {n} attempts left.",
                result.attempts_left,
            )
        )
    elif result.outcome is ProofOutcome.LOCKED:
        assert result.locked_until is not None
        ctx.enter(OnboardingStep.PHONE, PhoneRequest())
        ctx.reply(_locked_out(ctx, result.locked_until))
    elif result.outcome is ProofOutcome.NO_VIN:
        ctx.clear_state()
        ctx.reply(_ask_the_dealer(ctx))
    else:
        ask_for_phone(ctx)


def _locked_out(ctx: Context, until: datetime) -> str:
    return ctx.t._(
        "Too many wrong answers. For your security, linking this membership is paused "
        "until {time}. Your dealer can link your chat sooner.",
        time=ctx.t.datetime(until, ctx.market.timezone, "short"),
    )


def _ask_the_dealer(ctx: Context) -> str:
    return ctx.t._(
        "We have no VIN on file for this membership, so I can't check it here. Please ask "
        "your dealer to link your chat."
    )


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
    if await ctx.flows.reask(ctx):  # in the middle of a flow: its step, in the new language
        return
    if ctx.owner is None:
        ask_for_phone(ctx)
    else:
        show_main_menu(ctx)
