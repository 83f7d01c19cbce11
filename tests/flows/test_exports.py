"""CSV exports never hand a spreadsheet a formula: what owners and staff wrote is read
back as the text it is, and numbers stay numbers."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.app import App
from bot.cli import cli
from bot.services.csv_files import safe_cell, write_csv
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_LONDON, book_visit, linked

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
DANGEROUS = (HYPERLINK, "+cmd", DDE, "@SUM(1)", "-2+3", "\tTAB", "\rCR")


async def ownerbot(*args: str) -> Result:
    """The command line, beside the test's event loop (it runs one of its own)."""
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def read_back(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def no_formulas(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (column, value)
            if value.startswith("-"):
                int(value)  # only a number may start with a minus


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_a_spreadsheet_would_run_is_written_behind_a_quote_and_reads_back_whole(
    text: str,
) -> None:
    out = io.StringIO(newline="")
    write_csv(out, ["name", "points"], [[text, -50]])
    [row] = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert row == {"name": "'" + text, "points": "-50"}


def test_harmless_text_and_numbers_are_written_as_they_are() -> None:
    assert [safe_cell(v) for v in ("Oliver", "สมชาย", "", 0, -50, None)] == [
        "Oliver",
        "สมชาย",
        "",
        0,
        -50,
        None,
    ]


@pytest.fixture
def cli_env(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))


async def _owner_writes_formulas(app: App, chat_factory: ChatFactory) -> None:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_LONDON)
        assert owner is not None
        owner.first_name, owner.last_name = HYPERLINK, "+cmd"
        await uow.commit()
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await book_visit(chat, center="GB-LON-01", notes=DDE)


async def test_the_bookings_export_quotes_names_and_notes_that_are_formulas(
    app: App, chat_factory: ChatFactory, cli_env: None, tmp_path: Path
) -> None:
    await _owner_writes_formulas(app, chat_factory)
    out = tmp_path / "bookings.csv"
    await ownerbot("bookings", "export", str(out))
    rows = read_back(out)
    [mine] = [r for r in rows if r["notes"] == "'" + DDE]
    assert (mine["first_name"], mine["last_name"]) == ("'" + HYPERLINK, "'+cmd")
    assert int(mine["booking_id"]) > 0
    no_formulas(rows)


async def test_the_points_export_quotes_staff_reasons_and_keeps_negative_points_numeric(
    app: App, cli_env: None, tmp_path: Path
) -> None:
    for points, reason in ((100, HYPERLINK), (-50, "@SUM(1)"), (-20, "-2+3")):
        await ownerbot(
            "points", "adjust", "--phone", DEMO_LONDON, "--points", str(points), "--reason", reason
        )
    out = tmp_path / "ledger.csv"
    await ownerbot("points", "export", str(out))
    rows = read_back(out)
    mine = {r["reason"]: int(r["points"]) for r in rows if r["reason"].startswith("'")}
    assert mine == {"'" + HYPERLINK: 100, "'@SUM(1)": -50, "'-2+3": -20}
    no_formulas(rows)
