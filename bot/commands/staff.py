"""`ownerbot staff ...`: dealer staff and their roles."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.app import App, prepare_database
from bot.commands.common import cli_actor, with_app

staff_cli = typer.Typer(no_args_is_help=True, help="Dealer staff and their roles.")


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
    from bot.domain.text import clean_text
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
                name=clean_text(name),
                dealer_code=dealer,
                actor=cli_actor(),
                now=app.clock.now(),
            )
            await uow.commit()
        typer.echo(
            f"{name} ({channel}:{user}) is now {parsed_role.value} at {dealer or 'every dealer'}"
        )

    with_app(work)


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

    with_app(work)
