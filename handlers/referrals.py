"""/refer: the owner's personal link, QR and share button, the programme's rules, a friend
submitted in chat, "my referrals"; the dealer's staff move leads through the stages.

Rules and rewards live in bot.domain.referrals and bot.services.referrals; this module
only asks, shows and tells (the owner in their language, staff in theirs).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.domain.owners import Owner
from bot.domain.phone import PhoneError, PhoneProblem, display_phone, example_phone, normalize_phone
from bot.domain.reference import Dealer, Reference
from bot.domain.referrals import (
    ATTRIBUTION_DAYS,
    DAILY_SUBMISSIONS,
    DELIVERED_RULE,
    TEST_DRIVE_RULE,
    WELCOME_PERK_RULE,
    YEARLY_REWARDED,
    Move,
    NoReward,
    Referral,
    Refusal,
    Stage,
    StageRewards,
    link_payload,
    next_stages,
)
from bot.domain.staff import Role, StaffMember
from bot.i18n import Translator, escape
from bot.services import referrals
from bot.services.referrals import FriendForm, NewLead, Opened, Refused, StageMove
from bot.services.staff import NotStaff, actor_id, require_staff
from handlers.codes import BadCode, make_code, parse_code
from handlers.common import market_translator, reach_owner
from handlers.context import Context
from handlers.errors import NotYours
from handlers.media import qr_png
from handlers.menu import back_to_menu
from handlers.points import points_text
from handlers.router import Router
from handlers.types import Attachment, Button, EventKind

router = Router()

OPEN_LEADS_SHOWN = 10
RECENT_DELIVERIES = timedelta(days=30)  # /leads still lists them: an order may be cancelled
_NOT_SURE = "any"


# --- words shared by several screens ------------------------------------------------------


def stage_name(t: Translator, stage: Stage | str) -> str:
    names = {
        # TRANSLATORS: how far a recommended friend has come on the way to buying a car.
        Stage.LEAD: t.pgettext("referral stage", "Recommended"),
        Stage.CONTACTED: t.pgettext("referral stage", "Contacted by the dealer"),
        Stage.TEST_DRIVE_BOOKED: t.pgettext("referral stage", "Test drive booked"),
        Stage.TEST_DRIVE_DONE: t.pgettext("referral stage", "Test drive done"),
        Stage.ORDER: t.pgettext("referral stage", "Car ordered"),
        Stage.DELIVERED: t.pgettext("referral stage", "Car delivered"),
        Stage.LOST: t.pgettext("referral stage", "Not going ahead"),
        Stage.ORDER_CANCELLED: t.pgettext("referral stage", "Order cancelled"),
    }
    return names[Stage(stage)]


def stage_button(t: Translator, stage: Stage) -> str:
    labels = {
        Stage.CONTACTED: t.pgettext("button", "📞 Contacted"),
        Stage.TEST_DRIVE_BOOKED: t.pgettext("button", "📅 Test drive booked"),
        Stage.TEST_DRIVE_DONE: t.pgettext("button", "🚗 Test drive done"),
        Stage.ORDER: t.pgettext("button", "📝 Ordered"),
        Stage.DELIVERED: t.pgettext("button", "🎉 Delivered"),
        # TRANSLATORS: staff button: the recommended friend is not going to buy.
        Stage.LOST: t.pgettext("button", "✖️ Lost"),
        Stage.ORDER_CANCELLED: t.pgettext("button", "↩️ Order cancelled"),
    }
    return labels[stage]


def no_reward_note(t: Translator, reason: NoReward | str) -> str:
    """Short, for staff cards and the owner's list."""
    notes = {
        NoReward.ALREADY_OWNER: t._("already an owner"),
        NoReward.RECENT_LEAD: t._("recommended by someone in the last 90 days"),
        NoReward.STAFF: t._("recommended by dealer staff"),
        NoReward.YEARLY_LIMIT: t._("yearly limit of rewarded recommendations reached"),
        NoReward.PAID_BEFORE: t._("a reward was already paid for this friend"),
        NoReward.OWN_VEHICLE: t._("the car is already the owner's"),
    }
    return notes[NoReward(reason)]


def no_reward_explanation(t: Translator, reason: NoReward | str, brand: str) -> str:
    """Polite and complete, for the owner."""
    reason = NoReward(reason)
    if reason is NoReward.ALREADY_OWNER:
        return t._(
            "Your friend is already an {brand} owner, so this recommendation doesn't earn "
            "points. The dealer will still be glad to help them.",
            brand=brand,
        )
    if reason is NoReward.RECENT_LEAD:
        return t.ngettext(
            "Someone recommended your friend to us in the last {n} day, so this "
            "recommendation doesn't earn points. The dealer will still get in touch.",
            "Someone recommended your friend to us in the last {n} days, so this "
            "recommendation doesn't earn points. The dealer will still get in touch.",
            ATTRIBUTION_DAYS,
        )
    if reason is NoReward.STAFF:
        return t._(
            "Dealer staff can't earn referral rewards, so this recommendation doesn't earn "
            "points. Thank you for bringing a friend all the same!"
        )
    if reason is NoReward.YEARLY_LIMIT:
        return t.ngettext(
            "You have reached the limit of {n} rewarded recommendation in 12 months, so "
            "this one doesn't earn points. Thank you for spreading the word!",
            "You have reached the limit of {n} rewarded recommendations in 12 months, so "
            "this one doesn't earn points. Thank you for spreading the word!",
            YEARLY_REWARDED,
        )
    if reason is NoReward.PAID_BEFORE:
        return t._(
            "A reward has already been paid for this friend, so this recommendation "
            "doesn't earn points again."
        )
    return t._("This car is already registered to you, so it doesn't earn a referral reward.")


def _first_name(name: str) -> str:
    return (name.split() or ["—"])[0]


def _link(ctx: Context, code: str) -> str:
    return f"https://t.me/{ctx.deps.bot_username}?start={link_payload(code)}"


# --- home: the link, QR, share, rules -----------------------------------------------------


@router.command("refer")
async def refer_command(ctx: Context) -> None:
    await _home(ctx, edit=False)


@router.button("ref")
async def referral_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    action = code.action
    if action == "home":
        await _home(ctx, edit=True)
    elif action == "qr":
        await _send_qr(ctx)
    elif action == "rules":
        _show_rules(ctx)
    elif action == "list":
        await _show_mine(ctx, code.int_arg(0))
    elif action == "new":
        await _start_submission(ctx)
    elif action == "model" and ctx.state == "ref.model":
        _take_model(ctx, code.arg(0))
    elif action == "dealer" and ctx.state == "ref.dealer":
        _take_dealer(ctx, code.arg(0))
    elif action in ("yes", "no") and ctx.state == "ref.consent":
        await _finish_submission(ctx, consent=action == "yes")
    elif action == "stop":
        ctx.clear_state()
        ctx.reply(ctx.t._("Nothing was saved."), [back_to_menu(ctx)], edit=True)
    elif action in ("model", "dealer", "yes", "no"):
        ctx.toast(ctx.t._("This button is no longer valid."))
    else:
        raise BadCode("unknown referral action")


async def _home(ctx: Context, *, edit: bool) -> None:
    owner = _owner(ctx)
    t = ctx.t
    code = await referrals.code_for(ctx.uow, _id(owner), ctx.now)
    link = _link(ctx, code)
    invitation = t._(
        "I'm an {brand} owner and happy with my car. Open my link to arrange a test drive "
        "with a dealer near you:",
        brand=ctx.reference.brand,
    )
    share = f"https://t.me/share/url?url={quote(link, safe='')}&text={quote(invitation, safe='')}"
    lines = [
        t._("🤝 <b>Recommend {brand} to a friend</b>", brand=ctx.reference.brand),
        "",
        t._(
            "Send your friends your personal link. When a friend opens it and shares their "
            "number, a dealer arranges a test drive for them. You earn points when they take "
            "the test drive and when their new car is delivered."
        ),
        "",
        t._("Your personal link:\n{link}", link=link),
    ]
    ctx.reply(
        "\n".join(lines),
        [
            [Button(t.pgettext("button", "📤 Share my link"), url=share)],
            [
                Button(t.pgettext("button", "➕ Recommend a friend"), make_code("ref", "new")),
                Button(t.pgettext("button", "👥 My referrals"), make_code("ref", "list", 0)),
            ],
            [
                Button(t.pgettext("button", "🔳 QR code"), make_code("ref", "qr")),
                Button(t.pgettext("button", "📋 Rules"), make_code("ref", "rules")),
            ],
            back_to_menu(ctx),
        ],
        edit=edit,
    )


async def _send_qr(ctx: Context) -> None:
    code = await referrals.code_for(ctx.uow, _id(_owner(ctx)), ctx.now)
    link = _link(ctx, code)
    ctx.reply(
        "",
        attachment=Attachment(
            filename="invitation.png",
            data=qr_png(link),
            kind="photo",
            caption=ctx.t._(
                "Let your friend scan this code with their phone camera: it opens your invitation."
            ),
        ),
    )


def _show_rules(ctx: Context) -> None:
    t = ctx.t
    rules = ctx.reference.rules(ctx.market.code)
    lines = [
        t._(
            "<b>Recommending a friend ({country})</b>",
            country=t.country(ctx.market.code),
        )
    ]
    test_drive = rules.activities.get(TEST_DRIVE_RULE)
    delivered = rules.activities.get(DELIVERED_RULE)
    perk = rules.activities.get(WELCOME_PERK_RULE)
    if test_drive:
        lines.append(
            t._(
                "🚗 Your friend takes a test drive: {points} for you.",
                points=points_text(t, test_drive.points),
            )
        )
    if delivered:
        lines.append(
            t.ngettext(
                "🎉 Your friend's new car is delivered: {points} for you, spendable {n} day "
                "after the delivery.",
                "🎉 Your friend's new car is delivered: {points} for you, spendable {n} days "
                "after the delivery.",
                delivered.pending_days,
                points=points_text(t, delivered.points),
            )
        )
    if perk:
        lines.append(
            t._(
                "🎁 Your friend gets a welcome gift of {points} when their car is delivered.",
                points=points_text(t, perk.points),
            )
        )
    status = (test_drive.status if test_drive else 0) + (delivered.status if delivered else 0)
    if status:
        lines.append(
            t.ngettext(
                "🏅 Up to {n} status point toward your tier for each friend.",
                "🏅 Up to {n} status points toward your tier for each friend.",
                status,
            )
        )
    lines += [
        "",
        t._("<b>Fair play</b>"),
        t.ngettext(
            "• Your link counts for {n} day after your friend opens it; the first link "
            "they open is the one that counts.",
            "• Your link counts for {n} days after your friend opens it; the first link "
            "they open is the one that counts.",
            ATTRIBUTION_DAYS,
        ),
        t.ngettext(
            "• You can recommend up to {n} friend a day.",
            "• You can recommend up to {n} friends a day.",
            DAILY_SUBMISSIONS,
        ),
        t.ngettext(
            "• Up to {n} recommendation a year earns rewards.",
            "• Up to {n} recommendations a year earn rewards.",
            YEARLY_REWARDED,
        ),
        t._(
            "• No rewards for recommending yourself, someone who is already an {brand} "
            "owner or was recommended in the last 90 days, or for dealer staff. Each friend "
            "earns a reward once.",
            brand=ctx.reference.brand,
        ),
        t._("• If the order is cancelled while the delivery reward is pending, it is withdrawn."),
        t._("• Only recommend friends who agreed that a dealer may contact them."),
    ]
    ctx.reply(
        "\n".join(lines),
        [[Button(t.pgettext("button", "⬅️ Refer a friend"), make_code("ref", "home"))]],
        edit=True,
    )


# --- my referrals -------------------------------------------------------------------------


async def _show_mine(ctx: Context, page: int) -> None:
    owner = _owner(ctx)
    t = ctx.t
    result = await referrals.referrals_of(ctx.uow, _id(owner), page, ctx.now)
    zone = ZoneInfo(owner.timezone or ctx.market.timezone)
    if not result.items:
        lines = [
            t._(
                "You haven't recommended anyone yet. Share your link, or recommend a friend "
                "here in the chat."
            )
        ]
    else:
        lines = [
            t._(
                "<b>Your recommendations</b> (page {page} of {pages})",
                page=result.page + 1,
                pages=result.pages,
            )
        ]
    for item in result.items:
        referral = item.referral
        new = "🆕 " if referral.stage != referral.owner_told else ""
        line = f"{new}<b>{escape(_first_name(referral.friend_name))}</b> · " + stage_name(
            t, referral.stage
        )
        details = []
        if item.earned:
            details.append(t._("earned {points}", points=points_text(t, item.earned)))
        if item.pending and item.pending_until is not None:
            details.append(
                t._(
                    "{points} pending until {date}",
                    points=points_text(t, item.pending),
                    date=t.date(item.pending_until.astimezone(zone).date()),
                )
            )
        if item.withdrawn:
            details.append(t._("delivery reward withdrawn"))
        if referral.no_reward:
            details.append(t._("no reward: {reason}", reason=no_reward_note(t, referral.no_reward)))
        lines.append(line + "".join(f"\n    {d}" for d in details))
        referral.owner_told = referral.stage  # they have seen it now
    nav: list[Button] = []
    if result.page > 0:
        nav.append(
            Button(t.pgettext("button", "◀️ Newer"), make_code("ref", "list", result.page - 1))
        )
    if result.page + 1 < result.pages:
        nav.append(
            Button(t.pgettext("button", "Older ▶️"), make_code("ref", "list", result.page + 1))
        )
    rows = [nav] if nav else []
    rows.append([Button(t.pgettext("button", "⬅️ Refer a friend"), make_code("ref", "home"))])
    ctx.reply("\n".join(lines), rows, edit=True)


# --- a friend submitted in chat -----------------------------------------------------------


def _cancel_row(ctx: Context) -> list[Button]:
    return [Button(ctx.t.pgettext("button", "Cancel"), make_code("ref", "stop"))]


async def _start_submission(ctx: Context) -> None:
    owner = _owner(ctx)
    refused = await referrals.submissions_refused(ctx.uow, ctx.reference, owner, ctx.now)
    if refused is not None:
        ctx.reply(refusal_text(ctx.t, refused), [back_to_menu(ctx)], edit=True)
        return
    ctx.clear_state()
    ctx.set_state("ref.name")
    ctx.reply(
        ctx.t._("What is your friend's name?"),
        [_cancel_row(ctx)],
        edit=True,
    )


@router.state("ref.name")
async def friend_name(ctx: Context) -> None:
    name = " ".join(ctx.event.text.split())
    if (
        ctx.event.kind is not EventKind.TEXT
        or not (1 <= len(name) <= 100)
        or not any(ch.isalpha() for ch in name)
    ):
        ctx.reply(ctx.t._("Please write your friend's name in letters, up to 100 characters."))
        return
    ctx.set_state("ref.phone", name=name)
    _ask_phone(ctx)


def _ask_phone(ctx: Context) -> None:
    ctx.reply(
        ctx.t._(
            "What is {name}'s mobile number? For example {example} ({country}). "
            "You can also share their contact.",
            name=_first_name(ctx.data["name"]),
            country=ctx.t.country(ctx.market.code),
            example=example_phone(ctx.market.phone_region),
        ),
        [_cancel_row(ctx)],
    )


@router.state("ref.phone")
async def friend_phone(ctx: Context) -> None:
    event, t = ctx.event, ctx.t
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
        _ask_phone(ctx)
        return
    region = ctx.market.phone_region
    try:
        phone = normalize_phone(raw, region, require_region=True)
    except PhoneError as error:
        country = t.country(ctx.market.code)
        if error.problem is PhoneProblem.WRONG_REGION:
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
    ctx.set_state("ref.model", phone=phone)
    rows = [
        [Button(model.name, make_code("ref", "model", code))]
        for code, model in ctx.reference.models.items()
    ]
    rows.append(
        [Button(t.pgettext("button", "Not sure yet"), make_code("ref", "model", _NOT_SURE))]
    )
    ctx.reply(
        t._(
            "Which model is {name} interested in?",
            name=_first_name(ctx.data["name"]),
        ),
        rows,
    )


@router.state("ref.model", "ref.dealer", "ref.consent")
async def waiting_for_a_button(ctx: Context) -> None:
    ctx.reply(ctx.t._("Please choose with the buttons above."), [_cancel_row(ctx)])


def _take_model(ctx: Context, model: str) -> None:
    if model != _NOT_SURE and model not in ctx.reference.models:
        raise BadCode("unknown model")
    ctx.set_state("ref.dealer", model=None if model == _NOT_SURE else model)
    dealers = sorted(ctx.reference.dealers_in(ctx.market.code), key=lambda d: d.code)
    rows = [[Button(_short(f"{d.name}"), make_code("ref", "dealer", d.code))] for d in dealers]
    rows.append(_cancel_row(ctx))
    ctx.reply(
        ctx.t._(
            "Which dealer should contact {name}?",
            name=_first_name(ctx.data["name"]),
        ),
        rows,
        edit=True,
    )


def _take_dealer(ctx: Context, dealer_code: str) -> None:
    dealer = ctx.reference.dealers.get(dealer_code)
    if dealer is None or dealer.market != ctx.market.code:
        raise BadCode("no such dealer in the owner's market")
    ctx.set_state("ref.consent", dealer=dealer.code)
    t = ctx.t
    data = ctx.data
    model = ctx.reference.models.get(data.get("model") or "")
    lines = [
        t._("Please check:"),
        t._("Friend: {name}", name=data["name"]),
        t._("Phone: {phone}", phone=display_phone(data["phone"])),
        t._("Model: {model}", model=model.name if model else t._("not decided yet")),
        t._("Dealer: {dealer}", dealer=dealer.name),
        "",
        t._(
            "Has {name} agreed that {dealer} may contact them?",
            name=_first_name(data["name"]),
            dealer=dealer.name,
        ),
    ]
    ctx.reply(
        "\n".join(lines),
        [
            [
                Button(t.pgettext("button", "✅ Yes, they agreed"), make_code("ref", "yes")),
                # TRANSLATORS: answers "Has {name} agreed that {dealer} may contact them?"
                Button(t.pgettext("button", "Not yet"), make_code("ref", "no")),
            ]
        ],
        edit=True,
    )


async def _finish_submission(ctx: Context, *, consent: bool) -> None:
    t = ctx.t
    data = ctx.data
    name = _first_name(data["name"])
    ctx.clear_state()
    if not consent:
        ctx.reply(
            t._(
                "Please ask {name} first: we only contact people who have agreed. "
                "Nothing was saved.",
                name=name,
            ),
            [back_to_menu(ctx)],
            edit=True,
        )
        return
    owner = _owner(ctx)
    form = FriendForm(
        name=data["name"],
        phone=data["phone"],
        model=data.get("model"),
        dealer_code=data["dealer"],
        consent=True,
    )
    try:
        lead = await referrals.submit_friend(
            ctx.uow,
            ctx.reference,
            owner,
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
            [Button(t.pgettext("button", "👥 My referrals"), make_code("ref", "list", 0))],
            back_to_menu(ctx),
        ],
        edit=True,
    )
    post_lead(ctx, lead)


def refusal_text(t: Translator, why: Refusal) -> str:
    if why is Refusal.DAILY_LIMIT:
        return t.ngettext(
            "You have recommended {n} friend today, the most for one day. Thank you! "
            "Please come back tomorrow.",
            "You have recommended {n} friends today, the most for one day. Thank you! "
            "Please come back tomorrow.",
            DAILY_SUBMISSIONS,
        )
    return t._(
        "That is your own number. Recommendations are for friends: send them your link, "
        "or recommend them here with their number."
    )


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- a friend who came through the link (called by handlers.onboarding) ------------------


async def link_opened(ctx: Context, payload: str) -> str:
    """/start ref_<code>: record the attribution. Returns an intro for the phone request
    of someone not yet linked ("" for the usual greeting)."""
    opened = await referrals.open_link(ctx.uow, ctx.account, payload, ctx.now)
    t = ctx.t
    if opened.outcome is Opened.OWN_LINK and ctx.owner is not None:
        ctx.reply(
            t._(
                "This is your own invitation link. Send it to friends: when they open it, "
                "a dealer will arrange a test drive for them."
            )
        )
        return ""
    if opened.outcome in (Opened.ATTRIBUTED, Opened.EARLIER) and opened.link_owner is not None:
        return t._(
            "Hello! Your friend {name} recommends {brand} to you.",
            name=opened.link_owner.display_name,
            brand=ctx.reference.brand,
        )
    return ""


async def has_pending_invitation(ctx: Context) -> bool:
    attribution = await ctx.uow.referrals.attribution(ctx.event.channel, ctx.event.user_id)
    return attribution is not None and attribution.referral_id is None


async def friend_shared_phone(ctx: Context, phone: str) -> NewLead | None:
    """The person shared their own number: an invitation they followed becomes a lead.
    Tells the owner who invited them and the dealer's staff. Returns the lead, if any."""
    result = await referrals.lead_from_link(
        ctx.uow,
        ctx.reference,
        ctx.account,
        phone=phone,
        friend_name=ctx.event.first_name,
        now=ctx.now,
    )
    lead = result.lead
    if lead is None:
        return None
    reached = await reach_owner(ctx, lead.referral.referrer_id)
    if reached is not None and reached.chat_id is not None:
        t = reached.t
        lines = [
            t._(
                "🤝 {friend} accepted your invitation. {dealer} will contact them soon.",
                friend=_first_name(lead.referral.friend_name),
                dealer=lead.dealer.name,
            )
        ]
        if lead.no_reward is not None:
            lines.append(no_reward_explanation(t, lead.no_reward, ctx.reference.brand))
        ctx.reply("\n\n".join(lines), chat_id=reached.chat_id)
    post_lead(ctx, lead)
    return lead


def welcome_friend(ctx: Context, lead: NewLead) -> None:
    """The referred friend, in their own language. (Two messages: one message carries
    either the removal of the contact keyboard or inline buttons, not both.)"""
    ctx.reply(
        ctx.t._(
            "Welcome, and thank you for your interest! {dealer} will call you soon to "
            "arrange a test drive. {name} will be glad you came.",
            dealer=lead.dealer.name,
            name=lead.referrer.display_name,
        ),
        remove_keyboard=True,
    )
    ctx.reply(
        ctx.t._(
            "Already an {brand} owner? Tap below to register your car.",
            brand=ctx.reference.brand,
        ),
        [
            [
                Button(
                    # TRANSLATORS: a referred friend already owns one of our cars.
                    ctx.t.pgettext("button", "🚗 I already drive one"),
                    make_code("reg", "begin"),
                )
            ]
        ],
    )


async def friend_became_owner(ctx: Context) -> None:
    """A friend whose new car was delivered linked their chat: the welcome gift."""
    owner = ctx.owner
    if owner is None:
        return
    points = await referrals.welcome_perk_on_link(ctx.uow, ctx.reference, owner, ctx.now)
    if points:
        ctx.reply(welcome_gift_text(ctx.t, points, ctx.reference.brand))


def welcome_gift_text(t: Translator, points: int, brand: str) -> str:
    """The referred friend's gift, in the friend's language."""
    return t._(
        "🎁 Welcome to the {brand} owners' club! A welcome gift of {points} is in your account.",
        brand=brand,
        points=points_text(t, points),
    )


# --- the dealer's staff -----------------------------------------------------------------------


def post_lead(ctx: Context, lead: NewLead) -> None:
    """A new lead goes to the dealer's staff chat, in the market's language."""
    chat_id = lead.dealer.staff_chat_id
    if chat_id is None:
        return
    t = market_translator(ctx, lead.dealer.market)
    text, rows = _lead_card(ctx, t, lead.referral, lead.referrer, lead.dealer, new=True)
    ctx.reply(text, rows, chat_id=chat_id)


def _lead_card(
    ctx: Context,
    t: Translator,
    referral: Referral,
    referrer: Owner | None,
    dealer: Dealer,
    *,
    new: bool = False,
) -> tuple[str, list[list[Button]]]:
    model = ctx.reference.models.get(referral.model or "")
    heading = (
        t._("🆕 <b>Referral #{id}</b>: a friend recommended by an owner", id=referral.id)
        if new
        else t._("🤝 <b>Referral #{id}</b>", id=referral.id)
    )
    lines = [
        heading,
        t._("Stage: {stage}", stage=stage_name(t, referral.stage)),
        t._("Friend: {name}", name=referral.friend_name or "—"),
        t._(
            "Phone: {phone}",
            phone=display_phone(referral.friend_phone) if referral.friend_phone else "—",
        ),
        t._("Model: {model}", model=model.name if model else t._("not decided yet")),
        t._("Dealer: {dealer}", dealer=dealer.name),
    ]
    if referrer is not None:
        lines.append(
            t._(
                "Recommended by: {name}, {phone}",
                name=referrer.full_name or "—",
                phone=display_phone(referrer.phone) if referrer.phone else "—",
            )
        )
    if referral.no_reward:
        lines.append(t._("⚠️ No reward: {reason}", reason=no_reward_note(t, referral.no_reward)))
    assert referral.id is not None
    buttons = [
        Button(stage_button(t, stage), make_code("rfs", "to", referral.id, stage.value))
        for stage in next_stages(referral.current, referral.reached)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return "\n".join(lines), rows


async def _sales(ctx: Context, dealer_code: str | None) -> StaffMember | None:
    try:
        return await require_staff(
            ctx.uow, ctx.event.channel, ctx.event.user_id, Role.SALES, dealer_code=dealer_code
        )
    except NotStaff:
        return None


@router.command("leads", needs_owner=False, private_only=False)
async def open_leads(ctx: Context) -> None:
    """Staff: the dealer's referrals still in progress, newest first."""
    member = await _sales(ctx, None)
    if member is None:
        ctx.reply(ctx.t._("This command is for the dealer's sales team."))
        return
    t = ctx.t
    dealers = (
        None if member.role == Role.ADMIN or member.dealer_code is None else [member.dealer_code]
    )
    leads = await ctx.uow.referrals.open_at(dealers, ctx.now - RECENT_DELIVERIES, OPEN_LEADS_SHOWN)
    if not leads:
        ctx.reply(t._("No referrals in progress."))
        return
    rows = [
        [
            Button(
                _short(f"#{r.id} {_first_name(r.friend_name)} · {stage_name(t, r.stage)}", 32),
                make_code("rfs", "show", r.id),
            )
        ]
        for r in leads
    ]
    ctx.reply(t._("<b>Referrals in progress</b>"), rows)


@router.button("rfs", needs_owner=False, private_only=False)
async def staff_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    referral = await ctx.uow.referrals.get(code.int_arg(0))
    if referral is None:
        raise NotYours
    member = await _sales(ctx, referral.dealer_code)
    if member is None:
        raise NotYours  # not sales staff of this referral's dealer
    dealer = ctx.reference.dealers[referral.dealer_code]
    if code.action == "show":
        await _show_card(ctx, referral, dealer)
        return
    if code.action != "to":
        raise BadCode("unknown staff referral action")
    try:
        target = Stage(code.arg(1))
    except ValueError as error:
        raise BadCode("unknown stage") from error
    move = await referrals.move_stage(
        ctx.uow,
        ctx.reference,
        referral.id or 0,
        target,
        actor=actor_id(ctx.event.channel, ctx.event.user_id),
        at=ctx.now,
        now=ctx.now,
    )
    if move.outcome is Move.ALREADY:
        ctx.toast(ctx.t._("Already done."))
    elif move.outcome is Move.REFUSED:
        ctx.toast(
            ctx.t._("Not possible from “{stage}”.", stage=stage_name(ctx.t, move.referral.stage))
        )
    await _show_card(ctx, move.referral, dealer)
    if move.outcome is Move.ADVANCE:
        await tell_owner(ctx, move)


async def _show_card(ctx: Context, referral: Referral, dealer: Dealer) -> None:
    referrer = await ctx.uow.owners.get(referral.referrer_id)
    text, rows = _lead_card(ctx, ctx.t, referral, referrer, dealer)
    ctx.reply(text, rows, edit=True)


async def tell_owner(ctx: Context, move: StageMove) -> None:
    """The owner hears of each stage in their own language, in their private chat.
    (Stages from the CRM import reach them through the outbox: handlers.care_messages.)"""
    referral = move.referral
    reached = await reach_owner(ctx, referral.referrer_id)
    if reached is not None and reached.chat_id is not None:
        ctx.reply(
            stage_notice(reached.t, ctx.reference, reached.owner, referral, move.rewards),
            [my_referrals_row(reached.t)],
            chat_id=reached.chat_id,
        )
        referral.owner_told = referral.stage
    if move.friend_perk is not None:
        friend, points = move.friend_perk
        told = await reach_owner(ctx, friend.id or 0)
        if told is not None and told.chat_id is not None:
            ctx.reply(welcome_gift_text(told.t, points, ctx.reference.brand), chat_id=told.chat_id)


def my_referrals_row(t: Translator) -> list[Button]:
    return [Button(t.pgettext("button", "👥 My referrals"), make_code("ref", "list", 0))]


def stage_notice(
    t: Translator, reference: Reference, owner: Owner, referral: Referral, rewards: StageRewards
) -> str:
    """What the owner reads about their friend's stage (the referral's current one), in
    the owner's language `t`: told at once when staff move it in chat, through the outbox
    when it comes from the CRM."""
    brand = reference.brand
    friend = _first_name(referral.friend_name)
    dealer = reference.dealers.get(referral.dealer_code)
    dealer_name = dealer.name if dealer else referral.dealer_code
    texts = {
        Stage.CONTACTED: t._(
            "📞 {dealer} has contacted {friend}.", dealer=dealer_name, friend=friend
        ),
        Stage.TEST_DRIVE_BOOKED: t._(
            "📅 {friend} has booked a test drive at {dealer}.", friend=friend, dealer=dealer_name
        ),
        Stage.TEST_DRIVE_DONE: t._("🚗 {friend} has taken a test drive.", friend=friend),
        Stage.ORDER: t._("📝 {friend} has ordered a new car!", friend=friend),
        Stage.DELIVERED: t._("🎉 {friend} has received their new car!", friend=friend),
        Stage.LOST: t._(
            "{friend} has decided not to go ahead for now. Thank you for recommending us "
            "all the same.",
            friend=friend,
        ),
        Stage.ORDER_CANCELLED: t._("{friend}'s order was cancelled.", friend=friend),
    }
    lines = [texts[referral.current]]
    zone = ZoneInfo(owner.timezone or reference.market(owner.market).timezone)
    for payout in rewards.paid:
        if payout.pending_until is None:
            lines.append(
                t.ngettext("⭐ You earned {n} point.", "⭐ You earned {n} points.", payout.points)
            )
        else:
            lines.append(
                t.ngettext(
                    "⏳ {n} point is on its way: spendable from {date}.",
                    "⏳ {n} points are on their way: spendable from {date}.",
                    payout.points,
                    date=t.date(payout.pending_until.astimezone(zone).date()),
                )
            )
    if rewards.withdrawn:
        lines.append(
            t.ngettext(
                "The {n} point for the delivery has been withdrawn.",
                "The {n} points for the delivery have been withdrawn.",
                rewards.withdrawn,
            )
        )
    if rewards.no_reward is not None:
        lines.append(no_reward_explanation(t, rewards.no_reward, brand))
    return "\n".join(lines)


# --- helpers -----------------------------------------------------------------------------------


def _owner(ctx: Context) -> Owner:
    assert ctx.owner is not None
    return ctx.owner


def _id(owner: Owner) -> int:
    assert owner.id is not None
    return owner.id
