"""Care messages, rendered at send time in the owner's current language.

Each rule's renderer gets the outbox row and the owner; it returns the screens to send,
or None when there is nothing to say any more (the points were spent, the car sold).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.care import OutboxMessage, Rule
from bot.domain.loyalty import Tier
from bot.domain.owners import Account, Owner, Vehicle
from bot.domain.reference import Market, Reference
from bot.domain.referrals import REWARD_SOURCE, WELCOME_PERK_RULE, Stage
from bot.i18n import Catalogs, Translator
from bot.services import care, loyalty
from bot.services.care import add_years
from bot.services.ports import UnitOfWork
from handlers.booking_texts import when as visit_when
from handlers.codes import make_code
from handlers.context import owner_translator
from handlers.points import perk_lines, points_text, tier_name
from handlers.referrals import my_referrals_row, stage_notice, welcome_gift_text
from handlers.types import Button, Screen


@dataclass(frozen=True)
class CareEnv:
    uow: UnitOfWork
    message: OutboxMessage
    owner: Owner
    account: Account
    t: Translator
    market: Market
    reference: Reference
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.owner.timezone or self.market.timezone)).date()

    async def vehicle(self) -> Vehicle | None:
        vehicle_id = self.message.payload.get("vehicle_id")
        if not isinstance(vehicle_id, int):
            return None
        vehicle = await self.uow.vehicles.get(vehicle_id)
        # The car may have been sold or erased since the message was planned.
        if vehicle is None or vehicle.owner_id != self.owner.id or vehicle.vin is None:
            return None
        return vehicle

    def model_name(self, vehicle: Vehicle) -> str:
        model = self.reference.models.get(vehicle.model)
        return model.name if model else vehicle.model


Renderer = Callable[[CareEnv], Awaitable[list[Screen] | None]]


def _menu(t: Translator) -> list[Button]:
    return [Button(t.pgettext("button", "⬅️ Menu"), make_code("menu", "home"))]


def _book(t: Translator) -> list[Button]:
    return [Button(t.pgettext("button", "🔧 Book service"), make_code("bk", "start"))]


def _points(t: Translator) -> list[Button]:
    return [Button(t.pgettext("button", "⭐ Points"), make_code("pts", "home"))]


def _screen(text: str, *rows: list[Button]) -> list[Screen]:
    return [Screen(text=text, buttons=tuple(tuple(row) for row in rows))]


async def welcome(env: CareEnv) -> list[Screen] | None:
    t = env.t
    text = "\n".join(
        [
            t._(
                "Welcome to the {brand} owners' club, {name}! Here is what I can do for you:",
                brand=env.reference.brand,
                name=env.owner.display_name,
            ),
            t._("⭐ /points: your points, tier and rewards"),
            t._("🔧 /book: book a service visit in a minute"),
            t._("🤝 /refer: invite a friend and earn points"),
            t._("🆘 Roadside assistance, day and night: {phone}", phone=env.market.roadside_phone),
        ]
    )
    return _screen(text, _menu(t))


async def tips_day_7(env: CareEnv) -> list[Screen] | None:
    t = env.t
    return _screen(
        t._(
            "One week together, {name}! A tip: check the tyre pressure once a month while the "
            "tyres are cold. The right values are on the sticker inside the driver's door.",
            name=env.owner.display_name,
        ),
        _menu(t),
    )


async def tips_day_30(env: CareEnv) -> list[Screen] | None:
    t = env.t
    summary = await loyalty.summary(env.uow, env.reference, env.owner, env.now)
    return _screen(
        t._(
            "A month in the club! You earn points for every service visit, for answering "
            "surveys and for friends you bring along. Right now you have {points}.",
            points=points_text(t, summary.balance + summary.pending_total),
        ),
        _points(t),
    )


async def warranty_expiry(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or vehicle.delivery_date is None:
        return None
    model = env.reference.models.get(vehicle.model)
    if model is None:
        return None
    ends = add_years(vehicle.delivery_date, model.warranty_years)
    t = env.t
    return _screen(
        t._(
            "The factory warranty of your {model} ends on {date}. A check-up before then "
            "means anything we find is repaired under warranty.",
            model=env.model_name(vehicle),
            date=t.date(ends),
        ),
        _book(t),
    )


async def inspection_due(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or vehicle.delivery_date is None:
        return None
    anniversary = _next_anniversary(vehicle.delivery_date, env.today)
    t = env.t
    return _screen(
        t._(
            "The periodic inspection of your {model} is due around {date}. We can check the "
            "car beforehand, so it passes the first time.",
            model=env.model_name(vehicle),
            date=t.date(anniversary),
        ),
        _book(t),
    )


async def renewal(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None:
        return None
    t = env.t
    if env.message.rule == Rule.INSURANCE_RENEWAL:
        day = vehicle.insurance_renewal_on
        text = t._(
            "The insurance of your {model} renews on {date}. Your dealer can offer you a "
            "renewal with genuine parts and repairs at our service centers.",
            model=env.model_name(vehicle),
            date=t.date(day) if day else "",
        )
    else:
        day = vehicle.registration_renewal_on
        text = t._(
            "The registration of your {model} must be renewed by {date}.",
            model=env.model_name(vehicle),
            date=t.date(day) if day else "",
        )
    if day is None or day < env.today:
        return None
    return _screen(text, _menu(t))


async def birthday(env: CareEnv) -> list[Screen] | None:
    t = env.t
    return _screen(
        t._(
            "Happy birthday, {name}! 🎂 Everyone at {brand} wishes you a wonderful year and "
            "many happy journeys.",
            name=env.owner.display_name,
            brand=env.reference.brand,
        ),
        _points(t),
    )


async def anniversary(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or vehicle.delivery_date is None:
        return None
    years = env.today.year - vehicle.delivery_date.year
    if years < 1:
        return None
    t = env.t
    return _screen(
        t.ngettext(
            "{n} year with your {model} today! Thank you for driving with us, {name}.",
            "{n} years with your {model} today! Thank you for driving with us, {name}.",
            years,
            model=env.model_name(vehicle),
            name=env.owner.display_name,
        ),
        _menu(t),
    )


async def points_expiring(env: CareEnv) -> list[Screen] | None:
    summary = await loyalty.summary(env.uow, env.reference, env.owner, env.now)
    if not summary.expiring:
        return None  # spent or expired since the message was planned
    t = env.t
    zone = ZoneInfo(env.owner.timezone or env.market.timezone)
    first = summary.expiring[0][0].astimezone(zone).date()
    return _screen(
        t.ngettext(
            "{n} of your points expires on {date}. Treat yourself before then: a coffee, a "
            "service voucher or a donation.",
            "{n} of your points expire from {date}. Treat yourself before then: a coffee, a "
            "service voucher or a donation.",
            summary.expiring_total,
            date=t.date(first),
        ),
        [Button(t.pgettext("button", "🎁 Rewards"), make_code("rw", "cats"))],
    )


async def tier_promoted(env: CareEnv) -> list[Screen] | None:
    tier = Tier(str(env.message.payload.get("tier", "")))
    current = await loyalty.tier_of(env.uow, env.owner.id or 0)
    if current.rank < tier.rank:
        return None  # demoted again since
    t = env.t
    perks = env.reference.rules(env.owner.market).perks[tier]
    text = "\n".join(
        [
            t._(
                "Congratulations, {name}! You are now a {tier} member. Your perks:",
                name=env.owner.display_name,
                tier=tier_name(t, tier),
            ),
            *perk_lines(t, perks),
        ]
    )
    return _screen(text, _points(t))


async def tier_demotion_notice(env: CareEnv) -> list[Screen] | None:
    tier = Tier(str(env.message.payload.get("tier", "")))
    demote_on = datetime.fromisoformat(str(env.message.payload.get("demote_on")))
    summary = await loyalty.summary(env.uow, env.reference, env.owner, env.now)
    threshold = env.reference.rules(env.owner.market).thresholds.get(tier, 0)
    missing = threshold - summary.progress.status_points
    if missing <= 0 or summary.tier is not tier:
        return None
    t = env.t
    zone = ZoneInfo(env.owner.timezone or env.market.timezone)
    return _screen(
        t.ngettext(
            "To keep your {tier} status you need {n} more status point by {date}. A service "
            "visit, a survey or a friend's test drive all count.",
            "To keep your {tier} status you need {n} more status points by {date}. A service "
            "visit, a survey or a friend's test drive all count.",
            missing,
            tier=tier_name(t, tier),
            date=t.date(demote_on.astimezone(zone).date()),
        ),
        _points(t),
    )


async def trade_in(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or vehicle.delivery_date is None:
        return None
    years = env.today.year - vehicle.delivery_date.year
    t = env.t
    return _screen(
        t.ngettext(
            "Your {model} has been with you for {n} year. Curious how the new models drive, "
            "or what yours is worth? Book a test drive or ask your dealer for a free valuation.",
            "Your {model} has been with you for {n} years. Curious how the new models drive, "
            "or what yours is worth? Book a test drive or ask your dealer for a free valuation.",
            years,
            model=env.model_name(vehicle),
        ),
        [
            Button(
                t.pgettext("button", "💰 Value my car: {model}", model=env.model_name(vehicle)),
                make_code("tv", "veh", vehicle.id),
            )
        ],
        [Button(t.pgettext("button", "🚗 Book a test drive"), make_code("td", "ask"))],
    )


async def _open_booking(env: CareEnv, vehicle_id: int | None = None) -> bool:
    """An open, upcoming booking stops service reminders and win-back offers."""
    assert env.owner.id is not None
    return any(
        b.is_upcoming(env.now) and (vehicle_id is None or b.vehicle_id == vehicle_id)
        for b in await env.uow.bookings.of_owner(env.owner.id)
    )


async def service_due(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or await _open_booking(env, vehicle.id):
        return None
    due_on = date.fromisoformat(str(env.message.payload.get("due_on")))
    t = env.t
    model = env.model_name(vehicle)
    if env.message.rule == Rule.FIRST_SERVICE:
        text = t._(
            "Your {model}'s first service is due around {date}. It's quick, and it keeps "
            "your warranty in order. Shall we find a time?",
            model=model,
            date=t.date(due_on),
        )
    elif due_on < env.today:
        text = t._(
            "Your {model}'s service was due on {date}. Regular service keeps it safe and "
            "protects its value: book a visit in a minute.",
            model=model,
            date=t.date(due_on),
        )
    else:
        days = (due_on - env.today).days
        text = t.ngettext(
            "Your {model}'s service is due in {n} day, around {date}.",
            "Your {model}'s service is due in {n} days, around {date}.",
            days,
            model=model,
            date=t.date(due_on),
        )
    return _screen(text, _book(t))


async def recall(env: CareEnv) -> list[Screen] | None:
    recall_id = env.message.payload.get("recall_id")
    vehicle = await env.vehicle()
    notice = await env.uow.recalls.get(recall_id) if isinstance(recall_id, int) else None
    if (
        vehicle is None
        or notice is None
        or not notice.is_open
        or await _open_booking(env, vehicle.id)
    ):
        return None
    t = env.t
    return _screen(
        t._(
            "⚠️ <b>Safety recall</b> for your {model} (VIN ending {vin}): {title}. The repair "
            "is free and takes little time. Please book it as soon as you can.",
            model=env.model_name(vehicle),
            vin=(vehicle.vin or "")[-6:],
            title=notice.title_in(t.code),
        ),
        _book(t),
    )


async def booking_reminder(env: CareEnv) -> list[Screen] | None:
    booking_id = env.message.payload.get("booking_id")
    booking = await env.uow.bookings.get(booking_id) if isinstance(booking_id, int) else None
    if booking is None or booking.owner_id != env.owner.id or not booking.is_upcoming(env.now):
        return None
    hours = int(str(env.message.payload.get("hours", 0)))
    if booking.created_at > booking.starts_at - timedelta(hours=hours):
        return None  # booked inside the reminder's window: the confirmation said it all
    dealer = env.reference.dealers.get(booking.dealer_code)
    if dealer is None:
        return None
    t = env.t
    text = t._(
        "⏰ Reminder: your service visit at {center} is on {when} (the center's local time). "
        "Address: {address}.",
        center=dealer.name,
        when=visit_when(t, booking.starts_at, dealer),
        address=dealer.address,
    )
    return _screen(
        text,
        [
            Button(t.pgettext("button", "Move the visit"), make_code("bk", "rs", booking.id)),
            Button(t.pgettext("button", "Cancel the visit"), make_code("bk", "cx", booking.id)),
        ],
    )


def survey_buttons(visit_id: int) -> list[list[Button]]:
    return [
        [Button(str(score), make_code("sv", "s", visit_id, score)) for score in range(0, 6)],
        [Button(str(score), make_code("sv", "s", visit_id, score)) for score in range(6, 11)],
    ]


async def survey(env: CareEnv) -> list[Screen] | None:
    visit_id = env.message.payload.get("visit_id")
    visit = await env.uow.visits.get(visit_id) if isinstance(visit_id, int) else None
    if visit is None or visit.owner_id != env.owner.id or visit.id is None:
        return None
    if await env.uow.care.answer_for(visit.id) is not None:
        return None
    dealer = env.reference.dealers.get(visit.dealer_code)
    t = env.t
    if env.message.rule == Rule.SURVEY_NUDGE:
        text = t._(
            "Two days ago you visited {center}. Would you tell us how it went? One tap is "
            "enough: how likely are you to recommend us to a friend (0 to 10)?",
            center=dealer.name if dealer else visit.dealer_code,
        )
    else:
        text = t._(
            "Thank you for visiting {center} today! How likely are you to recommend us to a "
            "friend or colleague? 0 means not at all, 10 means extremely likely.",
            center=dealer.name if dealer else visit.dealer_code,
        )
    return [Screen(text=text, buttons=tuple(tuple(row) for row in survey_buttons(visit.id)))]


async def win_back(env: CareEnv) -> list[Screen] | None:
    if await _open_booking(env):
        return None
    t = env.t
    touch = int(str(env.message.payload.get("touch", 1)))
    if touch == 1:
        text = t._(
            "We miss you, {name}! It's been a while since your last visit. A check-up now "
            "keeps small things from becoming big ones, and you earn points for it.",
            name=env.owner.display_name,
        )
    elif touch == 2:
        text = t._(
            "{name}, your car deserves a check-up. Book a visit this month and we'll look "
            "it over from tyres to brakes.",
            name=env.owner.display_name,
        )
    else:
        text = t._(
            "One last note from us, {name}: whenever you're ready, your service center is "
            "two taps away.",
            name=env.owner.display_name,
        )
    return _screen(text, _book(t))


async def referral_stage(env: CareEnv) -> list[Screen] | None:
    """A friend's stage from the CRM import: the text staff moves in chat send at once."""
    payload = env.message.payload
    referral_id = payload.get("referral_id")
    referral = await env.uow.referrals.get(referral_id) if isinstance(referral_id, int) else None
    if referral is None or referral.referrer_id != env.owner.id:
        return None
    if referral.stage != payload.get("stage"):
        return None  # moved on since: the newest stage's own message tells it
    if referral.owner_told == referral.stage:
        return None  # seen already, in "my referrals" or told in chat
    text = stage_notice(
        env.t, env.reference, env.owner, referral, care.rewards_from_payload(payload)
    )
    return _screen(text, my_referrals_row(env.t))


async def welcome_gift(env: CareEnv) -> list[Screen] | None:
    """To the referred friend: the gift a CRM import paid when their car was delivered."""
    referral_id = env.message.payload.get("referral_id")
    points = env.message.payload.get("points")
    referral = await env.uow.referrals.get(referral_id) if isinstance(referral_id, int) else None
    if referral is None or not isinstance(points, int) or referral.current is Stage.ORDER_CANCELLED:
        return None  # a cancelled order took the gift back
    lot = await env.uow.loyalty.lot_by_award(REWARD_SOURCE, str(referral.id), WELCOME_PERK_RULE)
    if lot is None or lot.owner_id != env.owner.id:
        return None
    return _screen(welcome_gift_text(env.t, points, env.reference.brand), _points(env.t))


def _next_anniversary(delivered: date, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            candidate = delivered.replace(year=year)
        except ValueError:  # 29 February
            candidate = date(year, 2, 28)
        if candidate >= today:
            return candidate
    return today


RENDERERS: dict[str, Renderer] = {
    Rule.WELCOME: welcome,
    Rule.TIPS_DAY_7: tips_day_7,
    Rule.TIPS_DAY_30: tips_day_30,
    Rule.WARRANTY_EXPIRY: warranty_expiry,
    Rule.INSPECTION_DUE: inspection_due,
    Rule.INSURANCE_RENEWAL: renewal,
    Rule.REGISTRATION_RENEWAL: renewal,
    Rule.BIRTHDAY: birthday,
    Rule.ANNIVERSARY: anniversary,
    Rule.POINTS_EXPIRING: points_expiring,
    Rule.TIER_PROMOTED: tier_promoted,
    Rule.TIER_DEMOTION_NOTICE: tier_demotion_notice,
    Rule.TRADE_IN: trade_in,
    Rule.FIRST_SERVICE: service_due,
    Rule.MAINTENANCE_DUE: service_due,
    Rule.RECALL: recall,
    Rule.BOOKING_REMINDER: booking_reminder,
    Rule.SURVEY: survey,
    Rule.SURVEY_NUDGE: survey,
    Rule.WIN_BACK: win_back,
    Rule.REFERRAL_STAGE: referral_stage,
    Rule.WELCOME_GIFT: welcome_gift,
}


async def after_sent(uow: UnitOfWork, message: OutboxMessage) -> None:
    """A stage the owner was told in chat is no longer "new" in their referrals."""
    if message.rule != Rule.REFERRAL_STAGE:
        return
    referral_id = message.payload.get("referral_id")
    referral = await uow.referrals.get(referral_id) if isinstance(referral_id, int) else None
    if referral is not None and referral.stage == message.payload.get("stage"):
        referral.owner_told = referral.stage


def renderer_for(
    catalogs: Catalogs, reference: Reference, clock_now: Callable[[], datetime]
) -> Callable[[UnitOfWork, OutboxMessage, Owner, Account], Awaitable[list[Screen] | None]]:
    """The sender's `render`: picks the rule's renderer and the owner's language."""

    async def render(
        uow: UnitOfWork, message: OutboxMessage, owner: Owner, account: Account
    ) -> list[Screen] | None:
        renderer = RENDERERS.get(message.rule)
        market = reference.markets.get(owner.market)
        if renderer is None or market is None:
            return None
        env = CareEnv(
            uow=uow,
            message=message,
            owner=owner,
            account=account,
            t=owner_translator(catalogs, reference, owner, account),
            market=market,
            reference=reference,
            now=clock_now(),
        )
        return await renderer(env)

    return render
