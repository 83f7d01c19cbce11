"""Running the bot and looking after it: `ownerbot run`, `console`, `db ...`, `demo ...`
and `i18n ...`."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from bot.app import App, demo_wanted, prepare_database, run_channels
from bot.clock import FixedClock
from bot.commands.common import parse_now, with_app
from bot.config import Settings

db_cli = typer.Typer(no_args_is_help=True, help="Database migrations.")
demo_cli = typer.Typer(no_args_is_help=True, help="Demo data.")
i18n_cli = typer.Typer(no_args_is_help=True, help="Translations.")
log = logging.getLogger(__name__)


def run(
    demo: Annotated[
        bool | None,
        typer.Option(
            "--demo/--no-demo",
            help="Load the demo into an empty database (default: only without a real channel)",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes on the webhook port (SO_REUSEPORT); more than one needs "
            "PostgreSQL, Redis and OWNERBOT_WEBHOOK_URL",
        ),
    ] = 1,
) -> None:
    """Migrate and start the bot.

    It serves every channel whose settings are present (TELEGRAM_BOT_TOKEN,
    OWNERBOT_WHATSAPP_*, OWNERBOT_LINE_*) from this one process; with none, it opens
    the console on the demo data. On a real channel an empty database stays empty
    (`make run` and `--demo` load the demo). `--workers N` starts N worker processes
    on one port instead (bot/commands/workers.py)."""
    if workers > 1:
        _several_workers(workers, demo)
        return

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=demo_wanted(app, demo))
        if app.served_channels and not await _has_owners(app):
            log.warning(
                "the database has no owners yet: import them with `ownerbot import owners "
                "FILE.csv` (see the README), or load the demo with `ownerbot demo seed`"
            )
        if not app.served_channels:
            # A notice, not the chat: stdout carries only the conversation.
            typer.echo(
                "No channel configured (TELEGRAM_BOT_TOKEN, OWNERBOT_WHATSAPP_*, "
                "OWNERBOT_LINE_*): starting the console. Try /start, then "
                "`@contact +66812345678` to be the demo owner in Bangkok. Ctrl-D quits.",
                err=True,
            )
            await _console(app, ConsoleOptions(user_id=100001))
            return
        await run_channels(app)

    with_app(work)


def console(
    user: Annotated[int, typer.Option(help="Telegram-style user id of the speaker")] = 100001,
    lang: Annotated[str, typer.Option(help="The client's language_code, e.g. pt-br")] = "",
    now: Annotated[str | None, typer.Option(help="Fixed clock, ISO with zone")] = None,
    name: Annotated[str, typer.Option(help="The speaker's first name")] = "",
    echo: Annotated[bool, typer.Option(help="Print each input line")] = False,
    chat: Annotated[
        int | None,
        typer.Option(help="Speak in this group chat (a dealer's staff chat, e.g. -1001000000101)"),
    ] = None,
    files: Annotated[
        Path | None,
        typer.Option(help="Save every attachment (QR codes, .ics, /mydata) in this folder"),
    ] = None,
) -> None:
    """Chat with the bot in the terminal, or pipe a script of lines into it."""
    if chat is not None and chat >= 0:
        raise typer.BadParameter("a group chat's id is negative, e.g. -1001000000101")
    options = ConsoleOptions(user, lang, name, echo, chat, files)
    clock = parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty is not False)
        await _console(app, options, clock)

    with_app(work, clock)


def _several_workers(count: int, demo: bool | None) -> None:
    from bot.commands.workers import run_workers, why_not_several
    from bot.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    problem = why_not_several(settings)
    if problem is None and demo:
        problem = "--demo loads the demo into one process's console: run it without --workers"
    if problem is not None:
        typer.echo(problem, err=True)
        raise typer.Exit(2)

    async def migrate(app: App) -> None:
        await prepare_database(app)  # once here, so the workers find the schema ready

    with_app(migrate)
    raise typer.Exit(run_workers(count, settings))


async def _has_owners(app: App) -> bool:
    async with app.database.uow() as uow:
        return await uow.owners.count() > 0


@dataclass(frozen=True)
class ConsoleOptions:
    user_id: int
    language_code: str = ""
    name: str = ""
    echo: bool = False
    group_chat_id: int | None = None
    files: Path | None = None


async def _console(app: App, options: ConsoleOptions, clock: FixedClock | None = None) -> None:
    from bot.channels.console import ConsoleChannel
    from bot.channels.console_files import AttachmentFolder
    from bot.services.console_screens import ScreenMemory

    channel = ConsoleChannel(
        app.dispatcher(),
        user_id=options.user_id,
        language_code=options.language_code,
        first_name=options.name,
        clock=clock,
        echo=options.echo or not sys.stdin.isatty(),
        group_chat_id=options.group_chat_id,
        memory=ScreenMemory(app.database.uow, app.clock),
        files=AttachmentFolder(options.files) if options.files is not None else None,
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

    with_app(work)


@db_cli.command("revision")
def db_revision(message: Annotated[str, typer.Option("-m", "--message")]) -> None:
    """Autogenerate a migration from storage/tables.py (against OWNERBOT_DATABASE_URL)."""
    from storage.migrate import revision

    revision(Settings().database_url, message)


@demo_cli.command("seed")
def demo_seed() -> None:
    """Load the demo owners (idempotent)."""
    from bot.demo.seed import seed_demo

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            report = await seed_demo(uow, app.reference, app.clock.now())
            await uow.commit()
        typer.echo(
            f"demo: {report.owners_created} owners and {report.vehicles_created} vehicles "
            f"added, {report.unchanged} already there"
        )

    with_app(work)


@i18n_cli.command("fill-source")
def i18n_fill_source() -> None:
    """Fill the English catalog's empty entries with their source text."""
    from bot.i18n_check import fill_source_catalog

    typer.echo(f"{fill_source_catalog(Settings().locales_dir)} English entries filled")


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
