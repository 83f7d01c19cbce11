"""Staff corrections: a mandatory reason, journalled and audited."""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.domain.loyalty import EntryKind, LedgerEntry, LoyaltyError, SpendKind, allocate
from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.services.loyalty.earn import ADJUSTMENT, Award, award
from bot.services.loyalty.ledger import balance, lock_account, open_lots, spend
from bot.services.ports import UnitOfWork
from bot.services.staff import audit


class ReasonRequired(LoyaltyError):
    pass


async def adjust(
    uow: UnitOfWork,
    reference: Reference,
    *,
    owner: Owner,
    delta: int,
    reason: str,
    actor: str,
    now: datetime,
) -> int:
    """A staff correction with a mandatory reason; returns the new spendable balance.
    Raises InsufficientPoints rather than take more than is spendable."""
    assert owner.id is not None
    if not reason.strip():
        raise ReasonRequired
    if delta == 0:
        raise ValueError("an adjustment changes the balance")
    request = secrets.token_hex(8)
    if delta > 0:
        await award(
            uow,
            reference,
            Award(
                owner_id=owner.id,
                rule=ADJUSTMENT,
                source="staff",
                source_id=request,
                points=delta,
                reason=reason,
                actor=actor,
            ),
            market=owner.market,
            now=now,
        )
    else:
        await _deduct(uow, owner.id, -delta, reason=reason, actor=actor, request=request, now=now)
    audit(uow, actor, "points.adjust", f"owner:{owner.id}", reason, now, points=delta)
    return await balance(uow, owner.id, now)


async def _deduct(
    uow: UnitOfWork,
    owner_id: int,
    points: int,
    *,
    reason: str,
    actor: str,
    request: str,
    now: datetime,
) -> None:
    await lock_account(uow, owner_id, now)
    lots = await open_lots(uow, owner_id)
    taken = allocate([lot.view() for lot in lots.values()], points, now)
    spent = await spend(
        uow, owner_id, lots, taken, kind=SpendKind.ADJUST, request_key=request, now=now
    )
    uow.ledger.add(
        LedgerEntry(
            owner_id=owner_id,
            kind=EntryKind.ADJUST,
            points=-points,
            created_at=now,
            source="staff",
            source_id=request,
            rule=ADJUSTMENT,
            spend_id=spent.id,
            reason=reason,
            actor=actor,
        )
    )
    await uow.flush()
