"""The KPI chart: drawn with matplotlib in the reader's language, numbers on the bars,
targets and a legend; `/kpi` in a staff chat and `ownerbot report kpi --png`."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.text import Text
from typer.testing import CliRunner

from bot.app import App
from bot.cli import cli
from bot.services import kpi
from bot.services.kpi_chart import build_figure, render_png
from handlers.kpi import chart_text
from tests.conftest import Chat
from tests.flows.helpers import translator

NOW = "2026-11-23T12:00+00:00"
PNG = b"\x89PNG\r\n\x1a\n"


async def texts_of(app: App, locale: str, market: str) -> list[str]:
    async with app.database.uow() as uow:
        report = await kpi.report(uow, app.reference, market=market, now=app.clock.now())
    t = translator(locale, market)
    figure = build_figure(report, chart_text(t, app.reference, report, app.clock.now()))
    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


@pytest.mark.parametrize(("locale", "market"), [("th", "TH"), ("ar", "AE"), ("pt_BR", "BR")])
async def test_the_chart_speaks_the_readers_language_and_never_internal_names(
    app: App, locale: str, market: str
) -> None:
    texts = await texts_of(app, locale, market)
    t = translator(locale, market)
    english = translator("en", market)
    for context, label in (
        ("segment", "At risk"),
        ("tier", "Co-creator"),
        ("referral stage", "Car delivered"),
    ):
        assert t.pgettext(context, label) != english.pgettext(context, label), "translated"
        assert t.pgettext(context, label) in texts
    assert t._("Target: {target}", target=t.number(40)) in texts
    assert t._("Target: {target}", target=t.percent(0.7)) in texts
    for internal in ("at_risk", "co_creator", "dormant", "test_drive_done", "explorer"):
        assert all(internal not in text for text in texts)


async def test_every_bar_carries_its_number(app: App) -> None:
    async with app.database.uow() as uow:
        report = await kpi.report(uow, app.reference, market="TH", now=app.clock.now())
    t = translator("en", "TH")
    texts = await texts_of(app, "en", "TH")
    for segment, count in report.segments.items():
        assert segment in {s.value for s in report.segments}
        assert t.number(count) in texts
    for count in report.tiers.values():
        assert t.number(count) in texts
    assert len(report.trend) == 12
    png = render_png(report, chart_text(t, app.reference, report, app.clock.now()))
    assert png[:8] == PNG


def test_report_kpi_png_draws_the_chart_in_the_language_asked(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    chart = tmp_path / "kpi.png"
    args = ["report", "kpi", "--market", "AE", "--lang", "ar", "--png", str(chart), "--now", NOW]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert chart.read_bytes()[:8] == PNG
    assert "questions to dealers" in result.output


async def test_kpi_in_a_staff_chat_sends_the_chart_in_the_staff_members_language(
    app: App,
) -> None:
    advisor = Chat(app, user_id=900101, lang="th", group_chat_id=-1001000000101)
    [screen] = await advisor.say("/kpi")
    assert screen.attachment is not None
    assert screen.attachment.kind == "photo"
    assert screen.attachment.data[:8] == PNG
    t = translator("th", "TH")
    assert screen.attachment.caption == t._(
        "{brand} owners · {scope} · as of {date}",
        brand=app.reference.brand,
        scope=t.country("TH"),
        date=t.skeleton(app.clock.now().date(), "yMMMd"),
    )
    stranger = Chat(app, user_id=424242, lang="th", group_chat_id=-1001000000101)
    assert await stranger.say("/kpi") == []


async def test_club_engagement_is_on_the_chart_with_its_numbers_in_hebrew(app: App) -> None:
    from datetime import timedelta

    from bot.domain.staff import Role
    from tests.conftest import NOW as TEST_NOW
    from tests.flows.helpers import DEMO_DUBAI, linked
    from tests.flows.test_club_events import EXAMPLE, stored
    from tests.flows.test_clubs import DUBAI_CLUB, link_x7_club
    from tests.staff import make_staff

    await link_x7_club(app, DUBAI_CLUB, 9901, "AE-DXB-01", "en")
    event_id = await stored(app, EXAMPLE.read_bytes())
    ahmed = await linked(Chat(app, user_id=5901, lang="ar"), DEMO_DUBAI)
    await ahmed.say("/events")
    await ahmed.tap("ev:go:")
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_DUBAI)
        assert owner is not None
        rsvp = await uow.rsvps.find(event_id, owner.id or 0)
    assert rsvp is not None
    await make_staff(app, 9902, role=Role.ADVISOR, dealer="AE-DXB-01", at=TEST_NOW)
    await Chat(app, user_id=9902, lang="en").say(f"/checkin {rsvp.checkin_code}")
    async with app.database.uow() as uow:
        report = await kpi.report(
            uow, app.reference, market="AE", now=app.clock.now() - timedelta(days=1)
        )
    assert (report.clubs.rsvps, report.clubs.attended) == (1, 1)
    he = translator("he", "AE")
    figure = build_figure(report, chart_text(he, app.reference, report, app.clock.now()))
    texts = [text.get_text() for text in figure.findobj(Text) if text.get_text()]
    for label in ("Club engagement", "Seats taken at events", "Checked in at events"):
        assert he._(label) != label, "translated"
        assert he._(label) in texts
    assert he._("Verified club members") in texts
    assert he.number(1) in texts
    assert all("shown once owner clubs run" not in text for text in texts)
