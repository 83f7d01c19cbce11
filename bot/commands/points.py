"""`ownerbot points ...` (the ledger, for staff and operations) and `ownerbot loyalty ...`
(tiers and rewards)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.app import App, prepare_database
from bot.commands.common import cli_actor, owner_for, parse_now, with_app
from bot.commands.progress import Quiet, counted, progress

if TYPE_CHECKING:
    from bot.services.ports import UnitOfWork

points_cli = typer.Typer(no_args_is_help=True, help="The points ledger (staff and operations).")
loyalty_cli = typer.Typer(no_args_is_help=True, help="Tiers and rewards.")

_LEDGER_COLUMNS = (
    "entry_id",
    "created_at",
    "owner_id",
    "market",
    "kind",
    "points",
    "source",
    "source_id",
    "rule",
    "lot_id",
    "spend_id",
    "reverses_id",
    "reason",
    "actor",
)

RunAsOf = Annotated[str | None, typer.Option(help="Run as of this time (ISO with zone)")]


def _change_points(phone: str, points: int, reason: str) -> None:
    from bot.domain.loyalty import InsufficientPoints
    from bot.domain.text import clean_text
    from bot.services.loyalty import adjustments

    async def work(app: App) -> int:
        await prepare_database(app)
        async with app.database.uow() as uow:
            owner = await owner_for(app, uow, phone)
            now = app.clock.now()
            try:
                balance = await adjustments.adjust(
                    uow,
                    app.reference,
                    owner=owner,
                    delta=points,
                    reason=clean_text(reason),
                    actor=cli_actor(),
                    now=now,
                )
            except InsufficientPoints as short:
                typer.echo(f"only {short.balance} points can be taken away", err=True)
                return 1
            except adjustments.ReasonRequired:
                typer.echo("a reason is required", err=True)
                return 1
            await uow.commit()
        typer.echo(f"{points:+d} points for owner {owner.id}; balance now {balance}")
        return 0

    raise typer.Exit(with_app(work))


@points_cli.command("award")
def points_award(
    phone: Annotated[str, typer.Option(help="The owner's phone number")],
    points: Annotated[int, typer.Option(min=1, help="Points to add")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")],
) -> None:
    """Give an owner points (a goodwill gesture, a correction)."""
    _change_points(phone, points, reason)


@points_cli.command("adjust")
def points_adjust(
    phone: Annotated[str, typer.Option(help="The owner's phone number")],
    points: Annotated[int, typer.Option(help="Points to add (positive) or take away (negative)")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")],
) -> None:
    """Correct an owner's balance up or down; never below zero."""
    _change_points(phone, points, reason)


@points_cli.command("show")
def points_show(phone: Annotated[str, typer.Option(help="The owner's phone number")]) -> None:
    """Balance, pending and expiring points, tier and the latest movements."""
    from bot.services.loyalty import statement

    async def work(app: App) -> None:
        await prepare_database(app)
        now = app.clock.now()
        async with app.database.uow() as uow:
            owner = await owner_for(app, uow, phone)
            summary = await statement.summary(uow, app.reference, owner, now)
            recent = await statement.history(uow, owner.id, 0, size=20)
        typer.echo(
            f"owner {owner.id} ({owner.market}), tier {summary.tier.value}, "
            f"{summary.progress.status_points} status points"
        )
        typer.echo(
            f"spendable {summary.balance}, pending {summary.pending_total}, "
            f"expiring within 30 days {summary.expiring_total}"
        )
        for entry in recent.entries:
            typer.echo(
                f"{entry.created_at:%Y-%m-%d}\t{entry.kind}\t{entry.points:+d}\t{entry.rule}\t{entry.reason}"
            )

    with_app(work)


def _run_as_of(now: str | None, job: Callable[[App, UnitOfWork, datetime], Awaitable[str]]) -> None:
    """Run a ledger job in one unit of work as of --now (default: the system clock), and
    print what it says it did. The job commits."""
    clock = parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app)
        moment = app.clock.now()
        async with app.database.uow() as uow:
            outcome = await job(app, uow, moment)
        typer.echo(outcome)

    with_app(work, clock)


@points_cli.command("expire")
def points_expire(now: RunAsOf = None) -> None:
    """Expire what is left of lots past their expiry, and unused vouchers past validity."""
    from bot.services.loyalty import expiry

    async def expire(app: App, uow: UnitOfWork, moment: datetime) -> str:
        lots, vouchers = await expiry.expire(uow, moment)
        await uow.commit()
        return f"expired {lots} lots and {vouchers} vouchers"

    _run_as_of(now, expire)


@points_cli.command("export")
def points_export(
    file: Annotated[Path, typer.Argument(dir_okay=False, writable=True)],
    since: Annotated[
        str | None, typer.Option(help="Only entries from this date (YYYY-MM-DD)")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """The ledger as CSV for finance: every movement, signed, with its source. Text
    that a spreadsheet would run as a formula is quoted (bot/services/csv_files.py)."""
    from bot.services.csv_files import write_csv

    async def work(app: App) -> None:
        await prepare_database(app)
        start = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        async with app.database.uow() as uow:
            rows = await uow.ledger.export(start)
        with (
            progress(file.name, len(rows), quiet=quiet) as advance,
            file.open("w", encoding="utf-8", newline="") as fh,
        ):
            write_csv(
                fh,
                _LEDGER_COLUMNS,
                (
                    [
                        entry.id,
                        entry.created_at.isoformat(),
                        entry.owner_id,
                        market,
                        entry.kind,
                        entry.points,
                        entry.source,
                        entry.source_id,
                        entry.rule,
                        entry.lot_id,
                        entry.spend_id,
                        entry.reverses_id,
                        entry.reason,
                        entry.actor,
                    ]
                    for entry, market in counted(rows, advance)
                ),
            )
        typer.echo(f"{len(rows)} entries written to {file}")

    with_app(work)


@loyalty_cli.command("review")
def loyalty_review(now: RunAsOf = None) -> None:
    """The yearly tier review: keep, warn (30-day grace) or demote one tier."""
    from bot.services.loyalty import tiers

    async def review(app: App, uow: UnitOfWork, moment: datetime) -> str:
        report = await tiers.review_tiers(uow, app.reference, moment)
        await uow.commit()
        return f"kept {report.kept}, warned {report.noticed}, demoted {report.demoted}"

    _run_as_of(now, review)


@loyalty_cli.command("stock")
def loyalty_stock(
    market: Annotated[str, typer.Option(help="Market code, e.g. TH")],
    reward: Annotated[str, typer.Option(help="Reward key from bot/data/rewards.toml")],
    stock: Annotated[int | None, typer.Option(help="Items left; omit for unlimited")] = None,
) -> None:
    """Set how many of a reward are left in a market."""

    async def work(app: App) -> None:
        if (market, reward) not in app.reference.rewards:
            raise typer.BadParameter(f"{reward} is not offered in {market}")
        await prepare_database(app)
        async with app.database.uow() as uow:
            await uow.reward_stock.set(market, reward, stock)
            await uow.commit()
        typer.echo(f"{reward} in {market}: {'unlimited' if stock is None else stock}")

    with_app(work)
