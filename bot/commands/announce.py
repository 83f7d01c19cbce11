"""`ownerbot announce FILE.toml [--dry-run]` and `ownerbot announcements ...`: an
announcement from a file (its preview, its audience per language and channel), then
its delivery, report, cancellation and correction."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.app import App, demo_wanted, job_deps, prepare_database
from bot.commands.common import cli_actor, parse_now, with_app
from bot.domain.announcements import Announcement
from bot.services.announcements import Plan

announcements_cli = typer.Typer(
    no_args_is_help=True, help="Announcements: send what is due, list, report, cancel, correct."
)

Now = Annotated[str | None, typer.Option(help="Pretend it is this time (ISO, with zone)")]


def announce(
    file: Annotated[
        Path, typer.Argument(help="The announcement, as in examples/announcement.toml")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show each variant and the audience; store nothing")
    ] = False,
    now: Now = None,
) -> None:
    """Check an announcement file, show each language variant as it will look and the
    audience per language and channel, and (without --dry-run) queue it."""
    from bot.services import announcements
    from bot.services.announcement_file import read_announcement

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=demo_wanted(app))
        moment = app.clock.now()
        try:
            announcement = read_announcement(
                file.read_bytes(), app.reference, actor=cli_actor(), now=moment
            )
            async with app.database.uow() as uow:
                await announcements.check_buttons(uow, announcement)
                if dry_run:
                    audience = await announcements.plan(uow, app.reference, announcement, moment)
                    announcements.check(announcement, app.reference, audience)
                else:
                    audience = await announcements.create(
                        uow, app.reference, announcement, now=moment
                    )
                    await uow.commit()
        except announcements.AnnouncementError as error:
            typer.echo(f"{file}: {error}", err=True)
            raise typer.Exit(1) from error
        except OSError as error:
            typer.echo(f"{file}: {error.strerror}", err=True)
            raise typer.Exit(1) from error
        _preview(app, announcement, audience)
        if dry_run:
            typer.echo("dry run: nothing was stored or sent")
        else:
            when = (
                f"due at {announcement.send_at_local} in each recipient's zone"
                if announcement.send_at_local
                else "due now"
            )
            typer.echo(f"announcement {announcement.id} queued, {when}")

    with_app(work, parse_now(now))


def _preview(app: App, announcement: Announcement, audience: Plan) -> None:
    from bot.channels.console import numbered_buttons
    from bot.channels.text import message_lines
    from handlers.care_messages.announcement import announcement_buttons, announcement_text
    from handlers.types import Screen

    sizes = audience.sizes()
    for code in audience.variants(announcement, app.reference):
        t = app.catalogs.translator(code)
        screen = Screen(
            text=announcement_text(announcement, (code,)),
            buttons=announcement_buttons(t, announcement, in_group=False),
        )
        counts = ", ".join(
            f"{channel} {sizes.get((channel, code), 0)}" for channel in ("groups", "owners")
        )
        typer.echo(f"--- {code}: {counts}")
        for line in message_lines(screen):
            typer.echo(line)
        for row in numbered_buttons(screen)[0]:
            typer.echo(row)
        if announcement.photo:
            typer.echo(f"(photo {announcement.photo})")
    for group in audience.groups:
        typer.echo(f"group {group.club.chat_id}: {' + '.join(group.locales)}")
    fallback = sum(1 for o in audience.owners if o.locale not in announcement.texts)
    typer.echo(
        f"audience: {len(audience.groups)} groups, {len(audience.owners)} owners"
        f" ({fallback} get their market's default language)"
        + (", pinned in groups" if announcement.pin else "")
    )


@announcements_cli.command("send")
def announcements_send(now: Now = None) -> None:
    """Post what is due to the groups and send the owners' copies (with the other care
    messages due), once. Without a bot token, console chats print them here."""
    from bot.channels.console_transport import ConsoleTransport
    from bot.scheduler.jobs import build_poster, build_sender
    from bot.services.console_screens import ScreenMemory

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=demo_wanted(app))
        memory = ScreenMemory(app.database.uow, app.clock)
        sender = build_sender(job_deps(app), ConsoleTransport(memory=memory))
        poster = build_poster(job_deps(app), sender)
        posted = await poster.run_once()
        sent = await sender.run_once()
        await poster.run_once()  # the announcements' status, now that owners' copies went
        typer.echo(
            f"groups: posted {posted.posted}, edited {posted.edited}, failed {posted.failed}; "
            f"owners: sent {sent.sent}, later {sent.later}, skipped {sent.skipped}"
        )

    with_app(work, parse_now(now))


@announcements_cli.command("list")
def announcements_list() -> None:
    """The latest announcements: number, status, languages, when."""

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            for item in await uow.announcements.recent(20):
                when = item.send_at_local or item.created_at.isoformat(timespec="minutes")
                typer.echo(f"{item.id}\t{item.status.value}\t{','.join(item.texts)}\t{when}")

    with_app(work)


@announcements_cli.command("report")
def announcements_report(
    announcement_id: Annotated[int, typer.Argument(help="The announcement's number")],
) -> None:
    """What became of it: group copies (posted, pinned, failed) and owners' copies
    (delivered, failed, blocked, opted out, not sent because of the marketing caps)."""
    from bot.services import announcements

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            announcement = await uow.announcements.get(announcement_id)
            if announcement is None:
                typer.echo(f"no announcement {announcement_id}", err=True)
                raise typer.Exit(1)
            found = await announcements.report(uow, announcement_id)
            posts = await uow.announcement_posts.of_announcement(announcement_id)
        typer.echo(f"announcement {announcement_id}: {announcement.status.value}")
        for post in posts:
            pinned = ", pinned" if post.pinned else ""
            edited = ", edited" if announcement.edited_at and post.message_id else ""
            error = f" ({post.last_error})" if post.last_error else ""
            typer.echo(f"group {post.chat_id}: {post.status.value}{pinned}{edited}{error}")
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(found.owners.items())) or "none"
        typer.echo(f"owners: {outcomes}")

    with_app(work)


@announcements_cli.command("cancel")
def announcements_cancel(
    announcement_id: Annotated[int, typer.Argument(help="The announcement's number")],
    now: Now = None,
) -> None:
    """Hold back every copy not sent yet (a scheduled announcement)."""
    from bot.services import announcements

    async def work(app: App) -> None:
        await prepare_database(app)
        try:
            async with app.database.uow() as uow:
                held = await announcements.cancel(
                    uow, announcement_id, actor=cli_actor(), now=app.clock.now()
                )
                await uow.commit()
        except announcements.AnnouncementError as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(1) from error
        typer.echo(f"announcement {announcement_id} cancelled: {held} copies held back")

    with_app(work, parse_now(now))


@announcements_cli.command("correct")
def announcements_correct(
    announcement_id: Annotated[int, typer.Argument(help="The announcement's number")],
    file: Annotated[Path, typer.Argument(help="A TOML file with the corrected [text] only")],
    now: Now = None,
) -> None:
    """New wording: every group message it went to is edited in place (by the next
    `announcements send`, or the running bot); copies still to go carry it."""
    from bot.domain.announcements import CAPTION_LIMIT, TEXT_LIMIT
    from bot.services import announcements
    from bot.services.announcement_file import read_texts

    async def work(app: App) -> None:
        import tomllib

        await prepare_database(app)
        try:
            raw = tomllib.loads(file.read_text("utf-8"))
            async with app.database.uow() as uow:
                found = await uow.announcements.get(announcement_id)
                limit = CAPTION_LIMIT if found is not None and found.photo else TEXT_LIMIT
                edits = await announcements.correct(
                    uow,
                    announcement_id,
                    read_texts(raw.get("text"), limit),
                    actor=cli_actor(),
                    now=app.clock.now(),
                )
                await uow.commit()
        except (announcements.AnnouncementError, tomllib.TOMLDecodeError) as error:
            typer.echo(f"{file}: {error}", err=True)
            raise typer.Exit(1) from error
        except OSError as error:
            typer.echo(f"{file}: {error.strerror}", err=True)
            raise typer.Exit(1) from error
        typer.echo(f"announcement {announcement_id} corrected: {edits} group messages to edit")

    with_app(work, parse_now(now))
