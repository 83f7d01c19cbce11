"""`ownerbot`: the root of the command line. The commands live in bot/commands/, one
module by area; this module names them and puts them under one root."""

from __future__ import annotations

import typer

from bot.commands import (
    announce,
    app,
    bookings,
    brand,
    care,
    events,
    expert,
    imports,
    points,
    reports,
    staff,
    whatsapp,
)

cli = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="ownerbot: owner engagement in the owner's language.",
)
cli.command()(app.run)
cli.command()(app.console)
cli.add_typer(app.db_cli, name="db")
cli.add_typer(brand.brand_cli, name="brand")
cli.add_typer(imports.import_cli, name="import")
cli.add_typer(app.demo_cli, name="demo")
cli.add_typer(app.i18n_cli, name="i18n")
cli.add_typer(staff.staff_cli, name="staff")
cli.add_typer(points.points_cli, name="points")
cli.add_typer(points.loyalty_cli, name="loyalty")
cli.add_typer(care.care_cli, name="care")
cli.add_typer(bookings.bookings_cli, name="bookings")
cli.add_typer(bookings.visits_cli, name="visits")
cli.add_typer(reports.report_cli, name="report")
cli.add_typer(whatsapp.whatsapp_cli, name="whatsapp")
cli.add_typer(events.events_cli, name="events")
cli.command("announce")(announce.announce)
cli.add_typer(announce.announcements_cli, name="announcements")
cli.add_typer(expert.expert_cli, name="expert")


def main() -> None:
    cli()
