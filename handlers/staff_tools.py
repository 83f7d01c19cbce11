"""Commands for dealer staff: take a voucher, award or correct points, look up an owner.

Every command re-checks the role in the database (never the chat it comes from) and
every change is audited with who, when and why.
"""

from __future__ import annotations

import re

from bot.domain.loyalty import InsufficientPoints
from bot.domain.owners import Owner
from bot.domain.phone import PhoneError, normalize_phone
from bot.domain.staff import Role, StaffMember
from bot.domain.text import isolate
from bot.domain.vin import mask_vin
from bot.i18n import escape
from bot.services.loyalty import adjustments, rewards, statement
from bot.services.loyalty.rewards import VoucherProblem, VoucherRefusal
from bot.services.queries.owners import owner_by_id, owner_by_phone
from bot.services.queries.vehicles import vehicles_of
from bot.services.staff import LacksRole, NotStaff, actor_id, require_staff
from handlers.context import Context
from handlers.points import points_text, tier_name
from handlers.router import Router

router = Router()

# "/award 050 123 4567 250 waited two hours": the phone may hold spaces; the points are
# the last number before a reason that starts with a letter.
_ADJUSTMENT = re.compile(
    r"^\s*(?P<phone>\+?[\d\s\-()]+?)\s+(?P<points>[+-]?\d+)\s+(?P<reason>\D.*)$", re.DOTALL
)


async def _staff(ctx: Context, *roles: Role) -> StaffMember | None:
    try:
        return await require_staff(ctx.uow, ctx.event.channel, ctx.event.user_id, *roles)
    except LacksRole:
        ctx.reply(_for_roles(ctx, roles))
        return None
    except NotStaff:
        ctx.reply(ctx.t._("This command is for dealer staff."))
        return None


def _for_roles(ctx: Context, roles: tuple[Role, ...]) -> str:
    """Who the command is for, told to staff whose role it isn't."""
    if set(roles) == {Role.MANAGER}:
        return ctx.t._("This command is for managers.")
    return ctx.t._("This command is for service advisors and sales staff.")


def _staff_region(ctx: Context, member: StaffMember) -> str | None:
    dealer = ctx.reference.dealers.get(member.dealer_code or "")
    market = dealer.market if dealer else member.market
    return ctx.reference.market(market).phone_region if market else None


async def _owner_by_phone(ctx: Context, member: StaffMember, raw: str) -> Owner | None:
    try:
        phone = normalize_phone(raw, _staff_region(ctx, member))
    except PhoneError:
        ctx.reply(ctx.t._("“{phone}” is not a phone number I can read.", phone=raw))
        return None
    owner = await owner_by_phone(ctx.uow, phone)
    if owner is None or not member.serves_market(owner.market, ctx.reference.dealers):
        ctx.reply(ctx.t._("No owner with that phone number in your market."))
        return None
    return owner


@router.command("voucher", "redeem", needs_owner=False, private_only=False)
async def take_voucher(ctx: Context) -> None:
    member = await _staff(ctx, Role.ADVISOR, Role.SALES)
    if member is None:
        return
    t = ctx.t
    code = ctx.event.text.strip()
    if not code:
        ctx.reply(t._("Send the code after the command, for example: /voucher AU-7KQ4-9XHF-2M3P"))
        return
    try:
        redemption = await rewards.use_voucher(
            ctx.uow,
            ctx.reference,
            code=code,
            staff=member,
            actor=actor_id(ctx.event.channel, ctx.event.user_id),
            now=ctx.now,
        )
    except VoucherProblem as problem:
        ctx.reply(_voucher_problem(ctx, problem))
        return
    reward = ctx.reference.rewards.get((redemption.market, redemption.reward_key))
    owner = await owner_by_id(ctx.uow, redemption.owner_id)
    ctx.reply(
        t._(
            "✅ Voucher {code} accepted: {reward}, for {name}.",
            code=redemption.code or "",
            reward=reward.title(t.code) if reward else redemption.reward_key,
            name=isolate(owner.display_name) if owner else "—",
        )
    )


def _voucher_problem(ctx: Context, problem: VoucherProblem) -> str:
    t = ctx.t
    redemption = problem.redemption
    if problem.why is VoucherRefusal.USED and redemption and redemption.used_at:
        return t._(
            "This voucher was already used on {date}.",
            date=t.datetime(redemption.used_at, ctx.market.timezone, "short"),
        )
    messages = {
        VoucherRefusal.UNKNOWN: t._("No voucher has this code. Please check it letter by letter."),
        VoucherRefusal.ELSEWHERE: t._("This voucher belongs to another country's programme."),
        VoucherRefusal.EXPIRED: t._("This voucher has expired."),
        VoucherRefusal.CANCELLED: t._("This voucher was cancelled by its owner."),
        VoucherRefusal.DONATED: t._("This is a donation receipt, not a voucher."),
    }
    return messages.get(problem.why, t._("This voucher can't be used."))


@router.command("award", "adjust", needs_owner=False, private_only=False)
async def adjust_points(ctx: Context) -> None:
    """/award PHONE POINTS REASON, /adjust PHONE ±POINTS REASON (managers)."""
    member = await _staff(ctx, Role.MANAGER)
    if member is None:
        return
    t = ctx.t
    usage = t._(
        "Usage: /{command} PHONE POINTS REASON, for example: "
        "/{command} +66812345678 200 goodwill after a delay",
        command=ctx.event.command,
    )
    match = _ADJUSTMENT.match(ctx.event.text)
    if match is None:
        ctx.reply(usage)
        return
    raw_phone, reason = match["phone"], match["reason"]
    delta = int(match["points"].replace("+", ""))
    if delta == 0 or (ctx.event.command == "award" and delta < 0):
        ctx.reply(usage)
        return
    owner = await _owner_by_phone(ctx, member, raw_phone)
    if owner is None:
        return
    try:
        balance = await adjustments.adjust(
            ctx.uow,
            ctx.reference,
            owner=owner,
            delta=delta,
            reason=reason.strip(),
            actor=actor_id(ctx.event.channel, ctx.event.user_id),
            now=ctx.now,
        )
    except InsufficientPoints as short:
        ctx.reply(t._("Only {points} can be taken away.", points=points_text(t, short.balance)))
        return
    ctx.reply(
        t._(
            "Done: {change} for {name}. New balance: {points}.",
            change=t.signed(delta),
            name=isolate(owner.display_name),
            points=points_text(t, balance),
        )
    )


@router.command("owner", needs_owner=False, private_only=False)
async def look_up_owner(ctx: Context) -> None:
    member = await _staff(ctx, Role.ADVISOR, Role.SALES)
    if member is None:
        return
    t = ctx.t
    if not ctx.event.text.strip():
        ctx.reply(
            t._("Send the owner's phone number after the command, for example: /owner 0812345678")
        )
        return
    owner = await _owner_by_phone(ctx, member, ctx.event.text.strip())
    if owner is None or owner.id is None:
        return
    summary = await statement.summary(ctx.uow, ctx.reference, owner, ctx.now)
    vehicles = await vehicles_of(ctx.uow, owner.id)
    lines = [
        f"<b>{_full_name(owner)}</b>",
        t._("Tier: {tier}", tier=tier_name(t, summary.tier)),
        t._("Points: {points}", points=points_text(t, summary.balance)),
    ]
    if summary.pending_total:
        lines.append(t._("Pending: {points}", points=points_text(t, summary.pending_total)))
    for vehicle in vehicles:
        model = ctx.reference.models.get(vehicle.model)
        name = model.name if model else vehicle.model
        lines.append(f"🚗 {name} · {mask_vin(vehicle.vin) if vehicle.vin else '—'}")
    ctx.reply("\n".join(lines))


def _full_name(owner: Owner) -> str:
    return escape(isolate(owner.full_name))
