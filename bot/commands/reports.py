"""`ownerbot report ...`: numbers for dealers and the brand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.app import App, prepare_database
from bot.commands.common import parse_now, with_app

report_cli = typer.Typer(no_args_is_help=True, help="Numbers for dealers and the brand.")


@report_cli.command("kpi")
def report_kpi(
    market: Annotated[str | None, typer.Option(help="Only this market, e.g. BR")] = None,
    months: Annotated[int, typer.Option(help="Period: the last N months")] = 12,
    png: Annotated[Path | None, typer.Option(help="Also draw the report to this PNG file")] = None,
    now: Annotated[str | None, typer.Option(help="As of this time (ISO with zone)")] = None,
    lang: Annotated[str, typer.Option(help="The chart's language, e.g. th, pt_BR")] = "en",
) -> None:
    """NPS, return-to-service rate, life-cycle segments, care messages per rule and
    questions to dealers; `--png` draws the chart (in `--lang`)."""
    from bot.services import kpi

    clock = parse_now(now)

    async def work(app: App) -> None:
        if market is not None and market not in app.reference.markets:
            raise typer.BadParameter(f"unknown market {market!r}")
        await prepare_database(app)
        async with app.database.uow() as uow:
            report = await kpi.report(
                uow, app.reference, market=market, now=app.clock.now(), months=months
            )
        scope = market or "all markets"
        nps = "no answers yet" if report.nps is None else f"{report.nps:+d}"
        typer.echo(f"KPIs for {scope} since {report.since:%Y-%m-%d}")
        typer.echo(
            f"NPS {nps} (target {kpi.NPS_TARGET}+): {report.answers} answers, "
            f"{report.promoters} promoters, {report.detractors} detractors"
        )
        rate = "n/a" if report.return_rate is None else f"{report.return_rate:.0%}"
        typer.echo(
            f"return to service {rate} (target {kpi.RETURN_TARGET:.0%}+): "
            f"{report.returned} of {report.vehicles} vehicles had a paid visit"
        )
        typer.echo("segments: " + ", ".join(f"{k} {v}" for k, v in report.segments.items()))
        typer.echo("care messages\tsent\tfailed\topted out\tskipped\twaiting")
        for line in report.care:
            typer.echo(
                f"{line.rule}\t{line.sent}\t{line.failed}\t{line.opted_out}\t"
                f"{line.skipped}\t{line.waiting}"
            )
        typer.echo("questions to dealers\tasked\tanswered\tmedian first response")
        for dealer in report.questions:
            wait = "n/a" if dealer.median_minutes is None else f"{dealer.median_minutes} min"
            typer.echo(f"{dealer.dealer_code}\t{dealer.asked}\t{dealer.answered}\t{wait}")
        clubs = report.clubs
        typer.echo(
            f"clubs: {clubs.verified_members} verified members, {clubs.rsvps} seats taken "
            f"at events, {clubs.attended} checked in"
        )
        if png is not None:
            from bot.i18n import SHIPPED_LOCALES
            from bot.services.kpi_chart import render_png
            from handlers.kpi import chart_text

            if lang not in SHIPPED_LOCALES:
                raise typer.BadParameter(f"unknown language {lang!r}")
            t = app.catalogs.translator(lang, market)
            png.write_bytes(
                render_png(report, chart_text(t, app.reference, report, app.clock.now()))
            )
            typer.echo(f"chart written to {png}")

    with_app(work, clock)


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

    with_app(work)
