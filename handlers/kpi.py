"""/kpi in a staff chat: the KPI chart for the staff member's market, in their language.
`chart_text` writes every word of it, for `ownerbot report kpi --png` too."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.domain.care import Segment
from bot.domain.loyalty import Tier
from bot.domain.reference import Reference
from bot.domain.referrals import FUNNEL
from bot.i18n import Translator
from bot.services import kpi
from bot.services.kpi import KpiReport
from bot.services.kpi_chart import ChartText, render_png
from bot.services.staff import active_staff
from handlers.context import Context
from handlers.points import tier_name
from handlers.referrals_texts import stage_name
from handlers.router import Router
from handlers.types import Attachment

router = Router()


def segment_name(t: Translator, segment: Segment) -> str:
    names = {
        # TRANSLATORS: life-cycle segments of owners on the KPI chart.
        Segment.NEW: t.pgettext("segment", "New owners"),
        Segment.ACTIVE: t.pgettext("segment", "Active"),
        Segment.AT_RISK: t.pgettext("segment", "At risk"),
        Segment.DORMANT: t.pgettext("segment", "Dormant"),
        Segment.LOST: t.pgettext("segment", "Lost"),
    }
    return names[segment]


def chart_text(t: Translator, reference: Reference, report: KpiReport, now: datetime) -> ChartText:
    scope = t.country(report.market) if report.market else t._("All markets")
    waits = [d.median_minutes for d in report.questions if d.median_minutes is not None]
    median = sorted(waits)[len(waits) // 2] if waits else None
    return ChartText(
        title=t._(
            "{brand} owners · {scope} · as of {date}",
            brand=reference.brand,
            scope=scope,
            date=t.skeleton(now.date(), "yMMMd"),
        ),
        nps=t._("NPS by month"),
        nps_target=t._("Target: {target}", target=t.number(kpi.NPS_TARGET)),
        return_rate=t._("Return to service (12 months)"),
        return_target=t._("Target: {target}", target=t.percent(kpi.RETURN_TARGET)),
        months=tuple(t.skeleton(m.start, "yyMMM") for m in report.trend),
        funnel=t._("Referral funnel"),
        stages=tuple(stage_name(t, stage) for stage in FUNNEL),
        tiers=t._("Members by tier"),
        tier_names={tier: tier_name(t, tier) for tier in Tier},
        segments=t._("Owners by life-cycle stage"),
        segment_names={segment: segment_name(t, segment) for segment in Segment},
        owners=t._("Owners"),
        friends=t._("Friends recommended"),
        engagement=t._("Club engagement"),
        engagement_legend=t._("Owners, seats and questions"),
        verified_members=t._("Verified club members"),
        rsvps=t._("Seats taken at events"),
        attended=t._("Checked in at events"),
        asked=t._("Questions asked"),
        answered=t._("Questions answered"),
        median_wait=t._(
            "Median first response: {time}", time=t.duration(median) if median is not None else "—"
        ),
        no_data=t._("no data"),
        number=lambda n: t.number(round(n)),
        percent=lambda share: t.percent(share),
        language=t.code.replace("_", "-"),
        right_to_left=t.is_rtl,
    )


@router.command("kpi", needs_owner=False, private_only=False)
async def kpi_command(ctx: Context) -> None:
    """Staff only; their dealer's market (an admin: every market, or /kpi XX)."""
    member = await active_staff(ctx.uow, ctx.event.channel, ctx.event.user_id)
    if member is None:
        if ctx.event.is_private:
            ctx.reply(ctx.t._("Sorry, the KPI chart is for dealer staff."))
        return
    dealer = ctx.reference.dealers.get(member.dealer_code or "")
    asked = ctx.event.text.strip().upper()
    market = dealer.market if dealer else (asked if asked in ctx.reference.markets else None)
    report = await kpi.report(ctx.uow, ctx.reference, market=market, now=ctx.now)
    text = chart_text(ctx.t, ctx.reference, report, ctx.now)
    png = await asyncio.to_thread(render_png, report, text)
    ctx.reply(
        "",
        attachment=Attachment("kpi.png", png, kind="photo", caption=text.title),
    )
