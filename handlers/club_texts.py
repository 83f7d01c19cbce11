"""What clubs say, shared by the staff commands and the group events."""

from __future__ import annotations

from bot.domain.clubs import BotRight, Club, Interest, missing_rights
from bot.i18n import Translator, native_language_name
from handlers.context import Context


def interest_name(t: Translator, interest: Interest) -> str:
    names = {
        Interest.SUV: t.pgettext("club interest", "SUVs"),
        Interest.SEDAN: t.pgettext("club interest", "Sedans"),
        Interest.MODDING: t.pgettext("club interest", "Modding"),
        Interest.ROAD_TRIPS: t.pgettext("club interest", "Road trips"),
    }
    return names[interest]


def right_name(t: Translator, right: BotRight) -> str:
    """As Telegram's group settings name the right."""
    names = {
        BotRight.INVITE_USERS: t.pgettext("admin right", "Invite users via link"),
        BotRight.PIN_MESSAGES: t.pgettext("admin right", "Pin messages"),
    }
    return names[right]


def rights_note(t: Translator, owners_only: bool, granted: tuple[str, ...] | None) -> str:
    """Which administrator rights the bot lacks for the club's settings ("" when the
    platform did not say which it holds)."""
    if granted is None:
        return ""
    missing = missing_rights(owners_only, granted)
    if not missing:
        return t._("✅ I have the administrator rights this club needs.")
    return t._(
        "⚠️ Please make me an administrator of this group with these rights: {rights}.",
        rights=", ".join(right_name(t, right) for right in missing),
    )


def lapsed_card(ctx: Context, t: Translator, club: Club, user_id: int) -> str:
    """For the moderators: a member no longer qualifies for an owners-only club."""
    model = ctx.reference.models.get(club.model or "")
    return t._(
        "👥 A member of the owners' club for {what} (group {group}) is no longer a "
        "verified owner: their data was erased or the car is no longer theirs. Please "
        "review their membership (Telegram user {user}); I removed no one.",
        what=model.name if model else t.country(club.market),
        group=club.chat_id,
        user=user_id,
    )


def flag_to_moderators(ctx: Context, club: Club, user_id: int) -> None:
    """The card goes to the staff chat of the club's dealer, in the market's language;
    a club without one keeps the flag for /club."""
    dealer = ctx.reference.dealers.get(club.dealer_code or "")
    if dealer is None or dealer.staff_chat_id is None:
        return
    market = ctx.reference.markets.get(club.market)
    t = ctx.deps.catalogs.translator(market.default_locale if market else "en", club.market)
    ctx.to_staff(dealer.staff_chat_id, lapsed_card(ctx, t, club, user_id))


def club_summary(ctx: Context, club: Club, verified: int, flagged: int = 0) -> str:
    """The club's settings, as /club and the end of /link show them (no personal data)."""
    t = ctx.t
    model = ctx.reference.models.get(club.model or "")
    dealer = ctx.reference.dealers.get(club.dealer_code or "")
    lines = [
        t._("Market: {market}", market=t.country(club.market)),
        t._(
            "Languages: {languages}",
            languages=", ".join(native_language_name(code) for code in club.locales),
        ),
        t._("Model: {model}", model=model.name if model else t._("every model")),
        t._("Dealer: {dealer}", dealer=dealer.name if dealer else t._("every dealer")),
        t._(
            "Topic: {topic}",
            topic=interest_name(t, club.interest) if club.interest else t._("everything"),
        ),
        t._("Who may join: verified owners only")
        if club.owners_only
        else t._("Who may join: anyone"),
        t.ngettext(
            "{count} verified owner joined through me",
            "{count} verified owners joined through me",
            verified,
            count=t.number(verified),
        ),
    ]
    if flagged:
        lines.append(
            t.ngettext(
                "⚠️ {count} of them is no longer a verified owner: please review",
                "⚠️ {count} of them are no longer verified owners: please review",
                flagged,
                count=t.number(flagged),
            )
        )
    return "\n".join(lines)
