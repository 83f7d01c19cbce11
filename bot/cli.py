"""`ownerbot` commands. Thin: parse arguments, call a service, print the outcome."""

from __future__ import annotations

import asyncio
import csv
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer

from bot.app import App, build_app, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from bot.logs import configure_logging

if TYPE_CHECKING:
    from bot.services.service_desk import DeskRow

T = TypeVar("T")

cli = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="ownerbot: owner engagement in the owner's language.",
)
db_cli = typer.Typer(no_args_is_help=True, help="Database migrations.")
import_cli = typer.Typer(no_args_is_help=True, help="Imports from a dealer management system.")
demo_cli = typer.Typer(no_args_is_help=True, help="Demo data.")
i18n_cli = typer.Typer(no_args_is_help=True, help="Translations.")
staff_cli = typer.Typer(no_args_is_help=True, help="Dealer staff and their roles.")
bookings_cli = typer.Typer(no_args_is_help=True, help="Service bookings, for the service desk.")
visits_cli = typer.Typer(no_args_is_help=True, help="Service visits.")
cli.add_typer(db_cli, name="db")
cli.add_typer(import_cli, name="import")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(i18n_cli, name="i18n")
cli.add_typer(staff_cli, name="staff")
cli.add_typer(bookings_cli, name="bookings")
cli.add_typer(visits_cli, name="visits")


def _with_app(work: Callable[[App], Awaitable[T]], clock: FixedClock | None = None) -> T:
    settings = Settings()
    configure_logging(settings.log_level)
    app = build_app(settings, clock)

    async def main() -> T:
        try:
            return await work(app)
        finally:
            await app.close()

    return asyncio.run(main())


def _parse_now(now: str | None) -> FixedClock | None:
    if not now:
        return None
    moment = datetime.fromisoformat(now)
    if moment.tzinfo is None:
        raise typer.BadParameter("--now needs a time zone, e.g. 2027-03-01T09:00+07:00")
    return FixedClock(moment)


@cli.command()
def run() -> None:
    """Migrate, load the demo if the database is empty, and start the bot.

    With TELEGRAM_BOT_TOKEN set it runs on Telegram; without, it opens the console."""

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        if app.settings.telegram_bot_token is None:
            typer.echo(
                "No TELEGRAM_BOT_TOKEN: starting the console. Try /start, then "
                "`@contact +66812345678` to be the demo owner in Bangkok. Ctrl-D quits."
            )
            await _console(app, user_id=100001, language_code="", name="")
            return
        from bot.channels.runtime import run_telegram

        await run_telegram(app)

    _with_app(work)


@cli.command()
def console(
    user: Annotated[int, typer.Option(help="Telegram-style user id of the speaker")] = 100001,
    lang: Annotated[str, typer.Option(help="The client's language_code, e.g. pt-br")] = "",
    now: Annotated[str | None, typer.Option(help="Fixed clock, ISO with zone")] = None,
    name: Annotated[str, typer.Option(help="The speaker's first name")] = "",
    echo: Annotated[bool, typer.Option(help="Print each input line")] = False,
) -> None:
    """Chat with the bot in the terminal, or pipe a script of lines into it."""
    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        await _console(app, user_id=user, language_code=lang, name=name, echo=echo, clock=clock)

    _with_app(work, clock)


async def _console(
    app: App,
    *,
    user_id: int,
    language_code: str,
    name: str,
    echo: bool = False,
    clock: FixedClock | None = None,
) -> None:
    from bot.channels.console import ConsoleChannel

    channel = ConsoleChannel(
        app.dispatcher(),
        user_id=user_id,
        language_code=language_code,
        first_name=name,
        clock=clock,
        echo=echo or not sys.stdin.isatty(),
    )
    if sys.stdin.isatty():
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                return
            await channel.say(line)
    await channel.run(sys.stdin)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations."""

    async def work(app: App) -> None:
        await prepare_database(app)
        typer.echo("database is up to date")

    _with_app(work)


@db_cli.command("revision")
def db_revision(message: Annotated[str, typer.Option("-m", "--message")]) -> None:
    """Autogenerate a migration from storage/tables.py (against OWNERBOT_DATABASE_URL)."""
    from storage.migrate import revision

    revision(Settings().database_url, message)


@import_cli.command("owners")
def import_owners_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    skip_invalid: Annotated[bool, typer.Option(help="Import the good rows anyway")] = False,
) -> None:
    """Owners and vehicles from a DMS export (CSV, UTF-8, header row; see README)."""
    from bot.services.importer import import_owners

    async def work(app: App) -> int:
        await prepare_database(app)
        with file.open(encoding="utf-8-sig", newline="") as fh:
            async with app.database.uow() as uow:
                report = await import_owners(
                    uow, fh, app.reference, now=app.clock.now(), skip_invalid=skip_invalid
                )
        for error in report.errors:
            typer.echo(str(error), err=True)
        typer.echo(
            f"{report.rows} rows, {len(report.errors)} errors; "
            f"owners: {report.owners_created} new, {report.owners_updated} updated; "
            f"vehicles: {report.vehicles_created} new, {report.vehicles_updated} updated; "
            f"{report.unchanged} unchanged"
        )
        if not report.applied:
            typer.echo("nothing imported: fix the rows above or use --skip-invalid", err=True)
            return 1
        return 0

    raise typer.Exit(_with_app(work))


@import_cli.command("recalls")
def import_recalls_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    skip_invalid: Annotated[bool, typer.Option(help="Import the good rows anyway")] = False,
) -> None:
    """Safety recalls by VIN (CSV: vin, campaign_code, title, published_on, optional status
    and title_<language>; see README)."""
    from bot.services.recalls import import_recalls

    async def work(app: App) -> int:
        await prepare_database(app)
        with file.open(encoding="utf-8-sig", newline="") as fh:
            async with app.database.uow() as uow:
                report = await import_recalls(
                    uow, fh, now=app.clock.now(), skip_invalid=skip_invalid
                )
                if report.applied:
                    await app.bus.commit(uow, app.clock.now())
        for error in report.errors:
            typer.echo(str(error), err=True)
        typer.echo(
            f"{report.rows} rows, {len(report.errors)} errors; recalls: {report.created} new, "
            f"{report.updated} updated, {report.unchanged} unchanged; "
            f"{report.unknown_vins} for VINs not (yet) in the database"
        )
        if not report.applied:
            typer.echo("nothing imported: fix the rows above or use --skip-invalid", err=True)
            return 1
        return 0

    raise typer.Exit(_with_app(work))


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(f"{value!r} is not a date as YYYY-MM-DD") from error


_EXPORT_COLUMNS = (
    "booking_id",
    "dealer_code",
    "status",
    "starts_at_utc",
    "ends_at_utc",
    "local_start",
    "timezone",
    "bay",
    "services",
    "transport",
    "notes",
    "owner_id",
    "first_name",
    "last_name",
    "phone",
    "language",
    "vin",
    "model",
    "mileage_km",
    "created_at_utc",
)


def _desk_values(app: App, row: DeskRow) -> dict[str, object]:
    booking, owner, vehicle = row.booking, row.owner, row.vehicle
    dealer = app.reference.dealers[booking.dealer_code]
    local = booking.starts_at.astimezone(ZoneInfo(dealer.timezone))
    return {
        "booking_id": booking.id,
        "dealer_code": booking.dealer_code,
        "status": booking.status,
        "starts_at_utc": booking.starts_at.isoformat(),
        "ends_at_utc": booking.ends_at.isoformat(),
        "local_start": local.strftime("%Y-%m-%d %H:%M"),
        "timezone": dealer.timezone,
        "bay": booking.bay,
        "services": " ".join(booking.services),
        "transport": booking.transport,
        "notes": booking.notes,
        "owner_id": booking.owner_id,
        "first_name": owner.first_name if owner else "",
        "last_name": owner.last_name if owner else "",
        "phone": owner.phone if owner and owner.phone else "",
        "language": (owner.locale or owner.locale_on_file or "") if owner else "",
        "vin": vehicle.vin if vehicle and vehicle.vin else "",
        "model": vehicle.model if vehicle else "",
        "mileage_km": vehicle.mileage_km if vehicle and vehicle.mileage_km is not None else "",
        "created_at_utc": booking.created_at.isoformat(),
    }


async def _desk(
    app: App, dealer: str | None, day: date | None, start: datetime, end: datetime
) -> list[DeskRow]:
    from bot.services.service_desk import desk_rows

    if dealer is not None and dealer not in app.reference.dealers:
        raise typer.BadParameter(f"unknown dealer {dealer!r}")
    await prepare_database(app)
    async with app.database.uow() as uow:
        return await desk_rows(
            uow, app.reference, start=start, end=end, dealer_code=dealer, day=day
        )


@bookings_cli.command("list")
def bookings_list(
    dealer: Annotated[str | None, typer.Option(help="Only this dealer's center")] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="Only this local day (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Bookings from now on (or on one day), in each center's local time."""
    wanted = _parse_day(day)

    async def work(app: App) -> None:
        now = app.clock.now()
        rows = await _desk(app, dealer, wanted, now, now + timedelta(days=400))
        for row in rows:
            values = _desk_values(app, row)
            typer.echo(
                "\t".join(
                    str(values[k])
                    for k in (
                        "booking_id",
                        "local_start",
                        "dealer_code",
                        "status",
                        "services",
                        "transport",
                        "first_name",
                        "phone",
                        "model",
                    )
                )
            )
        typer.echo(f"{len(rows)} bookings")

    _with_app(work)


@bookings_cli.command("export")
def bookings_export(
    file: Annotated[Path, typer.Argument(dir_okay=False, writable=True)],
    dealer: Annotated[str | None, typer.Option(help="Only this dealer's center")] = None,
    since: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD)")] = None,
) -> None:
    """Every booking (or those in a date range) as a UTF-8 CSV for the service desk."""
    first, last = _parse_day(since), _parse_day(until)

    async def work(app: App) -> None:
        start = (
            datetime.combine(first, time(0), tzinfo=UTC) - timedelta(days=1)
            if first
            else datetime(1970, 1, 1, tzinfo=UTC)
        )
        end = (
            datetime.combine(last, time(0), tzinfo=UTC) + timedelta(days=2)
            if last
            else datetime(9999, 1, 1, tzinfo=UTC)
        )
        rows = await _desk(app, dealer, None, start, end)
        written = 0
        with file.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=_EXPORT_COLUMNS)
            writer.writeheader()
            for row in rows:
                values = _desk_values(app, row)
                local_day = str(values["local_start"])[:10]
                if (first and local_day < first.isoformat()) or (
                    last and local_day > last.isoformat()
                ):
                    continue
                writer.writerow(values)
                written += 1
        typer.echo(f"{written} bookings written to {file}")

    _with_app(work)


@visits_cli.command("record")
def visits_record(
    vin: Annotated[str, typer.Option(help="The vehicle's VIN")],
    dealer: Annotated[str, typer.Option(help="Dealer code of the service center")],
    invoice: Annotated[str, typer.Option(help="Amount paid, e.g. 4500.00, in the market currency")],
    day: Annotated[str, typer.Option("--date", help="Day of the visit (YYYY-MM-DD)")],
    services: Annotated[str, typer.Option(help="Operation codes, comma-separated")] = "maintenance",
    mileage: Annotated[int | None, typer.Option(help="Odometer in km")] = None,
) -> None:
    """Record a visit made without a booking (raises VisitCompleted, audited)."""
    from babel.numbers import get_currency_precision

    from bot.services.service_desk import VisitRefused, record_desk_visit

    visited_on = _parse_day(day)
    assert visited_on is not None

    async def work(app: App) -> int:
        await prepare_database(app)
        center = app.reference.dealers.get(dealer)
        if center is None:
            raise typer.BadParameter(f"unknown dealer {dealer!r}")
        currency = app.reference.market(center.market).currency
        try:
            minor = Decimal(invoice).scaleb(get_currency_precision(currency))
        except InvalidOperation as error:
            raise typer.BadParameter(f"{invoice!r} is not an amount") from error
        if minor != minor.to_integral_value():
            raise typer.BadParameter(f"{invoice!r} has too many decimals for {currency}")
        async with app.database.uow() as uow:
            try:
                visit = await record_desk_visit(
                    uow,
                    app.reference,
                    vin=vin.strip().upper(),
                    dealer_code=dealer,
                    visited_on=visited_on,
                    invoice_minor=int(minor),
                    mileage_km=mileage,
                    services=[s.strip() for s in services.split(",") if s.strip()],
                    actor=_cli_actor(),
                    now=app.clock.now(),
                )
            except VisitRefused as error:
                typer.echo(f"not recorded: {error}", err=True)
                return 1
            await app.bus.commit(uow, app.clock.now())
        typer.echo(f"visit {visit.id} recorded: {invoice} {currency} at {dealer}")
        return 0

    raise typer.Exit(_with_app(work))


@demo_cli.command("seed")
def demo_seed() -> None:
    """Load the demo owners (idempotent)."""
    from bot.services.demo import seed_demo

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            report = await seed_demo(uow, app.reference, app.clock.now())
            await app.bus.commit(uow, app.clock.now())
        typer.echo(
            f"demo: {report.owners_created} owners and {report.vehicles_created} vehicles "
            f"added, {report.unchanged} already there"
        )

    _with_app(work)


def _cli_actor() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


@staff_cli.command("add")
def staff_add(
    user: Annotated[int, typer.Option(help="Telegram user id of the staff member")],
    role: Annotated[str, typer.Option(help="advisor, sales, moderator, manager or admin")],
    name: Annotated[str, typer.Option(help="Name shown to colleagues")],
    dealer: Annotated[str | None, typer.Option(help="Dealer code; omit for admins")] = None,
    channel: Annotated[str, typer.Option(help="telegram or console")] = "telegram",
) -> None:
    """Give someone a staff role (or change it). Every staff action is audited."""
    from bot.domain.staff import Role
    from bot.services.staff import add_staff

    try:
        parsed_role = Role(role)
    except ValueError as error:
        raise typer.BadParameter(f"unknown role {role!r}") from error

    async def work(app: App) -> None:
        await prepare_database(app)
        if dealer is not None and dealer not in app.reference.dealers:
            raise typer.BadParameter(f"unknown dealer {dealer!r}")
        async with app.database.uow() as uow:
            await add_staff(
                uow,
                channel=channel,
                user_id=user,
                role=parsed_role,
                name=name,
                dealer_code=dealer,
                actor=_cli_actor(),
                now=app.clock.now(),
            )
            await uow.commit()
        typer.echo(
            f"{name} ({channel}:{user}) is now {parsed_role.value} at {dealer or 'every dealer'}"
        )

    _with_app(work)


@staff_cli.command("list")
def staff_list() -> None:
    """Everyone with a staff role."""

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            for m in await uow.staff.all():
                state = "" if m.active else " (inactive)"
                typer.echo(
                    f"{m.channel}:{m.user_id}\t{m.role}\t{m.dealer_code or '*'}\t{m.name}{state}"
                )

    _with_app(work)


@i18n_cli.command("check")
def i18n_check() -> None:
    """Fail on untranslated, fuzzy or broken catalog entries (see bot/i18n_check.py)."""
    from bot.i18n_check import check_catalogs

    problems = check_catalogs(Settings().locales_dir)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        typer.echo(f"{len(problems)} catalog problems", err=True)
        raise typer.Exit(1)
    typer.echo("catalogs OK")


def main() -> None:
    cli()
