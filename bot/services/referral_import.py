"""`ownerbot import referral-stages FILE.csv`: stage changes from the dealers' CRM.

Every row is checked first: that it names one referral, and that the move is allowed
after the rows before it (stages only move forward; lost and cancelled are the
exceptions). All or nothing unless `skip_invalid`. A stage the referral has already
reached changes nothing, so importing the same file twice is harmless; rewards go
through the ledger, idempotent on the referral.

Owners hear of imported stages through the outbox: the import raises
`ReferralStageReached` (and `WelcomeGiftPaid` for a friend's gift), and the care
subscribers queue the messages in the same transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.events import ReferralStageReached, WelcomeGiftPaid
from bot.domain.owner_import import RowError
from bot.domain.reference import Reference
from bot.domain.referral_import import StageRow, header_problems, parse_stage_row
from bot.domain.referrals import Move, Referral, Stage, StageRewards, check_move
from bot.services.ports import UnitOfWork
from bot.services.referral_rewards import StageMove
from bot.services.referrals import move_stage


@dataclass
class StageImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    moved: int = 0
    unchanged: int = 0
    applied: bool = False
    moves: list[StageMove] = field(default_factory=list)
    points_paid: int = 0


@dataclass(frozen=True)
class _Planned:
    row: StageRow
    referral_id: int
    at: datetime


async def import_stages(
    uow: UnitOfWork,
    lines: Iterable[str],
    reference: Reference,
    *,
    now: datetime,
    actor: str,
    skip_invalid: bool = False,
) -> StageImportReport:
    report = StageImportReport()
    reader = csv.DictReader(lines)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = header_problems(header)
    if missing:
        report.errors.append(RowError(1, "", f"header lacks columns: {', '.join(missing)}"))
        return report
    reader.fieldnames = header
    planned: list[_Planned] = []
    state: dict[int, tuple[Stage, Stage]] = {}  # referral -> (stage, furthest) so far
    for raw in reader:
        line = reader.line_num
        report.rows += 1
        if None in raw or any(value is None for value in raw.values()):
            report.errors.append(RowError(line, "", "wrong number of columns"))
            continue
        parsed = parse_stage_row(line, raw, reference)
        if isinstance(parsed, list):
            report.errors.extend(parsed)
            continue
        referral = await _referral_of(uow, parsed, report)
        if referral is None:
            continue
        assert referral.id is not None
        dealer = reference.dealers.get(referral.dealer_code)
        zone = ZoneInfo(dealer.timezone if dealer else "UTC")
        at = parsed.moment(zone)
        if at > now:
            report.errors.append(RowError(line, "changed_at", "is in the future"))
            continue
        if at < referral.created_at:
            report.errors.append(
                RowError(line, "changed_at", "is before the friend was recommended")
            )
            continue
        current, furthest = state.get(referral.id, (referral.current, referral.reached))
        move = check_move(current, furthest, parsed.stage)
        if move is Move.REFUSED:
            report.errors.append(
                RowError(
                    line,
                    "stage",
                    f"referral {referral.id} can't move from {current.value} "
                    f"to {parsed.stage.value}",
                )
            )
            continue
        if move is Move.ALREADY:
            report.unchanged += 1
            continue
        if parsed.stage.rank > furthest.rank:
            furthest = parsed.stage
        state[referral.id] = (parsed.stage, furthest)
        planned.append(_Planned(parsed, referral.id, at))
    if report.errors and not skip_invalid:
        return report
    news: dict[int, tuple[StageMove, StageRewards]] = {}  # referral -> last move, rewards
    for step in planned:
        done = await move_stage(
            uow,
            reference,
            step.referral_id,
            step.row.stage,
            actor=actor,
            at=step.at,
            now=now,
            vin=step.row.vin,
            note=step.row.note,
        )
        if done.outcome is Move.ADVANCE:
            report.moved += 1
            report.moves.append(done)
            report.points_paid += sum(points for _rule, points in done.paid)
            earlier = news.get(step.referral_id)
            news[step.referral_id] = (
                done,
                earlier[1].then(done.rewards) if earlier else done.rewards,
            )
            if done.friend_perk is not None:
                friend, points = done.friend_perk
                uow.events.append(
                    WelcomeGiftPaid(step.referral_id, friend.id or 0, points, step.at)
                )
        else:
            report.unchanged += 1
    _announce(uow, news, now)
    report.applied = True  # the caller commits
    return report


def _announce(
    uow: UnitOfWork, news: dict[int, tuple[StageMove, StageRewards]], now: datetime
) -> None:
    """Nobody has told the owners: one event per referral moved, for the outbox (staff
    moving a stage in chat tell the owner themselves, so move_stage raises none)."""
    for referral_id, (last, rewards) in news.items():
        referral = last.referral
        uow.events.append(
            ReferralStageReached(
                referral_id=referral_id,
                owner_id=referral.referrer_id,
                stage=last.after.value,
                at=referral.stage_at or now,
                rewards=rewards,
            )
        )


async def _referral_of(
    uow: UnitOfWork, row: StageRow, report: StageImportReport
) -> Referral | None:
    """The referral a row means: by number; by the friend's phone, the oldest referral
    still in progress (the first recommendation wins), else the newest."""
    by_id = await uow.referrals.get(row.referral_id) if row.referral_id is not None else None
    if row.referral_id is not None and by_id is None:
        report.errors.append(RowError(row.line, "referral_id", f"no referral {row.referral_id}"))
        return None
    if row.friend_phone is None:
        return by_id
    if by_id is not None:
        if by_id.friend_phone != row.friend_phone:
            report.errors.append(
                RowError(row.line, "friend_phone", f"is not the phone of referral {by_id.id}")
            )
            return None
        return by_id
    of_phone = await uow.referrals.for_phone(row.friend_phone)
    if not of_phone:
        report.errors.append(RowError(row.line, "friend_phone", "no referral for this number"))
        return None
    open_ones = [r for r in of_phone if not r.current.is_exit]
    return open_ones[0] if open_ones else of_phone[-1]
