"""The words of referrals: stage names, why a recommendation earns nothing, refusals,
the friend's welcome gift, and the programme's rules."""

from __future__ import annotations

from bot.domain.reference import Market, Reference
from bot.domain.referrals import (
    ATTRIBUTION_DAYS,
    DAILY_SUBMISSIONS,
    DELIVERED_RULE,
    TEST_DRIVE_RULE,
    WELCOME_PERK_RULE,
    YEARLY_REWARDED,
    NoReward,
    Refusal,
    Stage,
)
from bot.i18n import Translator
from handlers.points import points_text


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


def first_name(name: str) -> str:
    return (name.split() or ["—"])[0]


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


def welcome_gift_text(t: Translator, points: int, brand: str) -> str:
    """The referred friend's gift, in the friend's language."""
    return t._(
        "🎁 Welcome to the {brand} owners' club! A welcome gift of {points} is in your account.",
        brand=brand,
        points=points_text(t, points),
    )


def rules_text(t: Translator, reference: Reference, market: Market) -> str:
    """The programme's rewards in the owner's market, and its fair-play rules."""
    rules = reference.rules(market.code)
    lines = [
        t._(
            "<b>Recommending a friend ({country})</b>",
            country=t.country(market.code),
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
            brand=reference.brand,
        ),
        t._("• If the order is cancelled while the delivery reward is pending, it is withdrawn."),
        t._("• Only recommend friends who agreed that a dealer may contact them."),
    ]
    return "\n".join(lines)
