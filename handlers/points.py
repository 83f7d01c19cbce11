"""/points: balance, pending and expiring points, tier progress, history, rewards,
vouchers. Everything that changes points goes through bot.services.loyalty."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.loyalty import (
    EntryKind,
    InsufficientPoints,
    LedgerEntry,
    Redemption,
    RedemptionStatus,
    RewardCategory,
    RewardInfo,
    Tier,
    TierPerks,
    progress_bar,
)
from bot.i18n import Translator, escape
from bot.services import loyalty
from bot.services.loyalty import RewardUnavailable, VoucherProblem
from handlers.codes import BadCode, make_code, parse_code
from handlers.context import Context
from handlers.errors import NotYours
from handlers.media import qr_png
from handlers.menu import back_to_menu
from handlers.router import Router
from handlers.types import Attachment, Button

router = Router()

REWARDS_PER_PAGE = 5
_CATEGORY_ICONS = {
    RewardCategory.SERVICE_VOUCHER: "🔧",
    RewardCategory.PARTNER_PERK: "🎁",
    RewardCategory.CHARITY: "💚",
    RewardCategory.MERCHANDISE: "🧢",
}


def tier_name(t: Translator, tier: Tier | str) -> str:
    names = {
        Tier.EXPLORER: t.pgettext("tier", "Explorer"),
        Tier.COMPANION: t.pgettext("tier", "Companion"),
        Tier.CO_CREATOR: t.pgettext("tier", "Co-creator"),
    }
    return names[Tier(tier)]


def points_text(t: Translator, n: int) -> str:
    return t.ngettext("{n} point", "{n} points", n)


# --- the points screen -------------------------------------------------------------------


@router.command("points")
async def points_command(ctx: Context) -> None:
    await _show_points(ctx, edit=False)


@router.button("pts")
async def points_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    if code.action == "home":
        await _show_points(ctx, edit=True)
    elif code.action == "hist":
        await _show_history(ctx, code.int_arg(0))
    elif code.action == "earn":
        _show_how_to_earn(ctx)
    else:
        raise BadCode("unknown points action")


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
    summary = await loyalty.summary(ctx.uow, ctx.reference, owner, ctx.now)
    lines = [
        t.ngettext(
            "⭐ You have <b>{n}</b> point to spend.",
            "⭐ You have <b>{n}</b> points to spend.",
            summary.balance,
        )
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
                Button(ctx.t.pgettext("button", "🎁 Rewards"), make_code("rw", "cats")),
                Button(ctx.t.pgettext("button", "🎟 My vouchers"), make_code("vc", "list")),
            ],
            [
                Button(ctx.t.pgettext("button", "📜 History"), make_code("pts", "hist", 0)),
                Button(ctx.t.pgettext("button", "💡 How to earn"), make_code("pts", "earn")),
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


async def _show_history(ctx: Context, page: int) -> None:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    t = ctx.t
    zone = _zone(owner.timezone or ctx.market.timezone)
    result = await loyalty.history(ctx.uow, owner.id, page)
    if not result.entries:
        lines = [t._("No points movements yet. Your first service visit will start the story.")]
    else:
        lines = [
            t._(
                "<b>Points history</b> (page {page} of {pages})",
                page=result.page + 1,
                pages=result.pages,
            )
        ]
        for entry in result.entries:
            when = t.date(entry.created_at.astimezone(zone).date(), "short")
            lines.append(f"{when} · {entry_label(ctx, entry)} · <b>{t.signed(entry.points)}</b>")
    nav: list[Button] = []
    if result.page > 0:
        nav.append(
            Button(t.pgettext("button", "◀️ Newer"), make_code("pts", "hist", result.page - 1))
        )
    if result.page + 1 < result.pages:
        nav.append(
            Button(t.pgettext("button", "Older ▶️"), make_code("pts", "hist", result.page + 1))
        )
    rows = [nav] if nav else []
    rows.append([Button(t.pgettext("button", "⬅️ Points"), make_code("pts", "home"))])
    ctx.reply("\n".join(lines), rows, edit=True)


def entry_label(ctx: Context, entry: LedgerEntry) -> str:
    t = ctx.t
    kind = EntryKind(entry.kind)
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


def _show_how_to_earn(ctx: Context) -> None:
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
    ctx.reply(
        "\n".join(lines),
        [[Button(t.pgettext("button", "⬅️ Points"), make_code("pts", "home"))]],
        edit=True,
    )


# --- rewards -----------------------------------------------------------------------------


def category_name(t: Translator, category: RewardCategory) -> str:
    names = {
        RewardCategory.SERVICE_VOUCHER: t.pgettext("button", "Service vouchers"),
        RewardCategory.PARTNER_PERK: t.pgettext("button", "Partner perks"),
        RewardCategory.CHARITY: t.pgettext("button", "Charity"),
        RewardCategory.MERCHANDISE: t.pgettext("button", "Merchandise"),
    }
    return names[category]


@router.button("rw")
async def rewards_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    if code.action == "cats":
        _show_categories(ctx)
    elif code.action == "cat":
        try:
            category = RewardCategory(code.arg(0))
        except ValueError as error:
            raise BadCode("unknown category") from error
        await _show_category(ctx, category, code.int_arg(1))
    elif code.action == "show":
        await _show_reward(ctx, _reward(ctx, code.arg(0)))
    elif code.action == "ask":
        await _ask_to_confirm(ctx, _reward(ctx, code.arg(0)))
    elif code.action == "ok":
        await _redeem(ctx, _reward(ctx, code.arg(0)), code.arg(1))
    else:
        raise BadCode("unknown rewards action")


def _reward(ctx: Context, key: str) -> RewardInfo:
    reward = ctx.reference.rewards.get((ctx.market.code, key))
    if reward is None:
        raise BadCode("no such reward in the owner's market")
    return reward


def _show_categories(ctx: Context) -> None:
    offered = {r.category for r in ctx.reference.rewards_in(ctx.market.code)}
    rows = [
        [
            Button(
                f"{_CATEGORY_ICONS[c]} {category_name(ctx.t, c)}",
                make_code("rw", "cat", c.value, 0),
            )
        ]
        for c in RewardCategory
        if c in offered
    ]
    rows.append([Button(ctx.t.pgettext("button", "⬅️ Points"), make_code("pts", "home"))])
    ctx.reply(ctx.t._("What would you like to spend your points on?"), rows, edit=True)


async def _show_category(ctx: Context, category: RewardCategory, page: int) -> None:
    t = ctx.t
    rewards = sorted(
        (r for r in ctx.reference.rewards_in(ctx.market.code) if r.category is category),
        key=lambda r: (r.points, r.key),
    )
    pages = max((len(rewards) + REWARDS_PER_PAGE - 1) // REWARDS_PER_PAGE, 1)
    page = min(max(page, 0), pages - 1)
    shown = rewards[page * REWARDS_PER_PAGE : (page + 1) * REWARDS_PER_PAGE]
    lines = [f"{_CATEGORY_ICONS[category]} <b>{category_name(t, category)}</b>"]
    lines += [f"• {escape(r.title(t.code))}: {points_text(t, r.points)}" for r in shown]
    rows = [[Button(_short(r.title(t.code)), make_code("rw", "show", r.key))] for r in shown]
    nav = []
    if page > 0:
        nav.append(
            Button(t.pgettext("button", "◀️ Back"), make_code("rw", "cat", category.value, page - 1))
        )
    if page + 1 < pages:
        nav.append(
            Button(t.pgettext("button", "More ▶️"), make_code("rw", "cat", category.value, page + 1))
        )
    if nav:
        rows.append(nav)
    rows.append([Button(t.pgettext("button", "⬅️ Rewards"), make_code("rw", "cats"))])
    ctx.reply("\n".join(lines), rows, edit=True)


def _short(title: str, limit: int = 30) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


async def _show_reward(ctx: Context, reward: RewardInfo) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t
    summary = await loyalty.summary(ctx.uow, ctx.reference, owner, ctx.now)
    stock = await ctx.uow.loyalty.stock(reward.market, reward.key)
    lines = [f"<b>{escape(reward.title(t.code))}</b>", escape(reward.description(t.code)), ""]
    lines.append(t._("Price: {points}", points=points_text(t, reward.points)))
    if reward.category is RewardCategory.CHARITY:
        lines.append(
            t._(
                "We donate {amount} for you.",
                amount=t.money(reward.donation_minor, ctx.market.currency),
            )
        )
    elif reward.validity_days:
        lines.append(
            t.ngettext(
                "Valid for {n} day after you redeem it.",
                "Valid for {n} days after you redeem it.",
                reward.validity_days,
            )
        )
    if reward.min_tier is not Tier.EXPLORER:
        lines.append(t._("For {tier} members and above.", tier=tier_name(t, reward.min_tier)))
    if stock is not None and 0 < stock <= 10:
        lines.append(t.ngettext("Only {n} left!", "Only {n} left!", stock))
    lines.append(t._("Your balance: {points}", points=points_text(t, summary.balance)))
    rows: list[list[Button]] = []
    if stock == 0:
        lines.append(t._("Sorry, this reward is out of stock."))
    elif summary.tier.rank < reward.min_tier.rank:
        pass
    elif summary.balance >= reward.points:
        rows.append(
            [
                Button(
                    t.pgettext("button", "Redeem for {points}", points=t.number(reward.points)),
                    make_code("rw", "ask", reward.key),
                )
            ]
        )
    else:
        lines.append(
            t.ngettext(
                "You need {n} more point for this one.",
                "You need {n} more points for this one.",
                reward.points - summary.balance,
            )
        )
    rows.append(
        [
            Button(
                t.pgettext("button", "⬅️ Rewards"), make_code("rw", "cat", reward.category.value, 0)
            )
        ]
    )
    ctx.reply("\n".join(lines), rows, edit=True)


async def _ask_to_confirm(ctx: Context, reward: RewardInfo) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t
    summary = await loyalty.summary(ctx.uow, ctx.reference, owner, ctx.now)
    left = summary.balance - reward.points
    if left < 0:
        await _show_reward(ctx, reward)
        return
    request = secrets.token_hex(4)  # one confirm button, one redemption, however often tapped
    ctx.reply(
        t._(
            "Redeem <b>{title}</b> for {points}? You will have {left} left.",
            title=reward.title(t.code),
            points=points_text(t, reward.points),
            left=points_text(t, left),
        ),
        [
            [
                Button(
                    t.pgettext("button", "✅ Confirm"), make_code("rw", "ok", reward.key, request)
                ),
                Button(t.pgettext("button", "Cancel"), make_code("rw", "show", reward.key)),
            ]
        ],
        edit=True,
    )


async def _redeem(ctx: Context, reward: RewardInfo, request: str) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t
    try:
        result = await loyalty.redeem(
            ctx.uow, reward, owner=owner, request_key=request, now=ctx.now
        )
    except InsufficientPoints as short:
        ctx.reply(
            t._(
                "You have {balance}, and this reward needs {needed}. Nothing was spent.",
                balance=points_text(t, short.balance),
                needed=points_text(t, short.needed),
            ),
            [[Button(t.pgettext("button", "⬅️ Rewards"), make_code("rw", "cats"))]],
            edit=True,
        )
        return
    except RewardUnavailable as unavailable:
        text = (
            t._("Sorry, this reward is out of stock. Nothing was spent.")
            if unavailable.why == "stock"
            else t._(
                "This reward is for {tier} members and above.",
                tier=tier_name(t, unavailable.min_tier or Tier.COMPANION),
            )
        )
        ctx.reply(
            text, [[Button(t.pgettext("button", "⬅️ Rewards"), make_code("rw", "cats"))]], edit=True
        )
        return
    _show_redemption(ctx, result.redemption, balance=result.balance_after, edit=True)


# --- vouchers ----------------------------------------------------------------------------


def _show_redemption(
    ctx: Context,
    redemption: Redemption,
    *,
    balance: int | None,
    edit: bool,
    offer_cancel: bool = False,
) -> None:
    t = ctx.t
    reward = ctx.reference.rewards.get((redemption.market, redemption.reward_key))
    title = reward.title(t.code) if reward else redemption.reward_key
    rows = [
        [Button(t.pgettext("button", "🎟 My vouchers"), make_code("vc", "list"))],
        back_to_menu(ctx),
    ]
    if offer_cancel and redemption.usable(ctx.now):
        cancel = Button(
            t.pgettext("button", "Cancel and refund"), make_code("vc", "ask", redemption.id)
        )
        rows.insert(0, [cancel])
    after = (
        [t._("Points left: {points}", points=points_text(t, balance))]
        if balance is not None
        else []
    )
    if redemption.status == RedemptionStatus.DONATED:
        amount = t.money(reward.donation_minor, ctx.market.currency) if reward else ""
        text = "\n".join(
            [
                t._(
                    "💚 Thank you! We donate {amount} to “{title}” on your behalf.",
                    amount=amount,
                    title=title,
                ),
                t._("Receipt number: <code>{receipt}</code>", receipt=redemption.receipt or ""),
                *after,
            ]
        )
        ctx.reply(text, rows, edit=edit)
        return
    zone = _zone(ctx.owner.timezone if ctx.owner and ctx.owner.timezone else ctx.market.timezone)
    valid = t.date(redemption.valid_until.astimezone(zone).date()) if redemption.valid_until else ""
    text = "\n".join(
        [
            t._("🎟 <b>{title}</b>", title=title),
            t._("Your code: <code>{code}</code>", code=redemption.code or ""),
            t._(
                "Valid until {date}. Show the code or the QR at the dealer's desk "
                "or to our partner.",
                date=valid,
            ),
            *after,
        ]
    )
    ctx.reply(text, rows, edit=edit)
    if redemption.code and redemption.status == RedemptionStatus.ISSUED:
        ctx.reply(
            "",
            attachment=Attachment(
                filename="voucher.png",
                data=qr_png(redemption.code),
                kind="photo",
                caption=t._("Voucher {code}", code=redemption.code),
            ),
        )


@router.button("vc")
async def vouchers_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    if code.action == "list":
        await _list_vouchers(ctx)
        return
    redemption = await ctx.uow.loyalty.redemption(code.int_arg(0))
    if redemption is None or redemption.owner_id != owner.id:
        raise NotYours
    if code.action == "show":
        _show_redemption(ctx, redemption, balance=None, edit=True, offer_cancel=True)
    elif code.action == "ask":
        ctx.reply(
            ctx.t._(
                "Cancel this voucher? Its {points} come back to your balance.",
                points=points_text(ctx.t, redemption.points),
            ),
            [
                [
                    Button(
                        ctx.t.pgettext("button", "Yes, cancel it"),
                        make_code("vc", "cancel", redemption.id),
                    ),
                    Button(
                        ctx.t.pgettext("button", "No, keep the voucher"),
                        make_code("vc", "show", redemption.id),
                    ),
                ]
            ],
            edit=True,
        )
    elif code.action == "cancel":
        try:
            refunded = await loyalty.cancel_redemption(
                ctx.uow, owner_id=owner.id, redemption_id=redemption.id or 0, now=ctx.now
            )
        except VoucherProblem:
            ctx.reply(
                ctx.t._("This voucher can no longer be cancelled."), [back_to_menu(ctx)], edit=True
            )
            return
        ctx.reply(
            ctx.t._(
                "Voucher cancelled: {points} are back in your balance.",
                points=points_text(ctx.t, refunded),
            ),
            [
                [Button(ctx.t.pgettext("button", "🎟 My vouchers"), make_code("vc", "list"))],
                back_to_menu(ctx),
            ],
            edit=True,
        )
    else:
        raise BadCode("unknown voucher action")


async def _list_vouchers(ctx: Context) -> None:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    t = ctx.t
    redemptions: Sequence[Redemption] = await ctx.uow.loyalty.redemptions_of(owner.id)
    if not redemptions:
        ctx.reply(
            t._("You have no vouchers yet."),
            [
                [Button(t.pgettext("button", "🎁 Rewards"), make_code("rw", "cats"))],
                back_to_menu(ctx),
            ],
            edit=True,
        )
        return
    status_icons = {
        RedemptionStatus.ISSUED: "🟢",
        RedemptionStatus.USED: "✔️",
        RedemptionStatus.EXPIRED: "⌛",
        RedemptionStatus.CANCELLED: "✖️",
        RedemptionStatus.DONATED: "💚",
    }
    rows = []
    for redemption in redemptions[:10]:
        reward = ctx.reference.rewards.get((redemption.market, redemption.reward_key))
        title = reward.title(t.code) if reward else redemption.reward_key
        icon = status_icons[RedemptionStatus(redemption.status)]
        if redemption.status == RedemptionStatus.ISSUED and not redemption.usable(ctx.now):
            icon = status_icons[RedemptionStatus.EXPIRED]
        rows.append([Button(f"{icon} {_short(title, 28)}", make_code("vc", "show", redemption.id))])
    rows.append(back_to_menu(ctx))
    legend = t._("🟢 ready to use · ✔️ used · ⌛ expired · ✖️ cancelled · 💚 donated")
    heading = t._("<b>Your vouchers</b>")
    ctx.reply(f"{heading}\n{legend}", rows, edit=True)
