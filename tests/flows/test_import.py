"""`ownerbot import owners`: every bad row reported by line, all or nothing, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.cli import cli
from bot.domain.vin import with_check_digit
from bot.services.importer import import_owners

HEADER = (
    "phone,first_name,last_name,language,market,birthday,vin,model,model_year,"
    "delivery_date,mileage_km,dealer_code\n"
)
GOOD = [
    "081 555 0101,Kanya,Thongdee,th,TH,1990-05-01,LAUS5AAA1SC100001,S5,2025,2025-01-10,"
    "8000,TH-BKK-01\n",
    "081 555 0101,Kanya,Thongdee,th,TH,,LAUE3AAA1SC100002,Aurora E3,2025,2025-06-01,,TH-BKK-01\n",
    "+49 151 5550 1234,Jonas,Weber,de-DE,DE,,LAUX7AAA1SC100003,X7,,,,DE-BER-01\n",
]


def lines(*rows: str) -> list[str]:
    return (HEADER + "".join(rows)).splitlines(keepends=True)


async def run(app: App, rows: list[str], *, skip_invalid: bool = False):  # type: ignore[no-untyped-def]
    async with app.database.uow() as uow:
        report = await import_owners(
            uow, rows, app.reference, now=app.clock.now(), skip_invalid=skip_invalid
        )
        if report.applied:
            await uow.commit()
        return report


async def test_a_clean_file_imports_owners_with_all_their_vehicles(app: App) -> None:
    report = await run(app, lines(*GOOD))
    assert report.applied
    assert (report.owners_created, report.vehicles_created) == (2, 3)
    async with app.database.uow() as uow:
        kanya = await uow.owners.by_phone("+66815550101")
        assert kanya is not None
        assert kanya.locale_on_file == "th"
        assert kanya.locale is None  # only a choice made in chat is explicit
        assert kanya.id is not None
        assert len(await uow.vehicles.of_owner(kanya.id)) == 2


async def test_reimporting_the_same_file_changes_nothing(app: App) -> None:
    await run(app, lines(*GOOD))
    again = await run(app, lines(*GOOD))
    assert again.applied
    assert again.unchanged == 3
    assert again.owners_created == again.owners_updated == 0
    assert again.vehicles_created == again.vehicles_updated == 0


async def test_one_bad_row_means_nothing_is_imported_and_every_problem_is_listed(
    app: App,
) -> None:
    bad = [
        "12,Nobody,,xx,TH,2031-01-01,LAUS5AAAOSC100009,S9,1800,someday,-5,DE-BER-01\n",
        "0812345678,,,,ZZ,,SHORT,S5,,,,\n",
    ]
    report = await run(app, lines(*GOOD, *bad))
    assert not report.applied
    by_line = {(e.line, e.column) for e in report.errors}
    assert {
        (5, "phone"),
        (5, "language"),
        (5, "birthday"),
        (5, "vin"),
        (5, "model"),
        (5, "model_year"),
        (5, "delivery_date"),
        (5, "mileage_km"),
        (5, "dealer_code"),
        (6, "market"),
        (6, "first_name"),
        (6, "vin"),
    } <= by_line
    async with app.database.uow() as uow:
        assert await uow.owners.by_phone("+66815550101") is None


async def test_skip_invalid_imports_the_good_rows(app: App) -> None:
    report = await run(app, lines(*GOOD, "oops,,,,,,,,,,,\n"), skip_invalid=True)
    assert report.applied
    assert report.vehicles_created == 3
    assert [e.line for e in report.errors] == [5] * len(report.errors)


async def test_the_same_vin_twice_in_a_file_is_an_error(app: App) -> None:
    duplicate = GOOD[0].replace("Kanya,Thongdee", "Kanya,Thongdee")
    report = await run(app, lines(GOOD[0], duplicate))
    assert [(e.line, e.column) for e in report.errors] == [(3, "vin")]


async def test_mexico_checks_the_vin_check_digit(app: App) -> None:
    wrong = "55 1234 9876,Rosa,Díaz,es,MX,,LAUS5AAA5SC100004,S5,,,,MX-CDMX-01\n"
    right = wrong.replace("LAUS5AAA5SC100004", with_check_digit("LAUS5AAA5SC100004"))
    assert [e.column for e in (await run(app, lines(wrong))).errors] == ["vin"]
    assert (await run(app, lines(right))).applied


async def test_a_missing_column_is_reported_on_the_header_line(app: App) -> None:
    report = await run(app, ["phone,first_name\n", "0812345678,A\n"])
    assert report.errors[0].line == 1
    assert "market" in report.errors[0].reason


async def test_a_broken_row_with_too_few_columns_is_reported(app: App) -> None:
    report = await run(app, lines(GOOD[0], "0812345678,Only,Three\n"))
    assert [(e.line, e.reason) for e in report.errors] == [(3, "wrong number of columns")]


def test_the_cli_prints_errors_by_line_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: App
) -> None:
    csv_file = tmp_path / "owners.csv"
    csv_file.write_text(HEADER + GOOD[0] + "x,,,,,,,,,,,\n", encoding="utf-8")
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    result = CliRunner().invoke(cli, ["import", "owners", str(csv_file)])
    assert result.exit_code == 1
    assert "line 3" in result.output
    assert "nothing imported" in result.output
    result = CliRunner().invoke(cli, ["import", "owners", str(csv_file), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "vehicles: 1 new" in result.output
