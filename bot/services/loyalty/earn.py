"""Awards: points for paid service and activities, paid once, and undone on refunds.

Awards are idempotent on (source, source id, rule): the checks run under the account
lock, so a replay racing the original still finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.events import VisitCompleted, VisitRefunded
from bot.domain.loyalty import (
    EntryKind,
    LedgerEntry,
    PointLot,
    StatusAward,
    lot_dates,
    points_for_payment,
)
from bot.domain.reference import Reference
from bot.services.bus import MessageBus
from bot.services.loyalty.ledger import lock_account
from bot.services.loyalty.tiers import promote_if_earned
from bot.services.ports import UnitOfWork

PAID_SERVICE = "paid_service"
BOOKING_ATTENDED = "booking_attended"
ADJUSTMENT = "adjustment"  # a staff correction (adjustments.py): journalled as one


class AwardOutcome(StrEnum):
    AWARDED = "awarded"
    DUPLICATE = "duplicate"  # this (source, source id, rule) was paid before
    CAPPED = "capped"  # the rule's monthly cap is reached
    NOTHING = "nothing"  # zero points


@dataclass(frozen=True)
class Award:
    owner_id: int
    rule: str
    source: str
    source_id: str
    points: int = 0
    status_points: int = 0
    pending_days: int = 0
    monthly_cap: int | None = None
    reason: str = ""
    actor: str = "system"


async def award(
    uow: UnitOfWork, reference: Reference, grant: Award, *, market: str, now: datetime
) -> AwardOutcome:
    """Pay an award once: a lot for its points, a status award for its status points."""
    if grant.points <= 0 and grant.status_points <= 0:
        return AwardOutcome.NOTHING
    rules = reference.rules(market)
    account = await lock_account(uow, grant.owner_id, now)
    if await uow.point_lots.by_award(
        grant.source, grant.source_id, grant.rule
    ) or await uow.status_awards.by_award(grant.source, grant.source_id, grant.rule):
        return AwardOutcome.DUPLICATE
    if grant.monthly_cap is not None:
        since = _month_start(now, reference.market(market).timezone)
        if (
            await uow.point_lots.awards_since(grant.owner_id, grant.rule, since)
            >= grant.monthly_cap
        ):
            return AwardOutcome.CAPPED
    if grant.points > 0:
        available, expires = lot_dates(now, grant.pending_days, rules.expiry_months)
        lot = PointLot(
            owner_id=grant.owner_id,
            points=grant.points,
            remaining=grant.points,
            source=grant.source,
            source_id=grant.source_id,
            rule=grant.rule,
            earned_at=now,
            available_at=available,
            expires_at=expires,
            reason=grant.reason,
            actor=grant.actor,
        )
        uow.point_lots.add(lot)
        await uow.flush()
        uow.ledger.add(
            LedgerEntry(
                owner_id=grant.owner_id,
                kind=EntryKind.ADJUST if grant.rule == ADJUSTMENT else EntryKind.EARN,
                points=grant.points,
                created_at=now,
                source=grant.source,
                source_id=grant.source_id,
                rule=grant.rule,
                lot_id=lot.id,
                reason=grant.reason,
                actor=grant.actor,
            )
        )
    if grant.status_points > 0:
        uow.status_awards.add(
            StatusAward(
                owner_id=grant.owner_id,
                points=grant.status_points,
                source=grant.source,
                source_id=grant.source_id,
                rule=grant.rule,
                earned_at=now,
            )
        )
    await uow.flush()
    await promote_if_earned(uow, account, rules, now)
    return AwardOutcome.AWARDED


async def award_activity(
    uow: UnitOfWork,
    reference: Reference,
    *,
    owner_id: int,
    market: str,
    rule: str,
    source: str,
    source_id: str,
    now: datetime,
    actor: str = "system",
    reason: str = "",
) -> AwardOutcome:
    """An activity award as the market's rules price it (bot/data/loyalty.toml)."""
    activity = reference.rules(market).activity(rule)
    return await award(
        uow,
        reference,
        Award(
            owner_id=owner_id,
            rule=rule,
            source=source,
            source_id=source_id,
            points=activity.points,
            status_points=activity.status,
            pending_days=activity.pending_days,
            monthly_cap=activity.monthly_cap,
            reason=reason,
            actor=actor,
        ),
        market=market,
        now=now,
    )


async def reverse_award(
    uow: UnitOfWork,
    *,
    source: str,
    source_id: str,
    rule: str,
    now: datetime,
    reason: str,
    actor: str = "system",
) -> int:
    """Undo an award: what is left of its lot goes, its status points stop counting.

    Points already spent stay spent (a balance never goes negative); the reversal
    entry points at the entry it undoes. Reversing twice changes nothing.
    """
    lot = await uow.point_lots.by_award(source, source_id, rule)
    status = await uow.status_awards.by_award(source, source_id, rule)
    if lot is not None:
        owner_id = lot.owner_id
    elif status is not None:
        owner_id = status.owner_id
    else:
        return 0
    await lock_account(uow, owner_id, now)
    reversed_points = 0
    if lot is not None and lot.remaining > 0:
        assert lot.id is not None
        reversed_points = lot.remaining
        lot.remaining = 0
        undone = await uow.ledger.creating(lot.id)
        uow.ledger.add(
            LedgerEntry(
                owner_id=owner_id,
                kind=EntryKind.REVERSE,
                points=-reversed_points,
                created_at=now,
                source=source,
                source_id=source_id,
                rule=rule,
                lot_id=lot.id,
                reverses_id=undone.id if undone else None,
                reason=reason,
                actor=actor,
            )
        )
    if status is not None and status.reversed_at is None:
        status.reversed_at = now
    await uow.flush()
    return reversed_points


# --- the domain events loyalty reacts to ------------------------------------------------


def subscribe(bus: MessageBus, reference: Reference) -> None:
    async def visit_completed(uow: UnitOfWork, event: VisitCompleted, now: datetime) -> None:
        owner = await uow.owners.get(event.owner_id)
        if owner is None or owner.erased_at is not None:
            return
        rules = reference.rules(owner.market)
        points, status = points_for_payment(event.invoice_minor, rules)
        await award(
            uow,
            reference,
            Award(
                owner_id=event.owner_id,
                rule=PAID_SERVICE,
                source="visit",
                source_id=str(event.visit_id),
                points=points,
                status_points=status,
                pending_days=rules.pending_days,
            ),
            market=owner.market,
            now=now,
        )
        if event.booking_id is not None:  # came as booked: the activity award
            await award_activity(
                uow,
                reference,
                owner_id=event.owner_id,
                market=owner.market,
                rule=BOOKING_ATTENDED,
                source="booking",
                source_id=str(event.booking_id),
                now=now,
            )

    async def visit_refunded(uow: UnitOfWork, event: VisitRefunded, now: datetime) -> None:
        await reverse_award(
            uow,
            source="visit",
            source_id=str(event.visit_id),
            rule=PAID_SERVICE,
            now=now,
            reason="visit refunded",
        )

    bus.subscribe(VisitCompleted, visit_completed)
    bus.subscribe(VisitRefunded, visit_refunded)


def _month_start(now: datetime, zone: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
