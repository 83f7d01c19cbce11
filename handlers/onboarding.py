"""/start, linking a chat to an owner by phone, registering a new owner, consent."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import parse_date

from bot.domain.owners import ConsentCategory, Owner
from bot.domain.phone import display_phone
from bot.domain.vin import VinError, VinProblem, mask_vin, validate_vin
from bot.i18n import SHIPPED_LOCALES, native_language_name
from bot.services.accounts import choose_locale
from bot.services.consent import set_consent
from bot.services.onboarding import (
    LinkOutcome,
    Registration,
    VinTaken,
    link_by_contact,
    register_owner,
)
from handlers import referrals as referral_flow
from handlers.codes import BadCode, make_code, parse_code
from handlers.common import ask_for_phone, language_label, language_picker, show_main_menu
from handlers.context import Context
from handlers.router import Router
from handlers.types import Button, EventKind

router = Router()

_LOOKS_LIKE_PHONE = re.compile(r"^\+?[\d\s\-()]{7,}$")
_EARLIEST_DELIVERY = date(1990, 1, 1)


@router.command("start", needs_owner=False)
async def start(ctx: Context) -> None:
    payload = ctx.event.text.strip()
    if payload and not ctx.account.start_payload:
        ctx.account.start_payload = payload[:64]  # deep links: read by later flows
    invitation = await referral_flow.link_opened(ctx, payload) if payload else ""
    if ctx.owner is not None:
        show_main_menu(ctx, greeting=ctx.t._("Welcome back, {name}!", name=ctx.owner.display_name))
        return
    greeting = invitation or ctx.t._(
        "Hello! I am the {brand} owners' assistant. Here you can check your points, "
        "book a service, refer friends and get reminders about your car, in your language.",
        brand=ctx.reference.brand,
    )
    invited = bool(invitation) or await referral_flow.has_pending_invitation(ctx)
    ask_for_phone(ctx, intro=greeting, invited=invited)


@router.state("onboard.phone", needs_owner=False)
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
        ctx.owner = result.owner
        ctx.use_locale(ctx.negotiated_locale())
        await referral_flow.friend_shared_phone(ctx, result.phone)
        await _welcome_linked(ctx, result.owner)
    else:
        assert result.phone is not None
        ctx.clear_state()
        lead = await referral_flow.friend_shared_phone(ctx, result.phone)
        if lead is not None:  # invited by an owner: a dealer calls; registering is optional
            ctx.set_state("reg.friend", phone=result.phone, phone_market=result.phone_market)
            referral_flow.welcome_friend(ctx, lead)
            return
        ctx.set_state("reg.market", phone=result.phone, phone_market=result.phone_market)
        ctx.reply(
            ctx.t._(
                "I couldn't find a car registered to {phone}. "
                "Let's register you: it takes about a minute.",
                phone=display_phone(result.phone),
            ),
            remove_keyboard=True,
        )
        _ask_market(ctx, preferred=result.phone_market)


async def _welcome_linked(ctx: Context, owner: Owner) -> None:
    ctx.clear_state()
    assert owner.id is not None
    vehicles = await ctx.uow.vehicles.of_owner(owner.id)
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


async def continue_after_link(ctx: Context) -> None:
    owner = ctx.owner
    assert owner is not None
    await referral_flow.friend_became_owner(ctx)
    if owner.consent_service is None:
        _ask_consent(ctx, ConsentCategory.SERVICE)
    elif owner.consent_marketing is None:
        _ask_consent(ctx, ConsentCategory.MARKETING)
    else:
        show_main_menu(ctx)


# --- registration ---------------------------------------------------------------


def _ask_market(ctx: Context, preferred: str | None) -> None:
    codes = sorted(ctx.reference.markets, key=lambda c: (c != preferred, ctx.t.country(c)))
    rows = [
        [Button(ctx.t.country(code), make_code("reg", "market", code)) for code in codes[i : i + 2]]
        for i in range(0, len(codes), 2)
    ]
    ctx.reply(ctx.t._("In which country do you drive your car?"), rows)


@router.state("reg.market", needs_owner=False)
async def registration_market_typed(ctx: Context) -> None:
    """Typed instead of tapped: the same question again, nothing lost."""
    _ask_market(ctx, preferred=ctx.data.get("phone_market"))


@router.button("reg", needs_owner=False)
async def registration_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    if ctx.owner is not None:
        show_main_menu(ctx, greeting=ctx.t._("You are already registered."))
        return
    if not ctx.state.startswith("reg.") or "phone" not in ctx.data:
        ask_for_phone(ctx, intro=ctx.t._("Let's start again from your phone number."))
        return
    if code.action == "market":
        market = code.arg(0)
        if market not in ctx.reference.markets:
            raise BadCode("unknown market")
        ctx.set_state("reg.name", market=market)
        _ask_name(ctx)
    elif code.action == "begin" and ctx.state == "reg.friend":
        _ask_market(ctx, preferred=ctx.data.get("phone_market"))
    elif code.action == "tgname" and ctx.state == "reg.name":
        _take_name(ctx, ctx.event.first_name)
    elif code.action == "model" and ctx.state == "reg.model":
        model = code.arg(0)
        if model not in ctx.reference.models:
            raise BadCode("unknown model")
        ctx.set_state("reg.delivery", model=model)
        _ask_delivery_date(ctx)
    elif code.action == "nodate" and ctx.state == "reg.delivery":
        await _finish_registration(ctx, None)
    else:
        ctx.toast(ctx.t._("This button is no longer valid."))


def _ask_name(ctx: Context) -> None:
    buttons = []
    if ctx.event.first_name:
        buttons.append(
            [
                Button(
                    ctx.t.pgettext("button", "Use “{name}”", name=ctx.event.first_name[:20]),
                    make_code("reg", "tgname"),
                )
            ]
        )
    ctx.reply(ctx.t._("What is your name? Please write your first and last name."), buttons)


@router.state("reg.name", needs_owner=False)
async def registration_name(ctx: Context) -> None:
    _take_name(ctx, ctx.event.text)


def _take_name(ctx: Context, raw: str) -> None:
    name = " ".join(raw.split())
    if not (1 <= len(name) <= 100) or not any(ch.isalpha() for ch in name):
        ctx.reply(ctx.t._("Please write your name in letters, up to 100 characters."))
        return
    first, _, last = name.partition(" ")
    ctx.set_state("reg.vin", first_name=first, last_name=last)
    ctx.reply(
        ctx.t._(
            "Thank you, {name}. Now the VIN of your car: 17 letters and digits. You'll find "
            "it on your registration card or at the bottom of the windscreen.",
            name=first,
        )
    )


@router.state("reg.vin", needs_owner=False)
async def registration_vin(ctx: Context) -> None:
    market = ctx.reference.market(ctx.data["market"])
    try:
        vin = validate_vin(ctx.event.text, check_digit_required=market.vin_check_digit)
    except VinError as error:
        ctx.reply(_vin_problem(ctx, error))
        return
    if await ctx.uow.vehicles.by_vin(vin) is not None:
        ctx.reply(
            ctx.t._(
                "This VIN is already registered to another owner. If it is your car, "
                "please contact your dealer and we will sort it out."
            )
        )
        return
    ctx.set_state("reg.model", vin=vin)
    _ask_model(ctx)


def _ask_model(ctx: Context) -> None:
    rows = [
        [Button(model.name, make_code("reg", "model", code))]
        for code, model in ctx.reference.models.items()
    ]
    ctx.reply(ctx.t._("Which model is it?"), rows)


@router.state("reg.model", needs_owner=False)
async def registration_model_typed(ctx: Context) -> None:
    """Typed instead of tapped: the same question again, nothing lost."""
    _ask_model(ctx)


def _vin_problem(ctx: Context, error: VinError) -> str:
    t = ctx.t
    if error.problem is VinProblem.LENGTH:
        return t.ngettext(
            "A VIN has 17 characters, but you sent {n} character. Please check it.",
            "A VIN has 17 characters, but you sent {n} characters. Please check it.",
            error.length,
        )
    if error.problem is VinProblem.FORBIDDEN_LETTER:
        return t._(
            "VINs never contain the letters I, O or Q, so they can't be confused with 1 and 0. "
            "Please check the character “{char}”.",
            char=error.character,
        )
    if error.problem is VinProblem.BAD_CHARACTER:
        return t._(
            "A VIN has only Latin letters and digits; “{char}” can't be part of it.",
            char=error.character,
        )
    return t._(
        "This VIN doesn't add up: one character is probably mistyped. "
        "Please compare it with your registration card."
    )


def _ask_delivery_date(ctx: Context) -> None:
    example = ctx.t.date(date(2024, 3, 14), "short")
    ctx.reply(
        ctx.t._(
            "When did you get the car? Send the date, for example {example}.",
            example=example,
        ),
        [[Button(ctx.t.pgettext("button", "I don't remember"), make_code("reg", "nodate"))]],
    )


@router.state("reg.delivery", needs_owner=False)
async def registration_delivery(ctx: Context) -> None:
    market = ctx.reference.market(ctx.data["market"])
    today = ctx.now.astimezone(ZoneInfo(market.timezone)).date()
    parsed = parse_user_date(ctx.event.text, ctx.t.code, today)
    if parsed is None:
        ctx.reply(ctx.t._("I couldn't read that date."))
        _ask_delivery_date(ctx)
        return
    if not (_EARLIEST_DELIVERY <= parsed <= today):
        ctx.reply(ctx.t._("That date is in the future or too long ago. Please check it."))
        return
    await _finish_registration(ctx, parsed)


_BUDDHIST_ERA_OFFSET = 543


def parse_user_date(text: str, locale: str, today: date) -> date | None:
    """ISO dates, or dates in the locale's own short format.

    Thai people often write years in the Buddhist era (2567 = 2024, or "67" for short):
    such years are converted, so 14/3/67 typed in Thai means 14 March 2024.
    """
    text = text.strip()
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        try:
            parsed = parse_date(text, locale=locale)
        except (ValueError, IndexError):
            return None
    if locale == "th" and parsed.year >= 2400:
        return _shift_years(parsed, -_BUDDHIST_ERA_OFFSET)
    if locale == "th" and parsed > today and parsed.year < 2100:
        # Babel read "67" as 2067; in Thailand it is 2567 BE.
        return _shift_years(parsed, 500 - _BUDDHIST_ERA_OFFSET)
    return parsed


def _shift_years(value: date, years: int) -> date | None:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February in a year without one
        return None


async def _finish_registration(ctx: Context, delivered: date | None) -> None:
    data = ctx.data
    form = Registration(
        market=data["market"],
        first_name=data["first_name"],
        last_name=data.get("last_name", ""),
        phone=data["phone"],
        vin=data["vin"],
        model=data["model"],
        model_year=delivered.year if delivered else None,
        delivery_date=delivered,
        locale=ctx.account.locale,
        locale_in_use=ctx.t.code,
    )
    try:
        owner = await register_owner(ctx.uow, ctx.account, form, ctx.now)
    except VinTaken:
        ctx.set_state("reg.vin")
        ctx.reply(ctx.t._("This VIN was registered a moment ago by someone else. Please check it."))
        return
    ctx.owner = owner
    ctx.clear_state()
    ctx.reply(ctx.t._("Done! Welcome to the {brand} owners' club.", brand=ctx.reference.brand))
    await continue_after_link(ctx)


# --- consent ----------------------------------------------------------------------


def _ask_consent(ctx: Context, category: ConsentCategory, *, edit: bool = False) -> None:
    t = ctx.t
    if category is ConsentCategory.SERVICE:
        text = t._(
            "May we send you service messages: maintenance reminders, booking updates and a "
            "short survey after a visit? Safety recall notices always reach you, whatever "
            "you choose."
        )
        key = "svc"
    else:
        text = t._(
            "And may we send you news, offers and member events? At most one a day, and "
            "you can stop them any time with /stop."
        )
        key = "mkt"
    ctx.reply(
        text,
        [
            [
                Button(t.pgettext("button", "Yes, please"), make_code("cs", key, "y")),
                Button(t.pgettext("button", "No, thanks"), make_code("cs", key, "n")),
            ]
        ],
        edit=edit,
    )


@router.button("cs")
async def consent_answer(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    owner = ctx.owner
    assert owner is not None
    categories = {"svc": ConsentCategory.SERVICE, "mkt": ConsentCategory.MARKETING}
    if code.action not in categories or code.arg(0) not in ("y", "n"):
        raise BadCode("unknown consent answer")
    category = categories[code.action]
    granted = code.arg(0) == "y"
    first_answer = (
        owner.consent_service if category is ConsentCategory.SERVICE else owner.consent_marketing
    ) is None
    await set_consent(ctx.uow, owner, category, granted, channel=ctx.event.channel, now=ctx.now)
    if category is ConsentCategory.SERVICE and owner.consent_marketing is None:
        _ask_consent(ctx, ConsentCategory.MARKETING, edit=True)
    elif first_answer:
        ctx.reply(
            ctx.t._("Thank you, all set. You can change this any time in Settings."), edit=True
        )
        show_main_menu(ctx)
    else:
        ctx.toast(ctx.t._("Saved."))


# --- language -------------------------------------------------------------------


@router.command("language", needs_owner=False)
async def language_command(ctx: Context) -> None:
    language_picker(ctx)


@router.button("lang", needs_owner=False)
async def language_chosen(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    locale = code.arg(0)
    if code.action != "set" or locale not in SHIPPED_LOCALES:
        raise BadCode("unknown language")
    choose_locale(ctx.account, ctx.owner, locale)
    ctx.use_locale(locale)
    ctx.reply(ctx.t._("Language: {language}", language=native_language_name(locale)), edit=True)
    if ctx.owner is None:
        ask_for_phone(ctx)
    else:
        show_main_menu(ctx)
