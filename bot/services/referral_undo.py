"""Undoing a lead's stage move within a minute: a wrong tap in the staff chat ("lost"
instead of "contacted") is taken back instead of standing for good.

Compare-and-set: the undo names the history line it undoes, and happens only while that
line is still the referral's latest (nobody moved the friend since) and less than a
minute old. A move that paid or took back points (a test drive's reward, a delivery, an
order cancelled after delivery) is not undone here: rewards are keyed once per referral
and stage, and a delivery recorded by mistake is corrected the way a real one is undone,
with "order cancelled". The undo is itself a line of the history, never a deletion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.referrals import (
    REWARD_SOURCE,
    Referral,
    Stage,
    StageChange,
    furthest_reached,
    rewards_crossed,
)
from bot.services.ports import UnitOfWork
from bot.services.referrals import UnknownReferral
from bot.services.staff import audit

UNDO_WINDOW = timedelta(minutes=1)


class Undo(StrEnum):
    UNDONE = "undone"
    MOVED_SINCE = "moved_since"  # another change came after the one to undo
    TOO_LATE = "too_late"  # more than a minute ago
    MOVED_POINTS = "moved_points"  # it paid or took back points: not undone here


@dataclass(frozen=True)
class UndoResult:
    outcome: Undo
    referral: Referral
    undone: StageChange | None = None  # the change taken back, when it was


def undoable_until(change: StageChange) -> datetime:
    return change.recorded_at + UNDO_WINDOW


async def undo_move(
    uow: UnitOfWork, referral_id: int, change_id: int, *, actor: str, now: datetime
) -> UndoResult:
    """Take back the stage change `change_id`, if it is still the latest, under a minute
    old, and moved no points. Locks the referral first, as moves do."""
    referral = await uow.referrals.lock(referral_id)
    if referral is None:
        raise UnknownReferral(referral_id)
    history = list(await uow.stage_changes.of_referral(referral_id))
    last = history[-1] if history else None
    if (
        last is None
        or last.id != change_id
        or last.to_stage != referral.stage
        or last.from_stage is None  # the lead's first line: there is nothing before it
    ):
        return UndoResult(Undo.MOVED_SINCE, referral)
    if now >= undoable_until(last):
        return UndoResult(Undo.TOO_LATE, referral)
    earlier = history[:-1]
    before_furthest = furthest_reached(earlier)
    crossed = rewards_crossed(before_furthest, furthest_reached(history))
    if await _moved_points(uow, referral, last, crossed):
        return UndoResult(Undo.MOVED_POINTS, referral)
    restored = last.from_stage
    referral.stage = restored
    referral.stage_at = earlier[-1].changed_at if earlier else referral.created_at
    referral.furthest = before_furthest
    referral.progress = before_furthest.rank
    uow.stage_changes.add(
        StageChange(
            referral_id=referral_id,
            from_stage=last.to_stage,
            to_stage=restored,
            changed_at=now,
            recorded_at=now,
            actor=actor,
            note=f"undo of change {change_id}",
        )
    )
    audit(
        uow,
        actor,
        "referral.stage.undo",
        f"referral:{referral_id}",
        "",
        now,
        undone=change_id,
        stage=restored.value,
    )
    return UndoResult(Undo.UNDONE, referral, last)


async def _moved_points(
    uow: UnitOfWork, referral: Referral, change: StageChange, crossed: list[str]
) -> bool:
    """Whether the change paid (or took back) points: a delivery, a cancellation after
    one, or a rewarded stage it crossed for the first time, if the ledger paid it."""
    if Stage.DELIVERED in (change.to_stage, change.from_stage):
        return True
    source_id = str(referral.id)
    for rule in crossed:
        if await uow.point_lots.by_award(REWARD_SOURCE, source_id, rule) is not None:
            return True
        if await uow.status_awards.by_award(REWARD_SOURCE, source_id, rule) is not None:
            return True
    return False
