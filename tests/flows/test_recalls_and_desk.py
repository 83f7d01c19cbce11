"""`ownerbot import recalls` (by VIN, all or nothing, idempotent) and the service desk's
`ownerbot bookings list / export`."""

from __future__ import annotations

import csv
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from bot.app import App
from bot.cli import cli
from bot.services.recalls import import_recalls
from storage import tables
from tests.booking_scenarios import RACE_CENTER, RACE_START, book_for, make_owners
from tests.conftest import NOW, Chat, ChatFactory
from tests.flows.helpers import DEMO_LONDON, linked

HEADER = "vin,campaign_code,title,published_on,status,title_th,title_pt-BR\n"


async def vin_of(app: App, phone: str) -> str:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        vin = (await uow.vehicles.of_owner(owner.id or 0))[0].vin
        assert vin is not None
        return vin


async def run(app: App, text: str, *, skip_invalid: bool = False):  # type: ignore[no-untyped-def]
    async with app.database.uow() as uow:
        report = await import_recalls(
            uow, text.splitlines(keepends=True), now=app.clock.now(), skip_invalid=skip_invalid
        )
        await uow.commit()
        return report


async def test_recalls_are_stored_per_vehicle_and_shown_in_the_owners_language(
    app: App, chat_factory: ChatFactory
) -> None:
    vin = await vin_of(app, DEMO_LONDON)
    good = (
        HEADER
        + f"{vin},R-2026-11,Airbag inflator may rupture,2026-11-01,,ถุงลมนิรภัย,Airbag pode romper\n"
        + "LAUS5AAA0SC999999,R-2026-11,Airbag inflator may rupture,2026-11-01,open,,\n"
    )
    report = await run(app, good)
    assert report.applied
    assert (report.created, report.unknown_vins) == (2, 1)
    again = await run(app, good)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    assert "⚠️" in chat.text
    assert "Airbag inflator may rupture" in chat.text
    await run(app, HEADER + f"{vin},R-2026-11,Airbag inflator may rupture,2026-11-01,closed,,\n")
    await chat.say("/book")
    await chat.tap("draft:drop")  # the booking begun above: put away, and /book again
    await chat.tap("bk:km")
    assert "Airbag inflator" not in chat.text


async def test_a_recall_file_with_bad_rows_changes_nothing_and_lists_every_problem(
    app: App,
) -> None:
    vin = await vin_of(app, DEMO_LONDON)
    text = (
        HEADER
        + f"{vin},R-1,Fine,2026-10-01,,,\n"
        + "NOTAVIN,R-2,Title,2026-10-01,,,\n"
        + f"{vin},??,,2031-01-01,maybe,,\n"
        + f"{vin},R-1,Fine again,2026-10-01,,,\n"
    )
    report = await run(app, text)
    assert not report.applied
    assert {(e.line, e.column) for e in report.errors} == {
        (3, "vin"),
        (4, "campaign_code"),
        (4, "title"),
        (4, "published_on"),
        (4, "status"),
        (5, "campaign_code"),
    }
    async with app.database.uow() as uow:
        assert not await uow.recalls.by_keys([(vin, "R-1")])
    skipped = await run(app, text, skip_invalid=True)
    assert (skipped.applied, skipped.created) == (True, 1)


async def test_an_unknown_language_column_is_a_header_error(app: App) -> None:
    report = await run(app, "vin,campaign_code,title,published_on,title_xx\n")
    assert [(e.line, e.column) for e in report.errors] == [(1, "title_xx")]


def test_the_recall_cli_reports_by_line_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: App
) -> None:
    csv_file = tmp_path / "recalls.csv"
    csv_file.write_text(HEADER + "LAUS5AAA0SC999999,R-9,T,2026-10-01,,,\nbad,,,,,,\n")
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    result = CliRunner().invoke(cli, ["import", "recalls", str(csv_file)])
    assert result.exit_code == 1
    assert "line 3" in result.output
    assert "nothing imported" in result.output
    result = CliRunner().invoke(cli, ["import", "recalls", str(csv_file), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "recalls: 1 new" in result.output


async def test_the_database_itself_refuses_a_second_hold_on_a_unit(app: App) -> None:
    one, two = await make_owners(app, 2, first=800)
    first = await book_for(app, one, RACE_START)
    second = await book_for(app, two, RACE_START)
    async with app.database.uow() as uow:
        assert not await uow.reservations.reserve(RACE_CENTER, 1, [RACE_START], second.id)  # type: ignore[union-attr]
        with pytest.raises(IntegrityError):
            await uow.session.execute(
                insert(tables.slot_reservations).values(
                    dealer_code=RACE_CENTER,
                    bay=1,
                    unit_start=RACE_START,
                    booking_id=second.id,  # type: ignore[union-attr]
                )
            )
    del first


def test_the_desk_lists_and_exports_bookings_in_local_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: App
) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    result = CliRunner().invoke(
        cli, ["bookings", "list", "--dealer", "DE-BER-01", "--now", NOW.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "DE-BER-01\tconfirmed\tmaintenance" in result.output
    assert "Lukas" in result.output
    out = tmp_path / "bookings.csv"
    result = CliRunner().invoke(cli, ["bookings", "export", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["dealer_code"] for r in rows] == ["DE-BER-01"]
    assert rows[0]["timezone"] == "Europe/Berlin"
    assert rows[0]["local_start"].endswith(("07:30", "08:30", "09:30", "10:30"))
    result = CliRunner().invoke(
        cli, ["bookings", "list", "--date", rows[0]["local_start"][:10], "--now", NOW.isoformat()]
    )
    assert "1 bookings" in result.output
    result = CliRunner().invoke(cli, ["bookings", "list", "--dealer", "XX"])
    assert result.exit_code != 0


def test_the_desk_records_a_walk_in_visit(monkeypatch: pytest.MonkeyPatch, app: App) -> None:
    import sqlite3

    database = app.database.engine.url.database
    assert database is not None
    with closing(sqlite3.connect(database)) as connection:
        [(vin,)] = connection.execute(
            "SELECT v.vin FROM vehicles v JOIN owners o ON o.id = v.owner_id WHERE o.phone = ?",
            (DEMO_LONDON,),
        ).fetchall()
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    args = ["visits", "record", "--dealer", "GB-LON-01", "--date", "2026-11-20"]
    result = CliRunner().invoke(cli, [*args, "--vin", "NOPE", "--invoice", "10"])
    assert result.exit_code == 1
    assert "no vehicle" in result.output
    result = CliRunner().invoke(cli, [*args, "--vin", vin, "--invoice", "10.001"])
    assert result.exit_code != 0
    result = CliRunner().invoke(
        cli, [*args, "--vin", vin, "--invoice", "149.00", "--services", "maintenance,brakes"]
    )
    assert result.exit_code == 0, result.output
    assert "149.00 GBP" in result.output
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute(
            "SELECT invoice_minor, currency, source FROM service_visits WHERE source = 'staff'"
        ).fetchall()
        audited = connection.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'visit.record'"
        ).fetchone()
    assert rows == [(14900, "GBP", "staff")]
    assert audited == (1,)


async def test_an_open_recall_is_sent_again_every_thirty_days_not_every_day(
    app: App, chat_factory: ChatFactory
) -> None:
    from datetime import timedelta

    from bot.domain.care import Rule
    from bot.services import care

    vin = await vin_of(app, DEMO_LONDON)
    await run(app, HEADER + f"{vin},R-2026-12,Brake hose may chafe,2026-11-01,open,,\n")
    await linked(chat_factory(lang="en"), DEMO_LONDON)

    async def recalls_after_planning_on(day: int) -> int:
        async with app.database.uow() as uow:
            await care.plan(uow, app.reference, NOW + timedelta(days=day))
            await uow.commit()
            owner = await uow.owners.by_phone(DEMO_LONDON)
            queued = await uow.outbox.of_owner(owner.id or 0)
        return sum(m.rule == Rule.RECALL for m in queued)

    for day in (0, 1, 2, 15, 29):
        assert await recalls_after_planning_on(day) == 1, f"day {day}"
    assert await recalls_after_planning_on(30) == 2
    assert await recalls_after_planning_on(31) == 2
