"""`ownerbot import ...`: CSV files from a dealer management system and the dealers' CRM."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from bot.app import App
from bot.commands.common import run_csv_import

if TYPE_CHECKING:
    from bot.services.importer import ImportReport
    from bot.services.ports import UnitOfWork
    from bot.services.recalls import RecallImportReport
    from bot.services.referral_import import StageImportReport

import_cli = typer.Typer(no_args_is_help=True, help="Imports from a dealer management system.")

CsvFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
SkipInvalid = Annotated[bool, typer.Option(help="Import the good rows anyway")]


@import_cli.command("owners")
def import_owners_command(file: CsvFile, skip_invalid: SkipInvalid = False) -> None:
    """Owners and vehicles from a DMS export (CSV, UTF-8, header row; see README)."""
    from bot.services.importer import import_owners

    async def load(app: App, uow: UnitOfWork, fh: TextIO, now: datetime) -> ImportReport:
        return await import_owners(uow, fh, app.reference, now=now, skip_invalid=skip_invalid)

    def counts(report: ImportReport) -> str:
        return (
            f"owners: {report.owners_created} new, {report.owners_updated} updated; "
            f"vehicles: {report.vehicles_created} new, {report.vehicles_updated} updated; "
            f"{report.unchanged} unchanged"
        )

    run_csv_import(file, load, counts)


@import_cli.command("recalls")
def import_recalls_command(file: CsvFile, skip_invalid: SkipInvalid = False) -> None:
    """Safety recalls by VIN (CSV: vin, campaign_code, title, published_on, optional status
    and title_<language>; see README)."""
    from bot.services.recalls import import_recalls

    async def load(app: App, uow: UnitOfWork, fh: TextIO, now: datetime) -> RecallImportReport:
        return await import_recalls(uow, fh, now=now, skip_invalid=skip_invalid)

    def counts(report: RecallImportReport) -> str:
        return (
            f"recalls: {report.created} new, "
            f"{report.updated} updated, {report.unchanged} unchanged; "
            f"{report.unknown_vins} for VINs not (yet) in the database"
        )

    run_csv_import(file, load, counts)


@import_cli.command("referral-stages")
def import_referral_stages_command(file: CsvFile, skip_invalid: SkipInvalid = False) -> None:
    """Referral stage changes from the dealers' CRM (CSV: referral_id or friend_phone,
    stage, changed_at; optional market, vin, note). See README."""
    from bot.services.referral_import import import_stages

    async def load(app: App, uow: UnitOfWork, fh: TextIO, now: datetime) -> StageImportReport:
        return await import_stages(
            uow,
            fh,
            app.reference,
            now=now,
            actor=f"import:{file.name}"[:64],
            skip_invalid=skip_invalid,
        )

    def counts(report: StageImportReport) -> str:
        return (
            f"{report.moved} stage changes, {report.unchanged} already recorded; "
            f"{report.points_paid} points awarded"
        )

    run_csv_import(file, load, counts)
