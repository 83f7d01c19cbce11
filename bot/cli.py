"""`ownerbot` commands. Thin: parse arguments, call a service, print the outcome."""

from __future__ import annotations

import asyncio
import csv
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
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
points_cli = typer.Typer(no_args_is_help=True, help="The points ledger (staff and operations).")
loyalty_cli = typer.Typer(no_args_is_help=True, help="Tiers and rewards.")
care_cli = typer.Typer(no_args_is_help=True, help="Life-cycle care messages (the outbox).")
bookings_cli = typer.Typer(no_args_is_help=True, help="Service bookings, for the service desk.")
visits_cli = typer.Typer(no_args_is_help=True, help="Service visits.")
report_cli = typer.Typer(no_args_is_help=True, help="Numbers for dealers and the brand.")
cli.add_typer(db_cli, name="db")
cli.add_typer(import_cli, name="import")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(i18n_cli, name="i18n")
cli.add_typer(staff_cli, name="staff")
cli.add_typer(points_cli, name="points")
cli.add_typer(loyalty_cli, name="loyalty")
cli.add_typer(care_cli, name="care")
cli.add_typer(bookings_cli, name="bookings")
cli.add_typer(visits_cli, name="visits")
cli.add_typer(report_cli, name="report")


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
                if report.applied:
                    await app.bus.commit(uow, app.clock.now())
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


@import_cli.command("referral-stages")
def import_referral_stages_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    skip_invalid: Annotated[bool, typer.Option(help="Import the good rows anyway")] = False,
) -> None:
    """Referral stage changes from the dealers' CRM (CSV: referral_id or friend_phone,
    stage, changed_at; optional market, vin, note). See README."""
    from bot.services.referral_import import import_stages

    async def work(app: App) -> int:
        await prepare_database(app)
        now = app.clock.now()
        with file.open(encoding="utf-8-sig", newline="") as fh:
            async with app.database.uow() as uow:
                report = await import_stages(
                    uow,
                    fh,
                    app.reference,
                    now=now,
                    actor=f"import:{file.name}"[:64],
                    skip_invalid=skip_invalid,
                )
                if report.applied:
                    await app.bus.commit(uow, now)
        for error in report.errors:
            typer.echo(str(error), err=True)
        typer.echo(
            f"{report.rows} rows, {len(report.errors)} errors; "
            f"{report.moved} stage changes, {report.unchanged} already recorded; "
            f"{report.points_paid} points awarded"
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


async def _owner_for(app: App, uow: Any, phone: str) -> Any:
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


def _change_points(phone: str, points: int, reason: str) -> None:
    from bot.domain.loyalty import InsufficientPoints
    from bot.services import loyalty

    async def work(app: App) -> int:
        await prepare_database(app)
        async with app.database.uow() as uow:
            owner = await _owner_for(app, uow, phone)
            now = app.clock.now()
            try:
                balance = await loyalty.adjust(
                    uow,
                    app.reference,
                    owner=owner,
                    delta=points,
                    reason=reason,
                    actor=_cli_actor(),
                    now=now,
                )
            except InsufficientPoints as short:
                typer.echo(f"only {short.balance} points can be taken away", err=True)
                return 1
            except loyalty.ReasonRequired:
                typer.echo("a reason is required", err=True)
                return 1
            await app.bus.commit(uow, now)
        typer.echo(f"{points:+d} points for owner {owner.id}; balance now {balance}")
        return 0

    raise typer.Exit(_with_app(work))


@points_cli.command("award")
def points_award(
    phone: Annotated[str, typer.Option(help="The owner's phone number")],
    points: Annotated[int, typer.Option(min=1, help="Points to add")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")],
) -> None:
    """Give an owner points (a goodwill gesture, a correction)."""
    _change_points(phone, points, reason)


@points_cli.command("adjust")
def points_adjust(
    phone: Annotated[str, typer.Option(help="The owner's phone number")],
    points: Annotated[int, typer.Option(help="Points to add (positive) or take away (negative)")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")],
) -> None:
    """Correct an owner's balance up or down; never below zero."""
    _change_points(phone, points, reason)


@points_cli.command("show")
def points_show(phone: Annotated[str, typer.Option(help="The owner's phone number")]) -> None:
    """Balance, pending and expiring points, tier and the latest movements."""
    from bot.services import loyalty

    async def work(app: App) -> None:
        await prepare_database(app)
        now = app.clock.now()
        async with app.database.uow() as uow:
            owner = await _owner_for(app, uow, phone)
            summary = await loyalty.summary(uow, app.reference, owner, now)
            recent = await loyalty.history(uow, owner.id, 0, size=20)
        typer.echo(
            f"owner {owner.id} ({owner.market}), tier {summary.tier.value}, "
            f"{summary.progress.status_points} status points"
        )
        typer.echo(
            f"spendable {summary.balance}, pending {summary.pending_total}, "
            f"expiring within 30 days {summary.expiring_total}"
        )
        for entry in recent.entries:
            typer.echo(
                f"{entry.created_at:%Y-%m-%d}\t{entry.kind}\t{entry.points:+d}\t{entry.rule}\t{entry.reason}"
            )

    _with_app(work)


@points_cli.command("expire")
def points_expire(
    now: Annotated[str | None, typer.Option(help="Run as of this time (ISO with zone)")] = None,
) -> None:
    """Expire what is left of lots past their expiry, and unused vouchers past validity."""
    from bot.services import loyalty

    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app)
        moment = app.clock.now()
        async with app.database.uow() as uow:
            lots, vouchers = await loyalty.expire(uow, moment)
            await uow.commit()
        typer.echo(f"expired {lots} lots and {vouchers} vouchers")

    _with_app(work, clock)


@points_cli.command("export")
def points_export(
    file: Annotated[Path, typer.Argument(dir_okay=False, writable=True)],
    since: Annotated[
        str | None, typer.Option(help="Only entries from this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """The ledger as CSV for finance: every movement, signed, with its source."""
    import csv

    async def work(app: App) -> None:
        await prepare_database(app)
        start = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        async with app.database.uow() as uow:
            rows = await uow.loyalty.export_rows(start)
        with file.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                [
                    "entry_id",
                    "created_at",
                    "owner_id",
                    "market",
                    "kind",
                    "points",
                    "source",
                    "source_id",
                    "rule",
                    "lot_id",
                    "spend_id",
                    "reverses_id",
                    "reason",
                    "actor",
                ]
            )
            for row in rows:
                writer.writerow(
                    [
                        row.id,
                        row.created_at.isoformat(),
                        row.owner_id,
                        row.market,
                        row.kind,
                        row.points,
                        row.source,
                        row.source_id,
                        row.rule,
                        row.lot_id or "",
                        row.spend_id or "",
                        row.reverses_id or "",
                        row.reason,
                        row.actor,
                    ]
                )
        typer.echo(f"{len(rows)} entries written to {file}")

    _with_app(work)


@loyalty_cli.command("review")
def loyalty_review(
    now: Annotated[str | None, typer.Option(help="Run as of this time (ISO with zone)")] = None,
) -> None:
    """The yearly tier review: keep, warn (30-day grace) or demote one tier."""
    from bot.services import loyalty

    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app)
        moment = app.clock.now()
        async with app.database.uow() as uow:
            report = await loyalty.review_tiers(uow, app.reference, moment)
            await app.bus.commit(uow, moment)
        typer.echo(f"kept {report.kept}, warned {report.noticed}, demoted {report.demoted}")

    _with_app(work, clock)


@loyalty_cli.command("stock")
def loyalty_stock(
    market: Annotated[str, typer.Option(help="Market code, e.g. TH")],
    reward: Annotated[str, typer.Option(help="Reward key from bot/data/rewards.toml")],
    stock: Annotated[int | None, typer.Option(help="Items left; omit for unlimited")] = None,
) -> None:
    """Set how many of a reward are left in a market."""

    async def work(app: App) -> None:
        if (market, reward) not in app.reference.rewards:
            raise typer.BadParameter(f"{reward} is not offered in {market}")
        await prepare_database(app)
        async with app.database.uow() as uow:
            await uow.loyalty.set_stock(market, reward, stock)
            await uow.commit()
        typer.echo(f"{reward} in {market}: {'unlimited' if stock is None else stock}")

    _with_app(work)


@care_cli.command("plan")
def care_plan(
    now: Annotated[str | None, typer.Option(help="Plan as of this time (ISO with zone)")] = None,
) -> None:
    """Queue every care message that is due (idempotent: running it twice plans nothing twice)."""
    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        from bot.services import care

        report = await care.plan_in_steps(app.database.uow, app.reference, app.clock.now())
        for rule, count in sorted(report.planned.items()):
            if count:
                typer.echo(f"{rule}\t{count}")
        typer.echo(f"planned {report.total} messages")

    _with_app(work, clock)


@care_cli.command("send")
def care_send(
    now: Annotated[str | None, typer.Option(help="Send as of this time (ISO with zone)")] = None,
) -> None:
    """Deliver every message that is due now, within quiet hours, caps and Telegram's
    limits. Without a bot token, messages to console chats are printed here."""
    from bot.channels.console_transport import ConsoleTransport
    from bot.scheduler.jobs import build_sender

    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        sender = build_sender(app, ConsoleTransport())
        totals: dict[str, int] = {}
        while True:
            report = await sender.run_once()
            for key, value in vars(report).items():
                totals[key] = totals.get(key, 0) + value
            if sum(vars(report).values()) == 0:
                break
        typer.echo(", ".join(f"{k} {v}" for k, v in totals.items()))

    _with_app(work, clock)


@care_cli.command("preview")
def care_preview(
    phone: Annotated[str, typer.Option(help="The owner's phone number")],
    now: Annotated[str | None, typer.Option(help="As of this time (ISO with zone)")] = None,
) -> None:
    """What is queued for one owner and why, and what planning now would add."""
    from bot.services import care

    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        moment = app.clock.now()
        async with app.database.uow() as uow:
            owner = await _owner_for(app, uow, phone)
            before = {m.id for m in await uow.care.of_owner(owner.id)}
            await care.plan(uow, app.reference, moment)  # a dry run: rolled back below
            rows = await uow.care.of_owner(owner.id)
            await uow.rollback()
        typer.echo(
            f"owner {owner.id} ({owner.market}), consent service={owner.consent_service} "
            f"marketing={owner.consent_marketing}, "
            f"messages {owner.send_from_hour}:00-{owner.send_until_hour}:00"
        )
        for m in rows:
            state = m.status if m.id in before else "would be planned now"
            why = f" ({m.last_error})" if m.last_error else ""
            typer.echo(
                f"{m.due_at:%Y-%m-%d %H:%M}Z\t{m.rule}\t{m.category}\t{m.occurrence}\t{state}{why}"
            )
        if not rows:
            typer.echo("nothing queued and nothing due")

    _with_app(work, clock)


@report_cli.command("kpi")
def report_kpi(
    market: Annotated[str | None, typer.Option(help="Only this market, e.g. BR")] = None,
    months: Annotated[int, typer.Option(help="Period: the last N months")] = 12,
    png: Annotated[Path | None, typer.Option(help="Also draw the report to this PNG file")] = None,
    now: Annotated[str | None, typer.Option(help="As of this time (ISO with zone)")] = None,
) -> None:
    """NPS, return-to-service rate, life-cycle segments and care messages per rule."""
    from bot.services import kpi

    clock = _parse_now(now)

    async def work(app: App) -> None:
        if market is not None and market not in app.reference.markets:
            raise typer.BadParameter(f"unknown market {market!r}")
        await prepare_database(app)
        async with app.database.uow() as uow:
            report = await kpi.report(
                uow, app.reference, market=market, now=app.clock.now(), months=months
            )
        scope = market or "all markets"
        nps = "no answers yet" if report.nps is None else f"{report.nps:+d}"
        typer.echo(f"KPIs for {scope} since {report.since:%Y-%m-%d}")
        typer.echo(
            f"NPS {nps} (target {kpi.NPS_TARGET}+): {report.answers} answers, "
            f"{report.promoters} promoters, {report.detractors} detractors"
        )
        rate = "n/a" if report.return_rate is None else f"{report.return_rate:.0%}"
        typer.echo(
            f"return to service {rate} (target {kpi.RETURN_TARGET:.0%}+): "
            f"{report.returned} of {report.vehicles} vehicles had a paid visit"
        )
        typer.echo("segments: " + ", ".join(f"{k} {v}" for k, v in report.segments.items()))
        typer.echo("care messages\tsent\tfailed\topted out\tskipped\twaiting")
        for line in report.care:
            typer.echo(
                f"{line.rule}\t{line.sent}\t{line.failed}\t{line.opted_out}\t"
                f"{line.skipped}\t{line.waiting}"
            )
        if png is not None:
            from bot.services.kpi_chart import render_png

            png.write_bytes(render_png(report))
            typer.echo(f"chart written to {png}")

    _with_app(work, clock)


@report_cli.command("referrals")
def report_referrals(
    market: Annotated[str | None, typer.Option(help="Only this market, e.g. TH")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only friends recommended from this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """The referral funnel per market and dealer: friends reaching each stage, the
    conversion from the stage before, exits, and points paid and pending."""
    from bot.domain.referrals import FUNNEL, FunnelRow, total_row
    from bot.services import referrals

    if market is not None:
        market = market.upper()

    async def work(app: App) -> None:
        if market is not None and market not in app.reference.markets:
            raise typer.BadParameter(f"unknown market {market!r}")
        await prepare_database(app)
        start = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        async with app.database.uow() as uow:
            rows = list(
                await referrals.funnel(uow, market=market, since=start, now=app.clock.now())
            )
        headings = ["market", "dealer", *(s.value for s in FUNNEL)]
        headings += ["lost", "cancelled", "no_reward", "points_paid", "points_pending"]

        def cells(row: FunnelRow) -> list[str]:
            reached = [str(row.reached[0])]
            for stage in FUNNEL[1:]:
                share = row.conversion(stage)
                pct = f" ({share:.0%})" if share is not None else ""
                reached.append(f"{row.reached[stage.rank]}{pct}")
            return [
                row.market,
                row.dealer_code,
                *reached,
                str(row.lost),
                str(row.cancelled),
                str(row.no_reward),
                str(row.points_paid),
                str(row.points_pending),
            ]

        table = [headings]
        for code in sorted({r.market for r in rows}):
            in_market = [r for r in rows if r.market == code]
            table += [cells(r) for r in in_market]
            if len(in_market) > 1:
                table.append(cells(total_row(in_market, code, "(all)")))
        if len({r.market for r in rows}) > 1:
            table.append(cells(total_row(rows, "(all)", "(all)")))
        if len(table) == 1:
            typer.echo("no referrals yet")
            return
        widths = [max(len(line[i]) for line in table) for i in range(len(headings))]
        for line in table:
            typer.echo(
                "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
            )
        typer.echo("(n%) = share of the stage before that got this far")

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
