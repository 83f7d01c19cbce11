"""`ownerbot bookings ...` and `ownerbot visits ...`: the service desk."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from bot.app import App, prepare_database
from bot.commands.common import cli_actor, parse_now, with_app
from bot.commands.progress import Quiet, counted, progress

if TYPE_CHECKING:
    from bot.services.csv_files import Cell
    from bot.services.service_desk import DeskRow

bookings_cli = typer.Typer(no_args_is_help=True, help="Service bookings, for the service desk.")
visits_cli = typer.Typer(no_args_is_help=True, help="Service visits.")


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


def _desk_values(app: App, row: DeskRow) -> dict[str, Cell]:
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
        "mileage_km": vehicle.mileage_km if vehicle else None,
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
    now: Annotated[
        str | None, typer.Option(help="List from this moment instead of now (ISO, with zone)")
    ] = None,
) -> None:
    """Bookings from now on (or on one day), in each center's local time."""
    wanted = _parse_day(day)
    clock = parse_now(now)

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

    with_app(work, clock)


@bookings_cli.command("export")
def bookings_export(
    file: Annotated[Path, typer.Argument(dir_okay=False, writable=True)],
    dealer: Annotated[str | None, typer.Option(help="Only this dealer's center")] = None,
    since: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD)")] = None,
    quiet: Quiet = False,
) -> None:
    """Every booking (or those in a date range) as a UTF-8 CSV for the service desk. Text
    that a spreadsheet would run as a formula is quoted (bot/services/csv_files.py)."""
    from bot.services.csv_files import write_csv

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

        def in_range(values: dict[str, Cell]) -> bool:
            local_day = str(values["local_start"])[:10]
            return not (first and local_day < first.isoformat()) and not (
                last and local_day > last.isoformat()
            )

        with progress(file.name, len(rows), quiet=quiet) as advance:
            values = (_desk_values(app, row) for row in counted(rows, advance))
            wanted = (v for v in values if in_range(v))
            with file.open("w", encoding="utf-8", newline="") as out:
                written = write_csv(
                    out, _EXPORT_COLUMNS, ([v[c] for c in _EXPORT_COLUMNS] for v in wanted)
                )
        typer.echo(f"{written} bookings written to {file}")

    with_app(work)


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
                    actor=cli_actor(),
                    now=app.clock.now(),
                )
            except VisitRefused as error:
                typer.echo(f"not recorded: {error}", err=True)
                return 1
            await uow.commit()
        typer.echo(f"visit {visit.id} recorded: {invoice} {currency} at {dealer}")
        return 0

    raise typer.Exit(with_app(work))
