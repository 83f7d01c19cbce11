"""What the commands share: running work against the app, --now, owners by phone, the
audit actor, and the CSV imports' run-and-report."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TextIO, TypeVar

import typer

from bot.app import App, build_app, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from bot.logs import configure_logging

if TYPE_CHECKING:
    from bot.services.ports import UnitOfWork

T = TypeVar("T")


def with_app(work: Callable[[App], Awaitable[T]], clock: FixedClock | None = None) -> T:
    """Build the app from the environment, run `work` on it and close it."""
    settings = Settings()
    configure_logging(settings.log_level)
    app = build_app(settings, clock)

    async def main() -> T:
        try:
            return await work(app)
        finally:
            await app.close()

    return asyncio.run(main())


def parse_now(now: str | None) -> FixedClock | None:
    """The clock for a --now option: fixed at that moment, or None for the system clock."""
    if not now:
        return None
    moment = datetime.fromisoformat(now)
    if moment.tzinfo is None:
        raise typer.BadParameter("--now needs a time zone, e.g. 2027-03-01T09:00+07:00")
    return FixedClock(moment)


async def owner_for(app: App, uow: Any, phone: str) -> Any:
    """The owner with this phone number (local numbers in the default market's format)."""
    from bot.domain.phone import PhoneError, normalize_phone

    try:
        e164 = normalize_phone(
            phone,
            None
            if phone.startswith("+")
            else app.reference.market(app.settings.default_market).phone_region,
        )
    except PhoneError as error:
        raise typer.BadParameter(f"{phone!r} is not a phone number") from error
    owner = await uow.owners.by_phone(e164)
    if owner is None:
        raise typer.BadParameter(f"no owner with phone {phone}")
    return owner


def cli_actor() -> str:
    """Who did it, for the audit trail: the operating-system user."""
    import getpass

    return f"cli:{getpass.getuser()}"


class CsvImportReport(Protocol):
    """What every CSV importer reports, whatever else it counts."""

    @property
    def rows(self) -> int: ...

    @property
    def applied(self) -> bool: ...

    @property
    def errors(self) -> Sequence[object]: ...


R = TypeVar("R", bound=CsvImportReport)


def run_csv_import(
    file: Path,
    load: Callable[[App, UnitOfWork, TextIO, datetime], Awaitable[R]],
    counts: Callable[[R], str],
) -> NoReturn:
    """Import a CSV file (UTF-8, with or without a BOM) in one unit of work.

    `load` reads the rows as of `now`; what it applied is committed through the bus. Each
    error goes to stderr by line, then a summary: rows, errors and the importer's `counts`.
    The exit code is 1 when errors stopped the import (without --skip-invalid)."""

    async def work(app: App) -> int:
        await prepare_database(app)
        now = app.clock.now()
        with file.open(encoding="utf-8-sig", newline="") as fh:
            async with app.database.uow() as uow:
                report = await load(app, uow, fh, now)
                if report.applied:
                    await uow.commit()
        for error in report.errors:
            typer.echo(str(error), err=True)
        typer.echo(f"{report.rows} rows, {len(report.errors)} errors; {counts(report)}")
        if not report.applied:
            typer.echo("nothing imported: fix the rows above or use --skip-invalid", err=True)
            return 1
        return 0

    raise typer.Exit(with_app(work))
