"""`ownerbot events ...`: club events from a file, the list, the attendees."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.app import App, prepare_database
from bot.commands.common import cli_actor, parse_now, with_app

events_cli = typer.Typer(no_args_is_help=True, help="Club events: create, list, attendees, cancel.")


@events_cli.command("create")
def events_create(
    file: Annotated[Path, typer.Argument(help="The event, as in examples/event.toml")],
    now: Annotated[
        str | None, typer.Option(help="Pretend it is this time (ISO, with zone)")
    ] = None,
) -> None:
    """Check an event file and store the event; prints its number (for /event N)."""
    from bot.services.event_file import EventFileError, create_event, read_event

    async def work(app: App) -> None:
        await prepare_database(app)
        moment = app.clock.now()
        try:
            spec = read_event(file.read_bytes(), app.reference, actor=cli_actor(), now=moment)
            async with app.database.uow() as uow:
                event = await create_event(uow, spec, moment)
                await uow.commit()
        except EventFileError as error:
            typer.echo(f"{file}: {error}", err=True)
            raise typer.Exit(1) from error
        except OSError as error:
            typer.echo(f"{file}: {error.strerror}", err=True)
            raise typer.Exit(1) from error
        title = event.text_in("en", next(iter(event.texts)))[0]
        typer.echo(f"event {event.id}: {title}, {event.capacity} seats")

    with_app(work, parse_now(now))


@events_cli.command("list")
def events_list(
    now: Annotated[
        str | None, typer.Option(help="Pretend it is this time (ISO, with zone)")
    ] = None,
) -> None:
    """Upcoming events: number, market, local start, seats taken, waitlist, title."""
    from bot.domain.club_events import RsvpStatus

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            for event in await uow.club_events.starting_after(app.clock.now(), None):
                answers = await uow.rsvps.of_event(event.id or 0)
                going = sum(a.status is RsvpStatus.GOING for a in answers)
                waiting = sum(a.status is RsvpStatus.WAITING for a in answers)
                local = event.starts_at.astimezone(_zone(event.timezone)).strftime("%Y-%m-%d %H:%M")
                title = event.text_in("en", next(iter(event.texts)))[0]
                typer.echo(
                    f"{event.id}\t{event.market}\t{local}\t{going}/{event.capacity}"
                    f"\twaitlist {waiting}\t{title}"
                )

    with_app(work, parse_now(now))


@events_cli.command("attendees")
def events_attendees(
    event_id: Annotated[int, typer.Argument(help="The event's number")],
    out: Annotated[Path, typer.Option(help="The CSV file to write")],
) -> None:
    """Who answered, with their status and check-in (formula-safe CSV for a spreadsheet)."""
    from bot.services import event_feedback
    from bot.services.csv_files import write_csv

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            if await uow.club_events.get(event_id) is None:
                typer.echo(f"no event {event_id}", err=True)
                raise typer.Exit(1)
            rows = []
            ratings = {f.rsvp_id: f for f in await uow.event_feedback.of_event(event_id)}
            for answer in await uow.rsvps.of_event(event_id):
                owner = await uow.owners.get(answer.owner_id)
                if owner is None or owner.erased_at is not None:
                    continue
                rated = ratings.get(answer.id or 0)
                rows.append(
                    [
                        owner.full_name,
                        owner.phone,
                        answer.status.value,
                        "yes" if answer.co_creator else "",
                        answer.checkin_code,
                        answer.attended_at.isoformat() if answer.attended_at else "",
                        str(rated.rating) if rated else "",
                        rated.comment if rated else "",
                    ]
                )
            survey = await event_feedback.summary(uow, event_id)
        with out.open("w", newline="", encoding="utf-8") as fh:
            count = write_csv(fh, ATTENDEE_COLUMNS, rows)
        typer.echo(f"{count} attendees written to {out}")
        if survey.average is not None:
            typer.echo(f"survey: {survey.answers} answers, {survey.average:.1f} stars on average")

    with_app(work)


ATTENDEE_COLUMNS = [
    "name",
    "phone",
    "status",
    "co_creator",
    "checkin_code",
    "checked_in_at",
    "rating",  # the survey the day after: 1 to 5 stars
    "comment",
]


@events_cli.command("cancel")
def events_cancel(
    event_id: Annotated[int, typer.Argument(help="The event's number")],
    now: Annotated[
        str | None, typer.Option(help="Pretend it is this time (ISO, with zone)")
    ] = None,
) -> None:
    """Call an event off: it leaves /events, takes no more answers, sends no reminders,
    and tells the owners with a seat or on the waitlist."""
    from bot.services.club_events import EventGone, cancel_event

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            try:
                event = await cancel_event(uow, event_id, actor=cli_actor(), now=app.clock.now())
            except EventGone as error:
                typer.echo(f"no upcoming event {event_id}", err=True)
                raise typer.Exit(1) from error
            await uow.commit()
        typer.echo(
            f"event {event.id} cancelled; the owners with a seat or on the waitlist are told"
        )

    with_app(work, parse_now(now))


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
