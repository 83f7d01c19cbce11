"""Registering a new owner whose phone we did not find: country, name, VIN, model,
delivery date."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import parse_date

from bot.domain.vin import VinError, VinProblem, model_from_vin, validate_vin
from bot.services.onboarding import Registration, VinTaken, register_owner
from bot.services.queries.vehicles import vin_registered
from handlers.codes import BadCode, button
from handlers.codes.onboarding import (
    NoDeliveryDate,
    RegisterMyCar,
    RegistrationMarket,
    RegistrationModel,
    UseTelegramName,
)
from handlers.common import ask_for_phone, show_main_menu
from handlers.consent import continue_after_link
from handlers.context import Context
from handlers.referrals_invited import offer_registration
from handlers.router import Draft, Router
from handlers.states.onboarding import (
    MarketChosen,
    ModelChosen,
    NameGiven,
    PhoneShared,
    RegistrationStep,
    VinGiven,
)
from handlers.typed import take_typed_choice

router = Router()

REGISTRATION = Draft(lambda ctx: ctx.t.pgettext("button", "↩️ Continue registration"))

_EARLIEST_DELIVERY = date(1990, 1, 1)


def served_countries(ctx: Context) -> list[str]:
    """The markets' codes in the order the owner's language sorts their names."""
    return sorted(ctx.reference.markets, key=lambda c: ctx.t.sort_key(ctx.t.country(c)))


def ask_market(ctx: Context, preferred: str | None) -> None:
    codes = sorted(served_countries(ctx), key=lambda c: c != preferred)  # stable: sorted
    rows = [
        [button(ctx.t.country(code), RegistrationMarket(code)) for code in codes[i : i + 2]]
        for i in range(0, len(codes), 2)
    ]
    ctx.reply(ctx.t._("In which country do you drive your car?"), rows)


def _registering(ctx: Context, *steps: StrEnum) -> bool:
    """Whether a registration button still fits: the chat is registering and, if
    `steps` are given, stands at one of them. Otherwise says why and returns False."""
    if ctx.owner is not None:
        show_main_menu(ctx, greeting=ctx.t._("You are already registered."))
        return False
    if not ctx.in_step(*RegistrationStep):
        ask_for_phone(ctx, intro=ctx.t._("Let's start again from your phone number."))
        return False
    if steps and not ctx.in_step(*steps):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return False
    return True


@router.reask(RegistrationStep.FRIEND, needs_owner=False)
async def reask_friend(ctx: Context) -> None:
    offer_registration(ctx)


@router.reask(RegistrationStep.MARKET, draft=REGISTRATION, needs_owner=False)
async def reask_market(ctx: Context) -> None:
    ask_market(ctx, preferred=ctx.draft(PhoneShared).phone_market)


@router.state(RegistrationStep.MARKET, needs_owner=False)
async def registration_market_typed(ctx: Context) -> None:
    """A country typed instead of tapped: in the owner's language, or its code."""
    english = ctx.deps.catalogs.translator("en")
    await take_typed_choice(
        ctx,
        aliases={
            RegistrationMarket(code).pack(): (code, english.country(code))
            for code in ctx.reference.markets
        },
    )


@router.on(RegisterMyCar, needs_owner=False)
async def register_my_car(ctx: Context, _code: RegisterMyCar) -> None:
    if _registering(ctx, RegistrationStep.FRIEND):
        ask_market(ctx, preferred=ctx.draft(PhoneShared).phone_market)


@router.on(RegistrationMarket, needs_owner=False)
async def market_chosen(ctx: Context, code: RegistrationMarket) -> None:
    if not _registering(ctx):
        return
    if code.market not in ctx.reference.markets:
        raise BadCode("unknown market")
    shared = ctx.draft(PhoneShared)
    ctx.enter(
        RegistrationStep.NAME,
        MarketChosen(phone=shared.phone, phone_market=shared.phone_market, market=code.market),
    )
    _ask_name(ctx)


@router.reask(RegistrationStep.NAME, draft=REGISTRATION, needs_owner=False)
async def reask_name(ctx: Context) -> None:
    _ask_name(ctx)


def _ask_name(ctx: Context) -> None:
    buttons = []
    if ctx.event.first_name:
        buttons.append(
            [
                button(
                    ctx.t.pgettext("button", "Use “{name}”", name=ctx.event.first_name[:20]),
                    UseTelegramName(),
                )
            ]
        )
    ctx.reply(ctx.t._("What is your name? Please write your first and last name."), buttons)


@router.on(UseTelegramName, needs_owner=False)
async def use_telegram_name(ctx: Context, _code: UseTelegramName) -> None:
    if _registering(ctx, RegistrationStep.NAME):
        _take_name(ctx, ctx.event.first_name)


@router.state(RegistrationStep.NAME, needs_owner=False)
async def registration_name(ctx: Context) -> None:
    _take_name(ctx, ctx.event.text)


def _take_name(ctx: Context, raw: str) -> None:
    name = " ".join(raw.split())
    if not (1 <= len(name) <= 100) or not any(ch.isalpha() for ch in name):
        ctx.reply(ctx.t._("Please write your name in letters, up to 100 characters."))
        _ask_name(ctx)
        return
    first, _, last = name.partition(" ")
    draft = ctx.draft(MarketChosen)
    ctx.enter(RegistrationStep.VIN, NameGiven(**vars(draft), first_name=first, last_name=last))
    _ask_vin(ctx, first)


@router.reask(RegistrationStep.VIN, draft=REGISTRATION, needs_owner=False)
async def reask_vin(ctx: Context) -> None:
    _ask_vin(ctx, ctx.draft(NameGiven).first_name)


def _ask_vin(ctx: Context, first_name: str) -> None:
    ctx.reply(
        ctx.t._(
            "Thank you, {name}. Now the VIN of your car: 17 letters and digits. You'll find "
            "it on your registration card or at the bottom of the windscreen.",
            name=first_name,
        )
    )


@router.state(RegistrationStep.VIN, needs_owner=False)
async def registration_vin(ctx: Context) -> None:
    draft = ctx.draft(NameGiven)
    market = ctx.reference.market(draft.market)
    try:
        vin = validate_vin(ctx.event.text, check_digit_required=market.vin_check_digit)
    except VinError as error:
        ctx.reply(_vin_problem(ctx, error))
        return
    if await vin_registered(ctx.uow, vin):
        ctx.reply(
            ctx.t._(
                "This VIN is already registered to another owner. If it is your car, "
                "please contact your dealer and we will sort it out."
            )
        )
        return
    given = VinGiven(**vars(draft), vin=vin)
    model = model_from_vin(vin, ctx.reference.vin_prefixes, ctx.reference.model_codes_in_vins())
    if model is not None:  # the VIN tells the model: don't ask it
        ctx.reply(ctx.t._("Your VIN says: {model}.", model=ctx.reference.models[model].name))
        ctx.enter(RegistrationStep.DELIVERY, ModelChosen(**vars(given), model=model))
        _ask_delivery_date(ctx)
        return
    ctx.enter(RegistrationStep.MODEL, given)
    _ask_model(ctx)


@router.reask(RegistrationStep.MODEL, draft=REGISTRATION, needs_owner=False)
async def reask_model(ctx: Context) -> None:
    _ask_model(ctx)


def _ask_model(ctx: Context) -> None:
    rows = [
        [button(model.name, RegistrationModel(code))]
        for code, model in ctx.reference.models.items()
    ]
    ctx.reply(ctx.t._("Which model is it?"), rows)


@router.state(RegistrationStep.MODEL, needs_owner=False)
async def registration_model_typed(ctx: Context) -> None:
    """A model typed instead of tapped: its name or its code."""
    await take_typed_choice(
        ctx, aliases={RegistrationModel(code).pack(): (code,) for code in ctx.reference.models}
    )


@router.on(RegistrationModel, needs_owner=False)
async def model_chosen(ctx: Context, code: RegistrationModel) -> None:
    if not _registering(ctx, RegistrationStep.MODEL):
        return
    if code.model not in ctx.reference.models:
        raise BadCode("unknown model")
    draft = ctx.draft(VinGiven)
    ctx.enter(RegistrationStep.DELIVERY, ModelChosen(**vars(draft), model=code.model))
    _ask_delivery_date(ctx)


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


@router.reask(RegistrationStep.DELIVERY, draft=REGISTRATION, needs_owner=False)
async def reask_delivery_date(ctx: Context) -> None:
    _ask_delivery_date(ctx)


def _ask_delivery_date(ctx: Context) -> None:
    example = ctx.t.date(date(2024, 3, 14), "short")
    ctx.reply(
        ctx.t._(
            "When did you get the car? Send the date, for example {example}.",
            example=example,
        ),
        [[button(ctx.t.pgettext("button", "I don't remember"), NoDeliveryDate())]],
    )


@router.on(NoDeliveryDate, needs_owner=False)
async def no_delivery_date(ctx: Context, _code: NoDeliveryDate) -> None:
    if _registering(ctx, RegistrationStep.DELIVERY):
        await _finish_registration(ctx, ctx.draft(ModelChosen), None)


@router.state(RegistrationStep.DELIVERY, needs_owner=False)
async def registration_delivery(ctx: Context) -> None:
    draft = ctx.draft(ModelChosen)
    market = ctx.reference.market(draft.market)
    today = ctx.now.astimezone(ZoneInfo(market.timezone)).date()
    parsed = parse_user_date(ctx.event.text, str(ctx.t.locale), today)
    if parsed is None:
        # "I don't remember", typed instead of tapped, is the step's button.
        await take_typed_choice(ctx, hint=ctx.t._("I couldn't read that date."))
        return
    if not (_EARLIEST_DELIVERY <= parsed <= today):
        ctx.reply(ctx.t._("That date is in the future or too long ago. Please check it."))
        _ask_delivery_date(ctx)
        return
    await _finish_registration(ctx, draft, parsed)


_BUDDHIST_ERA_OFFSET = 543


def parse_user_date(text: str, locale: str, today: date) -> date | None:
    """ISO dates, or dates in the short format of `locale`, the formatting locale of
    the market (en_GB reads 14/03/2024 day first, as its example shows).

    Thai people write years in the Buddhist era (2567 = 2024, or "67" for short), as
    the example shows them: such years are converted, so 14/3/67 typed in Thai means
    14 March 2024.
    """
    text = text.strip()
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        try:
            parsed = parse_date(text, locale=locale)
        except (ValueError, IndexError):
            return None
    thai = Locale.parse(locale).language == "th"
    if thai and parsed.year >= 2400:
        return _shift_years(parsed, -_BUDDHIST_ERA_OFFSET)
    if thai and parsed > today and parsed.year < 2100:
        # Babel read "67" as 2067; in Thailand it is 2567 BE.
        return _shift_years(parsed, 500 - _BUDDHIST_ERA_OFFSET)
    return parsed


def _shift_years(value: date, years: int) -> date | None:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February in a year without one
        return None


async def _finish_registration(ctx: Context, draft: ModelChosen, delivered: date | None) -> None:
    form = Registration(
        market=draft.market,
        first_name=draft.first_name,
        last_name=draft.last_name,
        phone=draft.phone,
        vin=draft.vin,
        model=draft.model,
        model_year=delivered.year if delivered else None,
        delivery_date=delivered,
        locale=ctx.account.locale,
        locale_in_use=ctx.t.code,
    )
    try:
        owner = await register_owner(ctx.uow, ctx.account, form, ctx.now)
    except VinTaken:
        ctx.enter(RegistrationStep.VIN, draft)
        ctx.reply(ctx.t._("This VIN was registered a moment ago by someone else. Please check it."))
        return
    ctx.owner = owner
    ctx.clear_state()
    ctx.reply(ctx.t._("Done! Welcome to the {brand} owners' club.", brand=ctx.reference.brand))
    await continue_after_link(ctx)
