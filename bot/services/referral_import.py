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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.events import ReferralStageReached, WelcomeGiftPaid
from bot.domain.owner_import import RowError
from bot.domain.reference import Reference
from bot.domain.referral_import import StageRow, header_problems, parse_stage_row
from bot.domain.referrals import Move, Referral, Stage, StageRewards, check_move
from bot.services.csv_files import CsvRows
from bot.services.import_plan import CHUNK_ROWS, FileReport, ImportPlan
from bot.services.ports import UnitOfWork
from bot.services.referral_rewards import StageMove
from bot.services.referrals import move_stage


@dataclass
class StageImportReport(FileReport):
    moved: int = 0
    unchanged: int = 0
    moves: list[StageMove] = field(default_factory=list)
    points_paid: int = 0


@dataclass(frozen=True)
class _Planned:
    row: StageRow
    referral_id: int
    at: datetime


_Chunk = Sequence[_Planned]


async def plan_stage_import(
    uow: UnitOfWork,
    lines: Iterable[str],
    reference: Reference,
    *,
    now: datetime,
    actor: str,
    skip_invalid: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportPlan[StageImportReport, _Chunk]:
    """Check every row against the referrals as stored (`uow` is only read); the plan
    moves them in chunks of about `chunk_rows` rows."""
    report = StageImportReport()
    planned = await _check(uow, CsvRows(lines), reference, now, report)
    accepted = skip_invalid or not report.errors

    async def apply(uow: UnitOfWork, chunk: _Chunk) -> None:
        await _apply(uow, reference, chunk, report, now=now, actor=actor)

    chunks = _whole_referrals(planned, chunk_rows) if accepted else []
    return ImportPlan(report, chunks, apply, accepted)


def _whole_referrals(planned: list[_Planned], size: int) -> list[_Chunk]:
    """Chunks of at least `size` moves in the file's order, cut only where no referral
    has moves on both sides: each referral moves in one transaction, and its owner
    hears once of where it got to."""
    last = {step.referral_id: n for n, step in enumerate(planned)}
    chunks: list[_Chunk] = []
    start = reach = 0
    for n, step in enumerate(planned):
        reach = max(reach, last[step.referral_id])
        if n == reach and n + 1 - start >= size:
            chunks.append(planned[start : n + 1])
            start = n + 1
    if start < len(planned):
        chunks.append(planned[start:])
    return chunks


async def import_stages(
    uow: UnitOfWork,
    lines: Iterable[str],
    reference: Reference,
    *,
    now: datetime,
    actor: str,
    skip_invalid: bool = False,
) -> StageImportReport:
    """The whole file in the caller's unit of work (the caller commits)."""
    plan = await plan_stage_import(
        uow, lines, reference, now=now, actor=actor, skip_invalid=skip_invalid
    )
    return await plan.apply_all(uow)


async def _check(
    uow: UnitOfWork,
    table: CsvRows,
    reference: Reference,
    now: datetime,
    report: StageImportReport,
) -> list[_Planned]:
    missing = header_problems(table.header)
    if missing:
        report.errors.append(RowError(1, "", f"header lacks columns: {', '.join(missing)}"))
        return []
    planned: list[_Planned] = []
    state: dict[int, tuple[Stage, Stage]] = {}  # referral -> (stage, furthest) so far
    for line, raw in table:
        report.rows += 1
        if raw is None:
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
    return planned


async def _apply(
    uow: UnitOfWork,
    reference: Reference,
    chunk: _Chunk,
    report: StageImportReport,
    *,
    now: datetime,
    actor: str,
) -> None:
    news: dict[int, tuple[StageMove, StageRewards]] = {}  # referral -> last move, rewards
    for step in chunk:
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
        if done.outcome is not Move.ADVANCE:
            report.unchanged += 1
            continue
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
            uow.events.append(WelcomeGiftPaid(step.referral_id, friend.id or 0, points, step.at))
    _announce(uow, news, now)


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
