"""What the commands share: running work against the app, --now, owners by phone, the
audit actor, and the CSV imports' run-and-report."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from bot.app import App, build_app, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from bot.logs import configure_logging, mask_personal_data

if TYPE_CHECKING:
    from bot.services.import_plan import FileReport, ImportPlan

T = TypeVar("T")
R = TypeVar("R", bound="FileReport")
log = logging.getLogger(__name__)


def with_app(work: Callable[[App], Awaitable[T]], clock: FixedClock | None = None) -> T:
    """Build the app from the environment, run `work` on it and close it."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    if settings.brand_dir is not None:
        refuse_a_broken_kit(settings.brand_dir)
    app = build_app(settings, clock)

    async def main() -> T:
        try:
            return await work(app)
        finally:
            await app.close()

    return asyncio.run(main())


def refuse_a_broken_kit(directory: Path) -> None:
    """Nothing runs on a brand kit that fails `ownerbot brand check`."""
    from bot.data.kit import check_kit

    problems = check_kit(directory)
    if problems:
        for problem in problems:
            typer.echo(f"{directory / problem.file}:{problem.line}: {problem.message}", err=True)
        typer.echo(
            f"The brand kit in {directory} has {len(problems)} problem(s): fix them "
            f"(`ownerbot brand check {directory}`) or unset OWNERBOT_BRAND_DIR.",
            err=True,
        )
        raise typer.Exit(1)


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


def run_csv_import(
    file: Path,
    plan: Callable[[App, Iterable[str], datetime], Awaitable[ImportPlan[R, Any]]],
    counts: Callable[[R], str],
    *,
    quiet: bool = False,
) -> NoReturn:
    """Import a CSV file: check all of it (`plan`), then write it chunk by chunk, each
    chunk committed with its events (bot/services/import_plan.py says why).

    A file that is not UTF-8 text, or not CSV, is refused with one line. Each bad row
    goes to stderr by line, then a summary: rows, errors and the importer's `counts`.
    The exit code is 1 when nothing was imported or the import stopped part-way."""
    from bot.commands.progress import progress
    from bot.services.csv_files import CsvFileError, decode_csv
    from bot.services.import_plan import SQLITE_PAUSE
    from storage.db import is_sqlite

    data = file.read_bytes()

    async def work(app: App) -> int:
        try:
            lines = decode_csv(data)
            await prepare_database(app)
            now = app.clock.now()
            checked = await plan(app, lines, now)
        except CsvFileError as error:
            typer.echo(f"{file.name}, {error}. Nothing imported.", err=True)
            return 1
        report = checked.report
        for problem in report.errors:
            typer.echo(str(problem), err=True)
        if not checked.accepted:
            typer.echo(f"{report.rows} rows, {len(report.errors)} errors; {counts(report)}")
            typer.echo("nothing imported: fix the rows above or use --skip-invalid", err=True)
            return 1
        pause = SQLITE_PAUSE if is_sqlite(app.settings.database_url) else 0.0
        try:
            with progress(f"{file.name}", checked.rows_to_write, quiet=quiet) as advance:
                await checked.apply_in_chunks(app.database.uow, pause=pause, written=advance)
        except Exception as error:  # the operator gets one line; the log level DEBUG has more
            log.debug("import of %s stopped", file, exc_info=True)
            first_line = mask_personal_data(str(error).partition("\n")[0])
            typer.echo(
                f"the import stopped part-way ({type(error).__name__}: {first_line}); {_RERUN}",
                err=True,
            )
            return 1
        typer.echo(f"{report.rows} rows, {len(report.errors)} errors; {counts(report)}")
        return 0

    try:
        code = with_app(work)
    except KeyboardInterrupt:
        typer.echo(f"interrupted; {_RERUN}", err=True)
        code = 130
    raise typer.Exit(code)


_RERUN = "what was written stays: run the same file again to finish, nothing is imported twice"
