"""/points: balance, pending and expiring points, tier progress, history, how to earn;
the words for points and tiers other screens reuse. Rewards are in handlers.rewards,
vouchers in handlers.vouchers; everything that changes points goes through
bot.services.loyalty."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.loyalty import EntryKind, LedgerEntry, Tier, TierPerks, progress_bar
from bot.i18n import Translator
from bot.services.loyalty import statement
from bot.services.queries.loyalty import status_per_entry
from handlers.codes import button
from handlers.codes.points import HowToEarn, MyVouchers, PointsHistory, PointsHome, RewardCategories
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.router import Router
from handlers.types import Button

router = Router()


def tier_name(t: Translator, tier: Tier) -> str:
    names = {
        Tier.EXPLORER: t.pgettext("tier", "Explorer"),
        Tier.COMPANION: t.pgettext("tier", "Companion"),
        Tier.CO_CREATOR: t.pgettext("tier", "Co-creator"),
    }
    return names[tier]


def points_text(t: Translator, n: int) -> str:
    """ "12 points"; zero said in words, since several languages put it in the
    singular ("0 ponto")."""
    if n == 0:
        return t._("no points")
    return t.ngettext("{n} point", "{n} points", n)


# --- the points screen -------------------------------------------------------------------


@router.command("points")
async def points_command(ctx: Context) -> None:
    await _show_points(ctx, edit=False)


@router.on(PointsHome)
async def points_button(ctx: Context, _code: PointsHome) -> None:
    await _show_points(ctx, edit=True)


def _pending_by_day(
    pending: Sequence[tuple[datetime, int]], zone: ZoneInfo, most: int = 3
) -> list[tuple[date, int]]:
    """Pending points by the local day they become spendable, soonest first. Past
    `most` days the rest are one line: spendable from the first of those days on."""
    days: dict[date, int] = {}
    for moment, points in sorted(pending):
        day = moment.astimezone(zone).date()
        days[day] = days.get(day, 0) + points
    grouped = list(days.items())
    if len(grouped) > most:
        rest = grouped[most - 1 :]
        grouped = [*grouped[: most - 1], (rest[0][0], sum(p for _, p in rest))]
    return grouped


async def _show_points(ctx: Context, *, edit: bool) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t
    zone = owner.timezone or ctx.market.timezone
    summary = await statement.summary(ctx.uow, ctx.reference, owner, ctx.now)
    lines = [
        t.ngettext(
            "⭐ You have <b>{n}</b> point to spend.",
            "⭐ You have <b>{n}</b> points to spend.",
            summary.balance,
        )
        if summary.balance
        else t._("⭐ No points to spend yet.")
    ]
    for day, points in _pending_by_day(summary.pending, _zone(zone)):
        lines.append(
            t.ngettext(
                "⏳ {n} point is on its way: spendable from {date}.",
                "⏳ {n} points are on their way: spendable from {date}.",
                points,
                date=t.date(day),
            )
        )
    if summary.expiring:
        lines.append(
            t.ngettext(
                "⌛ {n} point expires on {date}: use it before then.",
                "⌛ {n} points expire by {date}: use them before then.",
                summary.expiring_total,
                date=t.date(summary.expiring[-1][0].astimezone(_zone(zone)).date()),
            )
        )
    progress = summary.progress
    lines += ["", t._("🏅 Tier: <b>{tier}</b>", tier=tier_name(t, progress.tier))]
    if progress.next_tier is None:
        lines.append(t._("You are at the top tier. Thank you for being part of the club!"))
    else:
        lines.append(
            f"{progress_bar(progress.fraction)} "
            + t.ngettext(
                "{n} status point to {tier}",
                "{n} status points to {tier}",
                progress.needed,
                tier=tier_name(t, progress.next_tier),
            )
        )
    lines += ["", t._("Your perks:"), *perk_lines(t, summary.perks)]
    ctx.reply(
        "\n".join(lines),
        [
            [
                button(t.pgettext("button", "🎁 Rewards"), RewardCategories()),
                button(t.pgettext("button", "🎟 My vouchers"), MyVouchers()),
            ],
            [
                button(t.pgettext("button", "📜 History"), PointsHistory(0)),
                button(t.pgettext("button", "💡 How to earn"), HowToEarn()),
            ],
            back_to_menu(ctx),
        ],
        edit=edit,
    )


def perk_lines(t: Translator, perks: TierPerks) -> list[str]:
    lines = []
    if perks.service_discount_percent:
        lines.append(
            t._(
                "• {percent} off service labour",
                percent=t.percent(perks.service_discount_percent / 100),
            )
        )
    lines.append(
        t.ngettext(
            "• Book service up to {n} day ahead",
            "• Book service up to {n} days ahead",
            perks.priority_booking_days,
        )
    )
    if perks.test_drive_priority:
        lines.append(t._("• Priority for test drives of new models"))
    if perks.dedicated_technician:
        lines.append(t._("• A dedicated technician for your car"))
    if perks.council_invitation:
        lines.append(t._("• Invitations to the owners' co-creation council"))
    return lines


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# --- history and how to earn ---------------------------------------------------------------


@router.on(PointsHistory)
async def show_history(ctx: Context, code: PointsHistory) -> None:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    t = ctx.t
    zone = _zone(owner.timezone or ctx.market.timezone)
    result = await statement.history(ctx.uow, owner.id, code.page)
    if not result.entries:
        lines = [t._("No points movements yet. Your first service visit will start the story.")]
    else:
        status = await status_per_entry(ctx.uow, owner.id, result.entries)
        lines = [
            t._(
                "<b>Points history</b> (page {page} of {pages})",
                page=result.page + 1,
                pages=result.pages,
            ),
            t._("🏅 status points, which count toward your tier"),
        ]
        for entry in result.entries:
            when = t.date(entry.created_at.astimezone(zone).date(), "short")
            line = f"{when} · {entry_label(ctx, entry)} · <b>{t.signed(entry.points)}</b>"
            if status.get(entry.id or 0):
                line += f" · 🏅 {t.signed(status[entry.id or 0])}"
            lines.append(line)
    nav: list[Button] = []
    if result.page > 0:
        nav.append(button(t.pgettext("button", "◀️ Newer"), PointsHistory(result.page - 1)))
    if result.page + 1 < result.pages:
        nav.append(button(t.pgettext("button", "Older ▶️"), PointsHistory(result.page + 1)))
    rows = [nav] if nav else []
    rows.append(back_to_points(t))
    ctx.reply("\n".join(lines), rows, edit=True)


def entry_label(ctx: Context, entry: LedgerEntry) -> str:
    t = ctx.t
    kind = entry.kind
    if kind is EntryKind.REDEEM:
        reward = ctx.reference.rewards.get((ctx.market.code, entry.source_id))
        return reward.title(t.code) if reward else t._("Reward")
    if kind is EntryKind.REFUND:
        return t._("Voucher cancelled, points returned")
    if kind is EntryKind.EXPIRE:
        return t._("Points expired")
    if kind is EntryKind.REVERSE:
        return t._("Points withdrawn (refund or cancellation)")
    if kind is EntryKind.ADJUST:
        return t._("Correction by your dealer")
    return activity_label(t, entry.rule)


def activity_label(t: Translator, rule: str) -> str:
    labels = {
        "paid_service": t._("Service visit"),
        "booking_attended": t._("Visit attended as booked"),
        "survey_answered": t._("Survey answered"),
        "club_event_attended": t._("Club event"),
        "idea_accepted": t._("Your idea was adopted"),
        "content_accepted": t._("Your story was published"),
        "referral_test_drive": t._("Referral: test drive"),
        "referral_delivered": t._("Referral: car delivered"),
        "welcome_perk": t._("Welcome gift"),
    }
    return labels.get(rule, t._("Points earned"))


@router.on(HowToEarn)
async def show_how_to_earn(ctx: Context, _code: HowToEarn) -> None:
    t = ctx.t
    rules = ctx.reference.rules(ctx.market.code)
    lines = [
        t._("<b>How to earn points</b>"),
        t._(
            "🔧 Service at our dealers: 1 point for every {amount} you pay. "
            "Points become spendable {days} days after the visit.",
            amount=t.money(rules.minor_per_point, ctx.market.currency),
            days=rules.pending_days,
        ),
    ]
    order = [
        ("booking_attended", "📅"),
        ("survey_answered", "📝"),
        ("club_event_attended", "🎉"),
        ("idea_accepted", "💡"),
        ("content_accepted", "📸"),
        ("referral_test_drive", "🤝"),
        ("referral_delivered", "🚗"),
    ]
    for rule, icon in order:
        activity = rules.activities.get(rule)
        if activity is None:
            continue
        lines.append(f"{icon} {activity_label(t, rule)}: +{points_text(t, activity.points)}")
    lines += [
        "",
        t.ngettext(
            "Points stay valid for {n} month after they become spendable.",
            "Points stay valid for {n} months after they become spendable.",
            rules.expiry_months,
        ),
        t._(
            "Status points (for your tier) come with every award and count over the last 12 months."
        ),
    ]
    ctx.reply("\n".join(lines), [back_to_points(t)], edit=True)


def back_to_points(t: Translator) -> list[Button]:
    return [button(t.pgettext("button", "⬅️ Points"), PointsHome())]
