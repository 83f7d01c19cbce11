"""Big imports are checked whole, then written in chunks: the bot's own updates get in
between two chunks on SQLite, a file with errors still changes nothing, and an import
that stopped half-way finishes when the same file is run again."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import pytest

from bot.app import App
from bot.config import PROJECT_ROOT
from bot.domain.owner_import import OwnerRow
from bot.services.importer import plan_owner_import
from bot.services.ports import UnitOfWork
from bot.services.referral_import import plan_stage_import
from handlers.types import Event, EventKind
from tests.conftest import NOW
from tests.services.loyalty_helpers import days, owner_by_phone
from tests.services.referral_helpers import DUBAI, recommend

HEADER = (
    "phone,first_name,last_name,language,market,birthday,vin,model,model_year,"
    "delivery_date,mileage_km,dealer_code\n"
)


def owners_file(path: Path, rows: int, *, bad_last: bool = False) -> Path:
    """`rows` Thai owners with a car each (distinct phones and VINs)."""
    lines = [
        f"+668970{n:05d},Owner{n},Family,th,TH,,LAUS5AAA1SC{n:06d},S5,2025,2025-01-10,,TH-BKK-01\n"
        for n in range(rows)
    ]
    if bad_last:
        lines[-1] = lines[-1].replace(",S5,", ",S9,")  # no such model
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def imported(db: Path) -> int:
    with closing(sqlite3.connect(db)) as connection:
        found = connection.execute("SELECT count(*) FROM owners WHERE phone LIKE '+668970%'")
        return int(found.fetchone()[0])


async def ownerbot(db: Path, *args: str) -> asyncio.subprocess.Process:
    """`ownerbot ...` in its own process, as an operator runs it beside the bot."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        *args,
        cwd=PROJECT_ROOT,
        env={"OWNERBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def start_command(user_id: int) -> Event:
    return Event(
        channel="console",
        update_id=f"beside-{user_id}",
        user_id=user_id,
        chat_id=user_id,
        kind=EventKind.COMMAND,
        command="start",
        language_code="en",
    )


def database_file(app: App) -> Path:
    assert app.database.engine.url.database
    return Path(app.database.engine.url.database)


@pytest.mark.slow
async def test_the_bots_updates_commit_between_the_chunks_of_a_big_import(
    app: App, tmp_path: Path
) -> None:
    db, rows = database_file(app), 4_000
    csv_file = owners_file(tmp_path / "owners.csv", rows)
    process = await ownerbot(db, "import", "owners", str(csv_file), "--chunk-rows", "200")
    for _ in range(6_000):  # the file is checked whole before the first chunk goes in
        if imported(db) > 0 or process.returncode is not None:
            break
        await asyncio.sleep(0.01)
    dispatcher = app.dispatcher()
    during: list[tuple[float, int]] = []  # (how long the update took, owners imported then)
    user_id = 7_100_000
    while process.returncode is None and len(during) < 200:
        user_id += 1
        started = time.perf_counter()
        screens = await dispatcher.handle(start_command(user_id))
        assert not any("went wrong" in s.text for s in screens)
        during.append((time.perf_counter() - started, imported(db)))
        await asyncio.sleep(0.02)
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert imported(db) == rows
    mid_import = [(wait, count) for wait, count in during if 0 < count < rows]
    assert len(mid_import) >= 3, (
        f"updates must commit while the import is still writing; saw {during[:10]} "
        f"(longest wait {max((w for w, _ in during), default=0):.2f} s)"
    )
    assert len({count for _, count in mid_import}) >= 2, "they got in between several chunks"


def test_a_file_with_one_bad_row_at_its_end_writes_no_chunk_at_all(
    app: App, tmp_path: Path
) -> None:
    db = database_file(app)
    csv_file = owners_file(tmp_path / "owners.csv", 30, bad_last=True)

    async def run() -> tuple[int, str]:
        process = await ownerbot(db, "import", "owners", str(csv_file), "--chunk-rows", "5")
        _, err = await process.communicate()
        return process.returncode or 0, err.decode()

    code, err = asyncio.run(run())
    assert code == 1
    assert "line 31, model" in err
    assert imported(db) == 0


class PowerCut(Exception):
    pass


async def test_an_import_that_stopped_half_way_finishes_when_the_same_file_is_run_again(
    app: App, tmp_path: Path
) -> None:
    lines = owners_file(tmp_path / "owners.csv", 10).read_text().splitlines(keepends=True)
    now = app.clock.now()
    first = plan_owner_import(lines, app.reference, now=now, chunk_rows=4)
    write = first.apply
    chunks_written = 0

    async def power_cut_in_the_third_chunk(uow: UnitOfWork, chunk: Sequence[OwnerRow]) -> None:
        nonlocal chunks_written
        await write(uow, chunk)
        chunks_written += 1
        if chunks_written == 3:
            raise PowerCut  # before the third chunk commits

    first.apply = power_cut_in_the_third_chunk
    with pytest.raises(PowerCut):
        await first.apply_in_chunks(app.database.uow, pause=0)
    assert imported(database_file(app)) == 8, "two chunks of four went in, the third did not"

    again = plan_owner_import(lines, app.reference, now=now, chunk_rows=4)
    report = await again.apply_in_chunks(app.database.uow, pause=0)
    assert report.applied
    assert (report.owners_created, report.vehicles_created, report.unchanged) == (2, 2, 8)
    assert imported(database_file(app)) == 10
    third = plan_owner_import(lines, app.reference, now=now, chunk_rows=4)
    report = await third.apply_in_chunks(app.database.uow, pause=0)
    assert (report.owners_created, report.vehicles_created, report.unchanged) == (0, 0, 10)


async def test_chunks_of_a_stage_import_never_split_a_referral(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    first = await recommend(app, owner, "+971509990301", at=NOW - days(30))
    second = await recommend(app, owner, "+971509990302", at=NOW - days(30))
    day = (NOW - days(5)).date()
    rows = [
        "referral_id,stage,changed_at\n",
        f"{first.id},contacted,{day}\n",
        f"{second.id},contacted,{day}\n",
        f"{first.id},test_drive,{day}\n",
        f"{second.id},test_drive,{day}\n",
        f"{first.id},test_drive_done,{day}\n",
    ]
    async with app.database.uow() as uow:
        plan = await plan_stage_import(
            uow, rows, app.reference, now=NOW, actor="import:t.csv", chunk_rows=1
        )
    assert plan.report.errors == []
    referrals_of = [{step.referral_id for step in chunk} for chunk in plan.chunks]
    assert referrals_of == [{first.id, second.id}], "the two referrals' moves interleave"

    async with app.database.uow() as uow:
        apart = await plan_stage_import(
            uow,
            [rows[0], rows[1], rows[3], rows[5], rows[2], rows[4]],
            app.reference,
            now=NOW,
            actor="import:t.csv",
            chunk_rows=1,
        )
    assert [[s.row.line for s in chunk] for chunk in apart.chunks] == [[2, 3, 4], [5, 6]]
