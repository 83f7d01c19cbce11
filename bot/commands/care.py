"""`ownerbot care ...`: life-cycle care messages (the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

import typer

from bot.app import App, demo_wanted, job_deps, prepare_database
from bot.commands.common import owner_for, parse_now, with_app
from bot.commands.progress import Quiet, progress
from bot.domain.care import OutboxMessage
from bot.domain.owners import Owner
from bot.services.ports import UnitOfWork

care_cli = typer.Typer(no_args_is_help=True, help="Life-cycle care messages (the outbox).")


@care_cli.command("plan")
def care_plan(
    now: Annotated[str | None, typer.Option(help="Plan as of this time (ISO with zone)")] = None,
    quiet: Quiet = False,
    full: Annotated[
        bool, typer.Option("--full", help="Plan from scratch, not only what changed")
    ] = False,
) -> None:
    """Queue every care message that is due (idempotent: running it twice plans nothing
    twice). Only owners who changed, and windows the clock moved, are looked at, unless
    --full."""
    clock = parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=demo_wanted(app))
        from bot.scheduler.jobs import plan_job
        from bot.services import care

        statements = care.step_count(app.reference, app.clock.now())
        with progress("planning", statements, quiet=quiet) as advance:
            report = await plan_job(job_deps(app), advance, from_scratch=full)
        if report is None:
            typer.echo("another process is planning right now: nothing done", err=True)
            raise typer.Exit(1)
        for rule, count in sorted(report.planned.items()):
            if count:
                typer.echo(f"{rule}\t{count}")
        typer.echo(f"planned {report.total} messages")

    with_app(work, clock)


@care_cli.command("send")
def care_send(
    now: Annotated[str | None, typer.Option(help="Send as of this time (ISO with zone)")] = None,
    quiet: Quiet = False,
) -> None:
    """Deliver every message that is due now, within quiet hours, caps and Telegram's
    limits. Without a bot token, messages to console chats are printed here."""
    from bot.channels.console_transport import ConsoleTransport
    from bot.scheduler.jobs import build_sender
    from bot.services.console_screens import ScreenMemory

    clock = parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=demo_wanted(app))
        memory = ScreenMemory(app.database.uow, app.clock)
        sender = build_sender(job_deps(app), ConsoleTransport(memory=memory))
        totals: dict[str, int] = {}
        async with app.database.uow() as uow:
            waiting = await uow.outbox.pending_count()
        with progress("sending", waiting, quiet=quiet) as advance:
            while True:
                report = await sender.run_once()
                for key, value in vars(report).items():
                    totals[key] = totals.get(key, 0) + value
                advance(sum(vars(report).values()))
                if sum(vars(report).values()) == 0:
                    break
        typer.echo(", ".join(f"{k} {v}" for k, v in totals.items()))

    with_app(work, clock)


@care_cli.command("preview")
def care_preview(
    owner_id: Annotated[int | None, typer.Option("--owner", help="The owner's id")] = None,
    phone: Annotated[str | None, typer.Option(help="Or the owner's phone number")] = None,
    now: Annotated[str | None, typer.Option(help="As of this time (ISO with zone)")] = None,
) -> None:
    """What is queued for one owner and why, and what planning now would add."""
    from bot.services import care

    if (owner_id is None) == (phone is None):
        raise typer.BadParameter("give the owner: --owner ID or --phone NUMBER")
    clock = parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=demo_wanted(app))
        moment = app.clock.now()
        async with app.database.uow() as uow:
            owner = (
                await owner_for(app, uow, phone)
                if phone is not None
                else await uow.owners.get(owner_id or 0)
            )
            if owner is None or owner.id is None or owner.erased_at is not None:
                raise typer.BadParameter(f"no owner with id {owner_id}")
            before = {m.id for m in await uow.outbox.of_owner(owner.id)}
            await care.plan(uow, app.reference, moment)  # a dry run: never committed
            rows = await uow.outbox.of_owner(owner.id)
            reach = await _reach(app, uow, owner, rows, moment)
        # Leaving the unit of work without a commit rolls the dry run back.
        typer.echo(
            f"owner {owner.id} ({owner.market}), consent service={owner.consent_service} "
            f"marketing={owner.consent_marketing}, "
            f"messages {owner.send_from_hour}:00-{owner.send_until_hour}:00"
        )
        typer.echo(reach.line)
        for m in rows:
            state = m.status if m.id in before else "would be planned now"
            why = f" ({m.last_error})" if m.last_error else ""
            how = f"\t{reach.templates[m.id]}" if m.id in reach.templates else ""
            when = f"{m.due_at:%Y-%m-%d %H:%M}Z"
            typer.echo(f"{when}\t{m.rule}\t{m.category}\t{m.occurrence}\t{state}{why}{how}")
        if not rows:
            typer.echo("nothing queued and nothing due")

    with_app(work, clock)


@dataclass
class _Reach:
    line: str  # which chat care messages go to, and how
    templates: dict[int | None, str] = field(default_factory=dict)  # message id -> how


async def _reach(
    app: App, uow: UnitOfWork, owner: Owner, rows: Sequence[OutboxMessage], now: datetime
) -> _Reach:
    """The one chat care messages go to, and on WhatsApp whether its 24-hour window is
    open: outside it each waiting message names the template it would go as."""
    from bot.channels.whatsapp.outbox import SESSION_WINDOW
    from bot.scheduler.sender import uses_template
    from bot.services.accounts import contact_account
    from handlers.care_messages import renderer_for

    channels = app.served_channels or ("telegram", "whatsapp", "line", "console")
    account = await contact_account(uow, owner, channels)
    if account is None:
        return _Reach("reaches them on: no linked chat")
    seen = f"{account.last_seen_at:%Y-%m-%d %H:%M}Z" if account.last_seen_at else "never"
    line = f"reaches them on: {account.channel} (chat {account.chat_id}, last wrote {seen})"
    if account.channel != "whatsapp":
        return _Reach(line)
    waiting = [m for m in rows if m.status in ("pending", "sending")]
    outside = [m for m in waiting if uses_template(m, account, SESSION_WINDOW, now)]
    if not outside:
        return _Reach(line + ": inside WhatsApp's 24-hour window, free-form messages")
    render = renderer_for(app.catalogs, app.reference, lambda: now)
    templates: dict[int | None, str] = {}
    for message in outside:
        screens = await render(uow, message, owner, account) or []
        template = screens[0].template if screens else None
        templates[message.id] = (
            f"as template {template.name} ({template.locale})"
            if template is not None
            else "no template: would be skipped"
        )
    return _Reach(
        line + ": outside WhatsApp's 24-hour window, care messages go as templates", templates
    )
