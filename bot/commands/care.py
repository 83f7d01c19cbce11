"""`ownerbot care ...`: life-cycle care messages (the outbox)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.app import App, job_deps, prepare_database
from bot.commands.common import owner_for, parse_now, with_app

care_cli = typer.Typer(no_args_is_help=True, help="Life-cycle care messages (the outbox).")


@care_cli.command("plan")
def care_plan(
    now: Annotated[str | None, typer.Option(help="Plan as of this time (ISO with zone)")] = None,
) -> None:
    """Queue every care message that is due (idempotent: running it twice plans nothing twice)."""
    clock = parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        from bot.services import care

        report = await care.plan_in_steps(app.database.uow, app.reference, app.clock.now())
        for rule, count in sorted(report.planned.items()):
            if count:
                typer.echo(f"{rule}\t{count}")
        typer.echo(f"planned {report.total} messages")

    with_app(work, clock)


@care_cli.command("send")
def care_send(
    now: Annotated[str | None, typer.Option(help="Send as of this time (ISO with zone)")] = None,
) -> None:
    """Deliver every message that is due now, within quiet hours, caps and Telegram's
    limits. Without a bot token, messages to console chats are printed here."""
    from bot.channels.console_transport import ConsoleTransport
    from bot.scheduler.jobs import build_sender
    from bot.services.console_screens import ScreenMemory

    clock = parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        memory = ScreenMemory(app.database.uow, app.clock)
        sender = build_sender(job_deps(app), ConsoleTransport(memory=memory))
        totals: dict[str, int] = {}
        while True:
            report = await sender.run_once()
            for key, value in vars(report).items():
                totals[key] = totals.get(key, 0) + value
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
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
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
        # Leaving the unit of work without a commit rolls the dry run back.
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

    with_app(work, clock)
