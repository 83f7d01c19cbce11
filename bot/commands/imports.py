"""`ownerbot import ...`: CSV files from a dealer management system and the dealers' CRM."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.app import App
from bot.commands.common import run_csv_import
from bot.commands.progress import Quiet
from bot.services.import_plan import CHUNK_ROWS, OWNER_CHUNK_ROWS

if TYPE_CHECKING:
    from bot.domain.owner_import import OwnerRow
    from bot.domain.recall_import import RecallRow
    from bot.services.import_plan import ImportPlan
    from bot.services.importer import ImportReport
    from bot.services.recalls import RecallImportReport
    from bot.services.referral_import import StageImportReport

import_cli = typer.Typer(no_args_is_help=True, help="Imports from a dealer management system.")

CsvFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
SkipInvalid = Annotated[bool, typer.Option(help="Import the good rows anyway")]
ChunkRows = Annotated[
    int, typer.Option(min=1, help="Rows written per transaction (the bot waits at most one)")
]


@import_cli.command("owners")
def import_owners_command(
    file: CsvFile,
    skip_invalid: SkipInvalid = False,
    chunk_rows: ChunkRows = OWNER_CHUNK_ROWS,
    quiet: Quiet = False,
) -> None:
    """Owners and vehicles from a DMS export (CSV, UTF-8, header row; see README)."""
    from bot.services.importer import plan_owner_import

    async def plan(
        app: App, lines: Iterable[str], now: datetime
    ) -> ImportPlan[ImportReport, Sequence[OwnerRow]]:
        return plan_owner_import(
            lines, app.reference, now=now, skip_invalid=skip_invalid, chunk_rows=chunk_rows
        )

    def counts(report: ImportReport) -> str:
        return (
            f"owners: {report.owners_created} new, {report.owners_updated} updated; "
            f"vehicles: {report.vehicles_created} new, {report.vehicles_updated} updated; "
            f"{report.unchanged} unchanged"
        )

    run_csv_import(file, plan, counts, quiet=quiet)


@import_cli.command("recalls")
def import_recalls_command(
    file: CsvFile,
    skip_invalid: SkipInvalid = False,
    chunk_rows: ChunkRows = CHUNK_ROWS,
    quiet: Quiet = False,
) -> None:
    """Safety recalls by VIN (CSV: vin, campaign_code, title, published_on, optional status
    and title_<language>; see README)."""
    from bot.services.recalls import plan_recall_import

    async def plan(
        app: App, lines: Iterable[str], now: datetime
    ) -> ImportPlan[RecallImportReport, Sequence[RecallRow]]:
        return plan_recall_import(lines, now=now, skip_invalid=skip_invalid, chunk_rows=chunk_rows)

    def counts(report: RecallImportReport) -> str:
        return (
            f"recalls: {report.created} new, "
            f"{report.updated} updated, {report.unchanged} unchanged; "
            f"{report.unknown_vins} for VINs not (yet) in the database"
        )

    run_csv_import(file, plan, counts, quiet=quiet)


@import_cli.command("referral-stages")
def import_referral_stages_command(
    file: CsvFile,
    skip_invalid: SkipInvalid = False,
    chunk_rows: ChunkRows = CHUNK_ROWS,
    quiet: Quiet = False,
) -> None:
    """Referral stage changes from the dealers' CRM (CSV: referral_id or friend_phone,
    stage, changed_at; optional market, vin, note). See README."""
    from bot.services.referral_import import plan_stage_import

    async def plan(
        app: App, lines: Iterable[str], now: datetime
    ) -> ImportPlan[StageImportReport, Any]:
        async with app.database.uow() as uow:  # only read: rows are checked against it
            return await plan_stage_import(
                uow,
                lines,
                app.reference,
                now=now,
                actor=f"import:{file.name}"[:64],
                skip_invalid=skip_invalid,
                chunk_rows=chunk_rows,
            )

    def counts(report: StageImportReport) -> str:
        return (
            f"{report.moved} stage changes, {report.unchanged} already recorded; "
            f"{report.points_paid} points awarded"
        )

    run_csv_import(file, plan, counts, quiet=quiet)
