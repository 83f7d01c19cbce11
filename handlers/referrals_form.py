"""Recommending a friend in chat: name, phone, model, dealer, and the friend's consent
to be contacted; the lead then goes to the dealer's staff."""

from __future__ import annotations

from bot.domain.geo import distance_km
from bot.domain.owners import Owner
from bot.domain.phone import PhoneError, PhoneProblem, display_phone, example_phone, normalize_phone
from bot.domain.reference import Dealer
from bot.domain.referrals import Refusal
from bot.services import referrals
from bot.services.queries.referrals import own_dealer
from bot.services.referrals import FriendForm, Refused
from bot.services.staff import actor_id
from handlers.codes import BadCode, button
from handlers.codes.referrals import (
    FriendAgreed,
    FriendDealer,
    FriendModel,
    FriendModelUndecided,
    FriendNotAskedYet,
    MyReferrals,
    RecommendFriend,
    StopRecommending,
)
from handlers.common import short_label
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.referrals_staff import post_lead
from handlers.referrals_texts import first_name, no_reward_explanation, refusal_text
from handlers.router import Draft, Router
from handlers.states import StaleState
from handlers.states.referrals import (
    FriendDealerChosen,
    FriendModelChosen,
    FriendNamed,
    FriendPhone,
    FriendStep,
)
from handlers.typed import pressed_by_name, take_typed_choice
from handlers.types import Button, EventKind

router = Router()

RECOMMENDATION = Draft(lambda ctx: ctx.t.pgettext("button", "↩️ Continue your recommendation"))


def _cancel_row(ctx: Context) -> list[Button]:
    return [button(ctx.t.pgettext("button", "Cancel"), StopRecommending())]


def _owner(ctx: Context) -> Owner:
    assert ctx.owner is not None
    return ctx.owner


def _at(ctx: Context, step: FriendStep) -> bool:
    """A button of `step` pressed while the chat stands there; else it is stale."""
    if ctx.in_step(step):
        return True
    ctx.toast(ctx.t._("This button is no longer valid."))
    return False


@router.on(RecommendFriend)
async def start_submission(ctx: Context, _code: RecommendFriend) -> None:
    owner = _owner(ctx)
    refused = await referrals.submissions_refused(ctx.uow, ctx.reference, owner, ctx.now)
    if refused is not None:
        ctx.reply(refusal_text(ctx.t, refused), [back_to_menu(ctx)], edit=True)
        return
    ctx.enter(FriendStep.NAME)
    _ask_name(ctx, edit=True)


@router.reask(FriendStep.NAME, draft=RECOMMENDATION)
async def reask_name(ctx: Context) -> None:
    _ask_name(ctx, edit=False)


def _ask_name(ctx: Context, *, edit: bool) -> None:
    ctx.reply(ctx.t._("What is your friend's name?"), [_cancel_row(ctx)], edit=edit)


@router.on(StopRecommending)
async def stop_submission(ctx: Context, _code: StopRecommending) -> None:
    ctx.clear_state()
    ctx.reply(ctx.t._("Nothing was saved."), [back_to_menu(ctx)], edit=True)


@router.state(FriendStep.NAME)
async def friend_name(ctx: Context) -> None:
    if await pressed_by_name(ctx):  # "Cancel", typed
        return
    name = " ".join(ctx.event.text.split())
    if (
        ctx.event.kind is not EventKind.TEXT
        or not (1 <= len(name) <= 100)
        or not any(ch.isalpha() for ch in name)
    ):
        ctx.reply(ctx.t._("Please write your friend's name in letters, up to 100 characters."))
        _ask_name(ctx, edit=False)
        return
    ctx.enter(FriendStep.PHONE, FriendNamed(name=name))
    _ask_phone(ctx, name)


@router.reask(FriendStep.PHONE, draft=RECOMMENDATION)
async def reask_phone(ctx: Context) -> None:
    _ask_phone(ctx, ctx.draft(FriendNamed).name)


def _ask_phone(ctx: Context, name: str) -> None:
    ctx.reply(
        ctx.t._(
            "What is {name}'s mobile number? For example {example} ({country}). "
            "You can also share their contact.",
            name=first_name(name),
            country=ctx.t.country(ctx.market.code),
            example=example_phone(ctx.market.phone_region),
        ),
        [_cancel_row(ctx)],
    )


@router.state(FriendStep.PHONE)
async def friend_phone(ctx: Context) -> None:
    event, t = ctx.event, ctx.t
    draft = ctx.draft(FriendNamed)
    if await pressed_by_name(ctx):  # "Cancel", typed
        return
    if event.kind is EventKind.CONTACT and event.contact is not None:
        raw = event.contact.phone
        raw = raw if raw.startswith("+") else "+" + raw
        if event.contact.user_id == event.user_id:
            ctx.clear_state()
            ctx.reply(refusal_text(t, Refusal.SELF_PHONE), [back_to_menu(ctx)])
            return
    elif event.kind is EventKind.TEXT:
        raw = event.text
    else:
        _ask_phone(ctx, draft.name)
        return
    region = ctx.market.phone_region
    try:
        phone = normalize_phone(raw, region, require_region=True, require_mobile=True)
    except PhoneError as error:
        country = t.country(ctx.market.code)
        if error.problem is PhoneProblem.LANDLINE:
            text = t._(
                "That is a landline number. The dealer calls and texts friends on their "
                "mobile: please send {name}'s mobile number, for example {example} ({country}).",
                name=first_name(draft.name),
                country=country,
                example=example_phone(region),
            )
        elif error.problem is PhoneProblem.WRONG_REGION:
            text = t._(
                "That number is from another country. Here you can recommend friends with a "
                "local number ({country}), so their local dealer can call them.",
                country=country,
            )
        else:
            text = t._(
                "That doesn't look like a mobile number. Please check it, for example "
                "{example} ({country}).",
                country=country,
                example=example_phone(region),
            )
        ctx.reply(text, [_cancel_row(ctx)])
        return
    if phone == _owner(ctx).phone:
        ctx.clear_state()
        ctx.reply(refusal_text(t, Refusal.SELF_PHONE), [back_to_menu(ctx)])
        return
    ctx.enter(FriendStep.MODEL, FriendPhone(name=draft.name, phone=phone))
    _ask_model(ctx, draft.name)


@router.reask(FriendStep.MODEL, draft=RECOMMENDATION)
async def reask_model(ctx: Context) -> None:
    _ask_model(ctx, ctx.draft(FriendPhone).name)


def _ask_model(ctx: Context, name: str) -> None:
    t = ctx.t
    rows = [[button(model.name, FriendModel(code))] for code, model in ctx.reference.models.items()]
    rows.append([button(t.pgettext("button", "Not sure yet"), FriendModelUndecided())])
    rows.append(_cancel_row(ctx))
    ctx.reply(t._("Which model is {name} interested in?", name=first_name(name)), rows)


@router.state(FriendStep.MODEL)
async def model_typed(ctx: Context) -> None:
    """A model typed instead of tapped: its name or its code."""
    await take_typed_choice(
        ctx, aliases={FriendModel(code).pack(): (code,) for code in ctx.reference.models}
    )


@router.on(FriendModel)
async def model_chosen(ctx: Context, code: FriendModel) -> None:
    if not _at(ctx, FriendStep.MODEL):
        return
    if code.model not in ctx.reference.models:
        raise BadCode("unknown model")
    await _take_model(ctx, code.model)


@router.on(FriendModelUndecided)
async def model_undecided(ctx: Context, _code: FriendModelUndecided) -> None:
    if _at(ctx, FriendStep.MODEL):
        await _take_model(ctx, None)


async def _nearest_first(ctx: Context) -> list[Dealer]:
    """The market's dealers, nearest first to the owner's own dealer (where they bought
    or service their car: the one place we know they go; we keep no one's location),
    then in the order the owner's language sorts their names."""
    dealers = ctx.reference.dealers_in(ctx.market.code)
    own = ctx.reference.dealers.get(await own_dealer(ctx.uow, _owner(ctx).id or 0) or "")
    if own is None or own.market != ctx.market.code:
        return sorted(dealers, key=lambda d: ctx.t.sort_key(d.name))
    return sorted(
        dealers,
        key=lambda d: (
            distance_km(own.latitude, own.longitude, d.latitude, d.longitude),
            ctx.t.sort_key(d.name),
        ),
    )


async def _take_model(ctx: Context, model: str | None) -> None:
    draft = FriendModelChosen(**vars(ctx.draft(FriendPhone)), model=model)
    ctx.enter(FriendStep.DEALER, draft)
    await _ask_dealer(ctx, draft)


@router.reask(FriendStep.DEALER, draft=RECOMMENDATION)
async def reask_dealer(ctx: Context) -> None:
    await _ask_dealer(ctx, ctx.draft(FriendModelChosen))


async def _ask_dealer(ctx: Context, draft: FriendModelChosen) -> None:
    dealers = await _nearest_first(ctx)
    rows = [[button(short_label(f"{d.name}"), FriendDealer(d.code))] for d in dealers]
    rows.append(_cancel_row(ctx))
    ctx.reply(
        ctx.t._(
            "Which dealer should contact {name}?",
            name=first_name(draft.name),
        ),
        rows,
        edit=True,
    )


@router.state(FriendStep.DEALER)
async def dealer_typed(ctx: Context) -> None:
    """A dealer typed instead of tapped: its name or its city."""
    await take_typed_choice(
        ctx,
        aliases={
            FriendDealer(d.code).pack(): (d.name, d.city)
            for d in ctx.reference.dealers_in(ctx.market.code)
        },
    )


@router.on(FriendDealer)
async def dealer_chosen(ctx: Context, code: FriendDealer) -> None:
    if not _at(ctx, FriendStep.DEALER):
        return
    dealer = ctx.reference.dealers.get(code.dealer)
    if dealer is None or dealer.market != ctx.market.code:
        raise BadCode("no such dealer in the owner's market")
    draft = FriendDealerChosen(**vars(ctx.draft(FriendModelChosen)), dealer=dealer.code)
    ctx.enter(FriendStep.CONSENT, draft)
    _ask_consent(ctx, draft)


@router.reask(FriendStep.CONSENT, draft=RECOMMENDATION)
async def reask_consent(ctx: Context) -> None:
    _ask_consent(ctx, ctx.draft(FriendDealerChosen))


def _ask_consent(ctx: Context, draft: FriendDealerChosen) -> None:
    t = ctx.t
    dealer = ctx.reference.dealers.get(draft.dealer)
    if dealer is None:
        raise StaleState(f"no dealer {draft.dealer}")
    model = ctx.reference.models.get(draft.model or "")
    lines = [
        t._("Please check:"),
        t._("Friend: {name}", name=draft.name),
        t._("Phone: {phone}", phone=display_phone(draft.phone)),
        t._("Model: {model}", model=model.name if model else t._("not decided yet")),
        t._("Dealer: {dealer}", dealer=dealer.name),
        "",
        t._(
            "Has {name} agreed that {dealer} may contact them?",
            name=first_name(draft.name),
            dealer=dealer.name,
        ),
    ]
    ctx.reply(
        "\n".join(lines),
        [
            [
                button(t.pgettext("button", "✅ Yes, they agreed"), FriendAgreed()),
                # TRANSLATORS: answers "Has {name} agreed that {dealer} may contact them?"
                button(t.pgettext("button", "Not yet"), FriendNotAskedYet()),
            ]
        ],
        edit=True,
    )


@router.on(FriendNotAskedYet)
async def friend_not_asked_yet(ctx: Context, _code: FriendNotAskedYet) -> None:
    if not _at(ctx, FriendStep.CONSENT):
        return
    name = first_name(ctx.draft(FriendDealerChosen).name)
    ctx.clear_state()
    ctx.reply(
        ctx.t._(
            "Please ask {name} first: we only contact people who have agreed. Nothing was saved.",
            name=name,
        ),
        [back_to_menu(ctx)],
        edit=True,
    )


@router.on(FriendAgreed)
async def friend_agreed(ctx: Context, _code: FriendAgreed) -> None:
    if not _at(ctx, FriendStep.CONSENT):
        return
    t = ctx.t
    draft = ctx.draft(FriendDealerChosen)
    name = first_name(draft.name)
    ctx.clear_state()
    form = FriendForm(
        name=draft.name,
        phone=draft.phone,
        model=draft.model,
        dealer_code=draft.dealer,
        consent=True,
    )
    try:
        lead = await referrals.submit_friend(
            ctx.uow,
            ctx.reference,
            _owner(ctx),
            form,
            channel=ctx.event.channel,
            actor=actor_id(ctx.event.channel, ctx.event.user_id),
            now=ctx.now,
        )
    except Refused as refused:
        ctx.reply(refusal_text(t, refused.why), [back_to_menu(ctx)], edit=True)
        return
    lines = [
        t._(
            "Thank you! {dealer} will contact {name} soon. I'll tell you how it goes.",
            dealer=lead.dealer.name,
            name=name,
        )
    ]
    if lead.no_reward is not None:
        lines.append(no_reward_explanation(t, lead.no_reward, ctx.reference.brand))
    ctx.reply(
        "\n\n".join(lines),
        [
            [button(t.pgettext("button", "👥 My referrals"), MyReferrals(0))],
            back_to_menu(ctx),
        ],
        edit=True,
    )
    post_lead(ctx, lead)
