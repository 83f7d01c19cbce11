"""`ownerbot import recalls FILE.csv`: safety recalls by VIN from the manufacturer.

All or nothing by default: one bad row and nothing changes (every bad row is reported by
line); `skip_invalid` imports the good rows. Re-importing the same file changes nothing:
recalls are matched by (VIN, campaign code). A VIN we don't know yet is stored anyway
and reaches its vehicle when the vehicle is imported. The caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.booking import RecallState, VehicleRecall
from bot.domain.owner_import import RowError
from bot.domain.recall_import import RECALL_COLUMNS, RecallRow, parse_recall_row, title_columns
from bot.services.csv_files import CsvRows
from bot.services.import_plan import CHUNK_ROWS, FileReport, ImportPlan, chunked
from bot.services.ports import UnitOfWork


@dataclass
class RecallImportReport(FileReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown_vins: int = 0  # stored, but no vehicle of ours has the VIN yet


def validate_recalls(
    lines: Iterable[str], today: date
) -> tuple[list[RecallRow], RecallImportReport]:
    report = RecallImportReport()
    table = CsvRows(lines)
    missing = [c for c in RECALL_COLUMNS if c not in table.header]
    titles, header_errors = title_columns(table.header)
    if missing:
        header_errors.insert(0, RowError(1, "", f"header lacks columns: {', '.join(missing)}"))
    if header_errors:
        report.errors.extend(header_errors)
        return [], report
    valid: list[RecallRow] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, raw in table:
        report.rows += 1
        if raw is None:
            report.errors.append(RowError(line, "", "wrong number of columns"))
            continue
        parsed = parse_recall_row(line, raw, titles, today)
        if isinstance(parsed, list):
            report.errors.extend(parsed)
            continue
        key = (parsed.vin, parsed.campaign_code)
        if key in first_line:
            report.errors.append(
                RowError(line, "campaign_code", f"same VIN and campaign as line {first_line[key]}")
            )
            continue
        first_line[key] = line
        valid.append(parsed)
    return valid, report


def plan_recall_import(
    lines: Iterable[str],
    *,
    now: datetime,
    skip_invalid: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportPlan[RecallImportReport, Sequence[RecallRow]]:
    """Check the whole file; the plan writes it in chunks of `chunk_rows` rows."""
    rows, report = validate_recalls(lines, now.date())
    accepted = skip_invalid or not report.errors

    async def apply(uow: UnitOfWork, chunk: Sequence[RecallRow]) -> None:
        await _apply(uow, chunk, report, now)

    return ImportPlan(report, chunked(rows, chunk_rows) if accepted else [], apply, accepted)


async def import_recalls(
    uow: UnitOfWork,
    lines: Iterable[str],
    *,
    now: datetime,
    skip_invalid: bool = False,
) -> RecallImportReport:
    """The whole file in the caller's unit of work (the caller commits)."""
    return await plan_recall_import(lines, now=now, skip_invalid=skip_invalid).apply_all(uow)


async def _apply(
    uow: UnitOfWork, rows: Sequence[RecallRow], report: RecallImportReport, now: datetime
) -> None:
    existing = await uow.recalls.by_keys([(r.vin, r.campaign_code) for r in rows])
    vehicles = await uow.vehicles.by_vins({r.vin for r in rows})
    for row in rows:
        vehicle = vehicles.get(row.vin)
        vehicle_id = vehicle.id if vehicle else None
        if vehicle_id is None:
            report.unknown_vins += 1
        recall = existing.get((row.vin, row.campaign_code))
        if recall is None:
            recall = VehicleRecall(
                vin=row.vin,
                campaign_code=row.campaign_code,
                title=row.title,
                titles=dict(row.titles),
                published_on=row.published_on,
                imported_at=now,
                vehicle_id=vehicle_id,
            )
            if row.state is RecallState.CLOSED:
                recall.close(now)
            uow.recalls.add(recall)
            existing[(row.vin, row.campaign_code)] = recall
            report.created += 1
            continue
        changed = False
        fields: dict[str, object] = {"title": row.title, "published_on": row.published_on}
        if vehicle_id is not None:
            fields["vehicle_id"] = vehicle_id
        if row.titles and {**recall.titles, **row.titles} != recall.titles:
            fields["titles"] = {**recall.titles, **row.titles}
        for name, value in fields.items():
            if getattr(recall, name) != value:
                setattr(recall, name, value)
                changed = True
        if row.state is RecallState.CLOSED and recall.is_open:
            recall.close(now)
            changed = True
        elif row.state is RecallState.OPEN and not recall.is_open:
            recall.state, recall.closed_at = RecallState.OPEN, None
            changed = True
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    await uow.flush()
