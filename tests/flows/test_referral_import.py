"""`ownerbot import referral-stages` and `ownerbot report referrals`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.cli import cli
from bot.domain.referrals import Referral, Stage
from bot.services.referral_import import StageImportReport, import_stages
from tests.conftest import NOW
from tests.services.loyalty_helpers import balance, days, owner_by_phone
from tests.services.referral_helpers import DUBAI, recommend, reload

HEADER = "referral_id,friend_phone,market,stage,changed_at,vin,note\n"


async def run(app: App, text: str, *, skip_invalid: bool = False) -> StageImportReport:
    async with app.database.uow() as uow:
        report = await import_stages(
            uow,
            text.splitlines(keepends=True),
            app.reference,
            now=app.clock.now(),
            actor="import:test.csv",
            skip_invalid=skip_invalid,
        )
        if report.applied:
            await uow.commit()
    return report


async def a_lead(app: App, phone: str = "+971509990201", **kwargs: object) -> Referral:
    owner = await owner_by_phone(app, DUBAI)
    return await recommend(app, owner, phone, at=NOW - days(30), **kwargs)  # type: ignore[arg-type]


async def test_a_crm_file_moves_stages_pays_once_and_changes_nothing_when_imported_again(
    app: App,
) -> None:
    owner = await owner_by_phone(app, DUBAI)
    referral = await a_lead(app)
    start = await balance(app, owner, NOW)
    rows = (
        f"{referral.id},,,contacted,{(NOW - days(25)).date()},,called\n"
        f"{referral.id},,,Test drive done,{(NOW - days(20)).isoformat()},,\n"
        f"{referral.id},,,order,{(NOW - days(18)).date()},,\n"
        f"{referral.id},,,delivered,{(NOW - days(10)).date()}T15:00,,\n"
    )
    report = await run(app, HEADER + rows)
    assert report.errors == []
    assert (report.moved, report.unchanged, report.points_paid) == (4, 0, 3500)
    moved = await reload(app, referral)
    assert moved.stage == "delivered"
    assert moved.delivered_at == datetime(2026, 11, 13, 11, 0, tzinfo=UTC), "Dubai time"
    assert await balance(app, owner, NOW) == start + 500, "the delivery reward is pending"
    assert await balance(app, owner, NOW + days(5)) == start + 3500, "14 days after delivery"

    again = await run(app, HEADER + rows)
    assert again.applied
    assert (again.moved, again.unchanged, again.points_paid) == (0, 4, 0)
    async with app.database.uow() as uow:
        history = await uow.stage_changes.of_referral(referral.id or 0)
    assert [(c.to_stage, c.actor) for c in history[1:]] == [
        ("contacted", "import:test.csv"),
        ("test_drive_done", "import:test.csv"),
        ("order", "import:test.csv"),
        ("delivered", "import:test.csv"),
    ]
    assert history[1].note == "called"


async def test_rows_can_name_the_friend_by_phone_in_local_format(app: App) -> None:
    referral = await a_lead(app, "+971509990202")
    report = await run(app, HEADER + f",050 999 0202,AE,test_drive,{NOW.date()},,\n")
    assert report.errors == []
    assert (await reload(app, referral)).stage == Stage.TEST_DRIVE_BOOKED


async def test_every_bad_row_is_reported_by_line_and_nothing_changes(app: App) -> None:
    referral = await a_lead(app, "+971509990203")
    other = await a_lead(app, "+971509990204")
    rows = (
        f"{referral.id},,,contacted,{NOW.date()},,\n"  # line 2: fine
        f"999999,,,contacted,{NOW.date()},,\n"  # 3: no such referral
        f"{referral.id},,,signed,{NOW.date()},,\n"  # 4: unknown stage
        f"{referral.id},,,order,yesterday,,\n"  # 5: not a date
        f"{referral.id},,,order,{(NOW + days(3)).date()},,\n"  # 6: in the future
        f",+971509990299,,order,{NOW.date()},,\n"  # 7: nobody recommended that number
        f"{other.id},+971509990203,,order,{NOW.date()},,\n"  # 8: id and phone disagree
        f"{other.id},,,order_cancelled,{NOW.date()},,\n"  # 9: cancel before any order
        f",,,order,{NOW.date()},,\n"  # 10: which referral?
        f"{referral.id},,,order,{(NOW - days(60)).date()},,\n"  # 11: before the lead
        f"{referral.id},,,delivered,{NOW.date()},NOTAVIN,\n"  # 12: bad VIN
    )
    report = await run(app, HEADER + rows)
    assert not report.applied
    assert sorted({e.line for e in report.errors}) == list(range(3, 13))
    columns = {e.line: e.column for e in report.errors}
    assert columns[4] == "stage"
    assert columns[5] == "changed_at"
    assert columns[6] == "changed_at"
    assert columns[8] == "friend_phone"
    assert columns[9] == "stage"
    assert (await reload(app, referral)).stage == "lead", "all or nothing"


async def test_skip_invalid_moves_the_good_rows(app: App) -> None:
    referral = await a_lead(app, "+971509990205")
    rows = f"{referral.id},,,contacted,{NOW.date()},,\n999999,,,contacted,{NOW.date()},,\n"
    report = await run(app, HEADER + rows, skip_invalid=True)
    assert report.applied
    assert report.moved == 1
    assert [e.line for e in report.errors] == [3]
    assert (await reload(app, referral)).stage == "contacted"


async def test_a_stage_change_backwards_after_an_order_is_refused(app: App) -> None:
    referral = await a_lead(app, "+971509990206")
    rows = f"{referral.id},,,order,{NOW.date()},,\n{referral.id},,,lost,{NOW.date()},,\n"
    report = await run(app, HEADER + rows)
    assert [(e.line, e.column) for e in report.errors] == [(3, "stage")]
    assert "can't move from order to lost" in report.errors[0].reason


async def test_a_file_without_a_referral_column_is_refused_on_its_header(app: App) -> None:
    report = await run(app, "stage,changed_at\ncontacted,2026-11-01\n")
    assert report.errors[0].line == 1
    assert "referral_id or friend_phone" in report.errors[0].reason


def test_the_cli_imports_stages_and_the_report_prints_the_funnel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: App
) -> None:
    import asyncio

    # The CLI runs on the real clock: these friends were recommended in 2024.
    async def prepare() -> tuple[Referral, Referral]:
        owner = await owner_by_phone(app, DUBAI)
        at = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
        first = await recommend(app, owner, "+971509990301", at=at, dealer="AE-AUH-01")
        second = await recommend(app, owner, "+971509990302", at=at, dealer="AE-AUH-01")
        return first, second

    first, second = asyncio.run(prepare())
    csv_file = tmp_path / "crm.csv"
    csv_file.write_text(
        "\ufeff" + HEADER + f"{first.id},,,delivered,2024-04-01,,\n"
        f"{second.id},,,lost,2024-03-10,,\n"
        f"{second.id},,,teleported,2024-03-11,,\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "referral-stages", str(csv_file)])
    assert result.exit_code == 1
    assert "line 4, stage" in result.output
    assert "nothing imported" in result.output
    result = runner.invoke(cli, ["import", "referral-stages", str(csv_file), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "2 stage changes" in result.output
    assert "3500 points awarded" in result.output

    report = runner.invoke(cli, ["report", "referrals", "--market", "ae", "--since", "2024-01-01"])
    assert report.exit_code == 0, report.output
    lines = report.output.splitlines()
    assert lines[0].split()[:4] == ["market", "dealer", "lead", "contacted"]
    row = next(line.split() for line in lines if "AE-AUH-01" in line)
    # lead, contacted (n%), booked, done, order, delivered, lost, cancelled, no reward,
    # points paid, points pending
    assert row[:4] == ["AE", "AE-AUH-01", "2", "1"]
    assert row[-5:] == ["1", "0", "0", "3500", "0"]
    nothing = runner.invoke(cli, ["report", "referrals", "--since", "2099-01-01"])
    assert "no referrals yet" in nothing.output
