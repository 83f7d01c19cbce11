"""`ownerbot staff ...`: dealer staff and their roles."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.app import App, prepare_database
from bot.commands.common import cli_actor, with_app

staff_cli = typer.Typer(no_args_is_help=True, help="Dealer staff and their roles.")

_SCOPE_HELP = {
    "needs a dealer": "advisors, sales staff and moderators work at one dealer: add --dealer",
    "needs a dealer or a market": "a manager needs --dealer, or --market for a whole market",
    "only managers are scoped to a market": "only managers take --market; others take --dealer",
    "a dealer or a market, not both": "give --dealer or --market, not both",
    "admins serve every market": "admins serve every market: leave out --market",
}


@staff_cli.command("add")
def staff_add(
    user: Annotated[int, typer.Option(help="Telegram user id of the staff member")],
    role: Annotated[str, typer.Option(help="advisor, sales, moderator, manager or admin")],
    name: Annotated[str, typer.Option(help="Name shown to colleagues")],
    dealer: Annotated[
        str | None, typer.Option(help="Dealer code; required except for admins and market managers")
    ] = None,
    market: Annotated[
        str | None, typer.Option(help="Market code of a manager of a whole market (no --dealer)")
    ] = None,
    channel: Annotated[str, typer.Option(help="telegram or console")] = "telegram",
) -> None:
    """Give someone a staff role (or change it). Every staff action is audited.

    Only brand-wide roles may go without --dealer: an admin, or a manager of a whole
    market (--market)."""
    from bot.domain.staff import Role, scope_problem
    from bot.domain.text import clean_text
    from bot.services.staff import add_staff

    try:
        parsed_role = Role(role)
    except ValueError as error:
        raise typer.BadParameter(f"unknown role {role!r}") from error
    problem = scope_problem(parsed_role, dealer, market)
    if problem is not None:
        typer.echo(f"refused: {_SCOPE_HELP[problem]}", err=True)
        raise typer.Exit(2)

    async def work(app: App) -> None:
        await prepare_database(app)
        if dealer is not None and dealer not in app.reference.dealers:
            raise typer.BadParameter(f"unknown dealer {dealer!r}")
        if market is not None and market not in app.reference.markets:
            raise typer.BadParameter(f"unknown market {market!r}")
        async with app.database.uow() as uow:
            await add_staff(
                uow,
                channel=channel,
                user_id=user,
                role=parsed_role,
                name=clean_text(name),
                dealer_code=dealer,
                market=market,
                actor=cli_actor(),
                now=app.clock.now(),
            )
            await uow.commit()
        scope = dealer or (f"every dealer in {market}" if market else "every dealer")
        typer.echo(f"{name} ({channel}:{user}) is now {parsed_role.value} at {scope}")

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
                    f"{m.channel}:{m.user_id}\t{m.role}\t{m.dealer_code or m.market or '*'}"
                    f"\t{m.name}{state}"
                )

    with_app(work)
