"""`ownerbot expert ...`: Ask-the-expert sessions for clubs, opened and listed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from bot.app import App, prepare_database
from bot.commands.common import cli_actor, parse_now, with_app

expert_cli = typer.Typer(no_args_is_help=True, help="Ask the expert: open and list sessions.")


@expert_cli.command("open")
def expert_open(
    chat: Annotated[int, typer.Option(help="The club's group chat id")],
    held_on: Annotated[str, typer.Option("--date", help="The session's day, YYYY-MM-DD")],
    expert: Annotated[str, typer.Option(help="The expert's name as owners will read it")],
    topic: Annotated[str, typer.Option(help="What the session is about")],
    channel: Annotated[str, typer.Option(help="The club's channel")] = "telegram",
    now: Annotated[
        str | None, typer.Option(help="Pretend it is this time (ISO, with zone)")
    ] = None,
) -> None:
    """Open a session for a linked club; owners then see it with /expert."""
    from bot.domain.text import clean_text
    from bot.services.dealer_questions import TooLong
    from bot.services.expert_qa import create_session

    try:
        day = date.fromisoformat(held_on)
    except ValueError as error:
        raise typer.BadParameter("--date reads YYYY-MM-DD, e.g. 2027-01-20") from error

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            club = await uow.clubs.in_chat(channel, chat)
            if club is None or not club.linked:
                typer.echo(f"no linked club in chat {chat} on {channel}", err=True)
                raise typer.Exit(1)
            try:
                session = await create_session(
                    uow,
                    club,
                    topic=clean_text(topic),
                    expert=clean_text(expert),
                    held_on=day,
                    actor=cli_actor(),
                    now=app.clock.now(),
                )
            except TooLong as error:
                typer.echo(f"too long: at most {error.limit} characters", err=True)
                raise typer.Exit(1) from error
            await uow.commit()
        typer.echo(f"session {session.id}: {session.topic}, with {session.expert}, {day}")

    with_app(work, parse_now(now))


@expert_cli.command("list")
def expert_list() -> None:
    """Open sessions: number, club chat, day, questions (asked, picked, answered), topic."""
    from bot.domain.stories import ExpertQuestionStatus

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            clubs = {c.id: c for c in await uow.clubs.linked() if c.id is not None}
            for session in await uow.expert_sessions.open_in(list(clubs)):
                asked = await uow.expert_questions.of_session(session.id or 0)
                counts = [sum(q.status is status for q in asked) for status in ExpertQuestionStatus]
                typer.echo(
                    f"{session.id}\t{clubs[session.club_id].chat_id}\t{session.held_on}"
                    f"\t{'/'.join(map(str, counts))}\t{session.topic} ({session.expert})"
                )

    with_app(work)
