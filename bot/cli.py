"""`ownerbot` commands. Thin: parse arguments, call a service, print the outcome."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot.app import App, build_app, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from bot.logs import configure_logging

T = TypeVar("T")

cli = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="ownerbot: owner engagement in the owner's language.",
)
db_cli = typer.Typer(no_args_is_help=True, help="Database migrations.")
import_cli = typer.Typer(no_args_is_help=True, help="Imports from a dealer management system.")
demo_cli = typer.Typer(no_args_is_help=True, help="Demo data.")
i18n_cli = typer.Typer(no_args_is_help=True, help="Translations.")
staff_cli = typer.Typer(no_args_is_help=True, help="Dealer staff and their roles.")
points_cli = typer.Typer(no_args_is_help=True, help="The points ledger (staff and operations).")
loyalty_cli = typer.Typer(no_args_is_help=True, help="Tiers and rewards.")
report_cli = typer.Typer(no_args_is_help=True, help="Numbers for dealers and the brand.")
cli.add_typer(db_cli, name="db")
cli.add_typer(import_cli, name="import")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(i18n_cli, name="i18n")
cli.add_typer(staff_cli, name="staff")
cli.add_typer(points_cli, name="points")
cli.add_typer(loyalty_cli, name="loyalty")
cli.add_typer(report_cli, name="report")


def _with_app(work: Callable[[App], Awaitable[T]], clock: FixedClock | None = None) -> T:
    settings = Settings()
    configure_logging(settings.log_level)
    app = build_app(settings, clock)

    async def main() -> T:
        try:
            return await work(app)
        finally:
            await app.close()

    return asyncio.run(main())


def _parse_now(now: str | None) -> FixedClock | None:
    if not now:
        return None
    moment = datetime.fromisoformat(now)
    if moment.tzinfo is None:
        raise typer.BadParameter("--now needs a time zone, e.g. 2027-03-01T09:00+07:00")
    return FixedClock(moment)


@cli.command()
def run() -> None:
    """Migrate, load the demo if the database is empty, and start the bot.

    With TELEGRAM_BOT_TOKEN set it runs on Telegram; without, it opens the console."""

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        if app.settings.telegram_bot_token is None:
            typer.echo(
                "No TELEGRAM_BOT_TOKEN: starting the console. Try /start, then "
                "`@contact +66812345678` to be the demo owner in Bangkok. Ctrl-D quits."
            )
            await _console(app, user_id=100001, language_code="", name="")
            return
        from bot.channels.runtime import run_telegram

        await run_telegram(app)

    _with_app(work)


@cli.command()
def console(
    user: Annotated[int, typer.Option(help="Telegram-style user id of the speaker")] = 100001,
    lang: Annotated[str, typer.Option(help="The client's language_code, e.g. pt-br")] = "",
    now: Annotated[str | None, typer.Option(help="Fixed clock, ISO with zone")] = None,
    name: Annotated[str, typer.Option(help="The speaker's first name")] = "",
    echo: Annotated[bool, typer.Option(help="Print each input line")] = False,
) -> None:
    """Chat with the bot in the terminal, or pipe a script of lines into it."""
    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app, seed_demo_if_empty=app.settings.seed_demo_if_empty)
        await _console(app, user_id=user, language_code=lang, name=name, echo=echo, clock=clock)

    _with_app(work, clock)


async def _console(
    app: App,
    *,
    user_id: int,
    language_code: str,
    name: str,
    echo: bool = False,
    clock: FixedClock | None = None,
) -> None:
    from bot.channels.console import ConsoleChannel

    channel = ConsoleChannel(
        app.dispatcher(),
        user_id=user_id,
        language_code=language_code,
        first_name=name,
        clock=clock,
        echo=echo or not sys.stdin.isatty(),
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

    _with_app(work)


@db_cli.command("revision")
def db_revision(message: Annotated[str, typer.Option("-m", "--message")]) -> None:
    """Autogenerate a migration from storage/tables.py (against OWNERBOT_DATABASE_URL)."""
    from storage.migrate import revision

    revision(Settings().database_url, message)


@import_cli.command("owners")
def import_owners_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    skip_invalid: Annotated[bool, typer.Option(help="Import the good rows anyway")] = False,
) -> None:
    """Owners and vehicles from a DMS export (CSV, UTF-8, header row; see README)."""
    from bot.services.importer import import_owners

    async def work(app: App) -> int:
        await prepare_database(app)
        with file.open(encoding="utf-8-sig", newline="") as fh:
            async with app.database.uow() as uow:
                report = await import_owners(
                    uow, fh, app.reference, now=app.clock.now(), skip_invalid=skip_invalid
                )
                if report.applied:
                    await app.bus.commit(uow, app.clock.now())
        for error in report.errors:
            typer.echo(str(error), err=True)
        typer.echo(
            f"{report.rows} rows, {len(report.errors)} errors; "
            f"owners: {report.owners_created} new, {report.owners_updated} updated; "
            f"vehicles: {report.vehicles_created} new, {report.vehicles_updated} updated; "
            f"{report.unchanged} unchanged"
        )
        if not report.applied:
            typer.echo("nothing imported: fix the rows above or use --skip-invalid", err=True)
            return 1
        return 0

    raise typer.Exit(_with_app(work))


@import_cli.command("referral-stages")
def import_referral_stages_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    skip_invalid: Annotated[bool, typer.Option(help="Import the good rows anyway")] = False,
) -> None:
    """Referral stage changes from the dealers' CRM (CSV: referral_id or friend_phone,
    stage, changed_at; optional market, vin, note). See README."""
    from bot.services.referral_import import import_stages

    async def work(app: App) -> int:
        await prepare_database(app)
        now = app.clock.now()
        with file.open(encoding="utf-8-sig", newline="") as fh:
            async with app.database.uow() as uow:
                report = await import_stages(
                    uow,
                    fh,
                    app.reference,
                    now=now,
                    actor=f"import:{file.name}"[:64],
                    skip_invalid=skip_invalid,
                )
                if report.applied:
                    await app.bus.commit(uow, now)
        for error in report.errors:
            typer.echo(str(error), err=True)
        typer.echo(
            f"{report.rows} rows, {len(report.errors)} errors; "
            f"{report.moved} stage changes, {report.unchanged} already recorded; "
            f"{report.points_paid} points awarded"
        )
        if not report.applied:
            typer.echo("nothing imported: fix the rows above or use --skip-invalid", err=True)
            return 1
        return 0

    raise typer.Exit(_with_app(work))


@demo_cli.command("seed")
def demo_seed() -> None:
    """Load the demo owners (idempotent)."""
    from bot.services.demo import seed_demo

    async def work(app: App) -> None:
        await prepare_database(app)
        async with app.database.uow() as uow:
            report = await seed_demo(uow, app.reference, app.clock.now())
            await app.bus.commit(uow, app.clock.now())
        typer.echo(
            f"demo: {report.owners_created} owners and {report.vehicles_created} vehicles "
            f"added, {report.unchanged} already there"
        )

    _with_app(work)


def _cli_actor() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


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
                name=name,
                dealer_code=dealer,
                actor=_cli_actor(),
                now=app.clock.now(),
            )
            await uow.commit()
        typer.echo(
            f"{name} ({channel}:{user}) is now {parsed_role.value} at {dealer or 'every dealer'}"
        )

    _with_app(work)


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

    _with_app(work)


async def _owner_for(app: App, uow: Any, phone: str) -> Any:
    from bot.domain.phone import PhoneError, normalize_phone

    try:
        e164 = normalize_phone(
            phone,
            None
            if phone.startswith("+")
            else app.reference.market(app.settings.default_market).phone_region,
        )
    except PhoneError as error:
        raise typer.BadParameter(f"{phone!r} is not a phone number") from error
    owner = await uow.owners.by_phone(e164)
    if owner is None:
        raise typer.BadParameter(f"no owner with phone {phone}")
    return owner


def _change_points(phone: str, points: int, reason: str) -> None:
    from bot.domain.loyalty import InsufficientPoints
    from bot.services import loyalty

    async def work(app: App) -> int:
        await prepare_database(app)
        async with app.database.uow() as uow:
            owner = await _owner_for(app, uow, phone)
            now = app.clock.now()
            try:
                balance = await loyalty.adjust(
                    uow,
                    app.reference,
                    owner=owner,
                    delta=points,
                    reason=reason,
                    actor=_cli_actor(),
                    now=now,
                )
            except InsufficientPoints as short:
                typer.echo(f"only {short.balance} points can be taken away", err=True)
                return 1
            except loyalty.ReasonRequired:
                typer.echo("a reason is required", err=True)
                return 1
            await app.bus.commit(uow, now)
        typer.echo(f"{points:+d} points for owner {owner.id}; balance now {balance}")
        return 0

    raise typer.Exit(_with_app(work))


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
    from bot.services import loyalty

    async def work(app: App) -> None:
        await prepare_database(app)
        now = app.clock.now()
        async with app.database.uow() as uow:
            owner = await _owner_for(app, uow, phone)
            summary = await loyalty.summary(uow, app.reference, owner, now)
            recent = await loyalty.history(uow, owner.id, 0, size=20)
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

    _with_app(work)


@points_cli.command("expire")
def points_expire(
    now: Annotated[str | None, typer.Option(help="Run as of this time (ISO with zone)")] = None,
) -> None:
    """Expire what is left of lots past their expiry, and unused vouchers past validity."""
    from bot.services import loyalty

    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app)
        moment = app.clock.now()
        async with app.database.uow() as uow:
            lots, vouchers = await loyalty.expire(uow, moment)
            await uow.commit()
        typer.echo(f"expired {lots} lots and {vouchers} vouchers")

    _with_app(work, clock)


@points_cli.command("export")
def points_export(
    file: Annotated[Path, typer.Argument(dir_okay=False, writable=True)],
    since: Annotated[
        str | None, typer.Option(help="Only entries from this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """The ledger as CSV for finance: every movement, signed, with its source."""
    import csv

    async def work(app: App) -> None:
        await prepare_database(app)
        start = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        async with app.database.uow() as uow:
            rows = await uow.loyalty.export_rows(start)
        with file.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                [
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
                ]
            )
            for row in rows:
                writer.writerow(
                    [
                        row.id,
                        row.created_at.isoformat(),
                        row.owner_id,
                        row.market,
                        row.kind,
                        row.points,
                        row.source,
                        row.source_id,
                        row.rule,
                        row.lot_id or "",
                        row.spend_id or "",
                        row.reverses_id or "",
                        row.reason,
                        row.actor,
                    ]
                )
        typer.echo(f"{len(rows)} entries written to {file}")

    _with_app(work)


@loyalty_cli.command("review")
def loyalty_review(
    now: Annotated[str | None, typer.Option(help="Run as of this time (ISO with zone)")] = None,
) -> None:
    """The yearly tier review: keep, warn (30-day grace) or demote one tier."""
    from bot.services import loyalty

    clock = _parse_now(now)

    async def work(app: App) -> None:
        await prepare_database(app)
        moment = app.clock.now()
        async with app.database.uow() as uow:
            report = await loyalty.review_tiers(uow, app.reference, moment)
            await app.bus.commit(uow, moment)
        typer.echo(f"kept {report.kept}, warned {report.noticed}, demoted {report.demoted}")

    _with_app(work, clock)


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
            await uow.loyalty.set_stock(market, reward, stock)
            await uow.commit()
        typer.echo(f"{reward} in {market}: {'unlimited' if stock is None else stock}")

    _with_app(work)


@report_cli.command("referrals")
def report_referrals(
    market: Annotated[str | None, typer.Option(help="Only this market, e.g. TH")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only friends recommended from this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """The referral funnel per market and dealer: friends reaching each stage, the
    conversion from the stage before, exits, and points paid and pending."""
    from bot.domain.referrals import FUNNEL, FunnelRow, total_row
    from bot.services import referrals

    if market is not None:
        market = market.upper()

    async def work(app: App) -> None:
        if market is not None and market not in app.reference.markets:
            raise typer.BadParameter(f"unknown market {market!r}")
        await prepare_database(app)
        start = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        async with app.database.uow() as uow:
            rows = list(
                await referrals.funnel(uow, market=market, since=start, now=app.clock.now())
            )
        headings = ["market", "dealer", *(s.value for s in FUNNEL)]
        headings += ["lost", "cancelled", "no_reward", "points_paid", "points_pending"]

        def cells(row: FunnelRow) -> list[str]:
            reached = [str(row.reached[0])]
            for stage in FUNNEL[1:]:
                share = row.conversion(stage)
                pct = f" ({share:.0%})" if share is not None else ""
                reached.append(f"{row.reached[stage.rank]}{pct}")
            return [
                row.market,
                row.dealer_code,
                *reached,
                str(row.lost),
                str(row.cancelled),
                str(row.no_reward),
                str(row.points_paid),
                str(row.points_pending),
            ]

        table = [headings]
        for code in sorted({r.market for r in rows}):
            in_market = [r for r in rows if r.market == code]
            table += [cells(r) for r in in_market]
            if len(in_market) > 1:
                table.append(cells(total_row(in_market, code, "(all)")))
        if len({r.market for r in rows}) > 1:
            table.append(cells(total_row(rows, "(all)", "(all)")))
        if len(table) == 1:
            typer.echo("no referrals yet")
            return
        widths = [max(len(line[i]) for line in table) for i in range(len(headings))]
        for line in table:
            typer.echo(
                "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
            )
        typer.echo("(n%) = share of the stage before that got this far")

    _with_app(work)


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


def main() -> None:
    cli()
