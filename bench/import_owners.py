"""A large owner import on SQLite, and how long the bot waits meanwhile.

    .venv/bin/python bench/import_owners.py [--rows 100000] [--probe-every 0.1]

Run from the repository root. A fresh SQLite database (migrated, demo data) gets a
generated dealer-management export of ROWS owners, one new vehicle each, through
`ownerbot import owners` in its own process, as an operator would run it beside the
bot. Meanwhile this process answers a /start from a new person every PROBE_EVERY
seconds through the real dispatcher (a write: the update log and a new account) and
records how long each took. Then the same file is imported again (nothing changes:
the re-run of an import that crashed half-way).

Prints the import's wall and CPU time (on a busy machine CPU time compares better)
and the probes' median and longest answer. Asserts
nothing about time; tests/flows/test_import_chunks.py holds what must hold.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_app, prepare_database  # noqa: E402
from bot.config import Settings  # noqa: E402
from handlers.types import Event, EventKind  # noqa: E402

HEADER = (
    "phone,first_name,last_name,language,market,birthday,vin,model,model_year,"
    "delivery_date,mileage_km,dealer_code\n"
)


def export_file(path: Path, rows: int) -> None:
    """ROWS Thai owners with distinct mobile numbers and VINs (no check digit in TH)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for n in range(rows):
            fh.write(
                f"+6689{n:07d},Owner{n},Family{n % 977},th,TH,1985-03-0{1 + n % 9},"
                f"LAUS5AAA1SC{n:06d},S5,2025,2025-01-10,{1000 + n % 50_000},TH-BKK-01\n"
            )


async def _probe(url: str, every: float, done: asyncio.Event) -> tuple[list[float], int]:
    """How long each /start took, and how many were answered with the apology."""
    app = build_app(Settings(database_url=url, care_scheduler=False))
    dispatcher = app.dispatcher()
    waits: list[float] = []
    failed = 0
    n = 0
    try:
        while not done.is_set():
            n += 1
            started = time.perf_counter()
            screens = await dispatcher.handle(
                Event(
                    channel="console",
                    update_id=f"probe-{time.time_ns()}",
                    user_id=7_000_000 + n,
                    chat_id=7_000_000 + n,
                    kind=EventKind.COMMAND,
                    command="start",
                    language_code="en",
                )
            )
            waits.append(time.perf_counter() - started)
            failed += any("went wrong" in screen.text for screen in screens)
            await asyncio.sleep(every)
    finally:
        await app.close()
    return waits, failed


async def _import_beside_the_bot(url: str, csv_file: Path, every: float) -> None:
    env = {
        **os.environ,
        "OWNERBOT_DATABASE_URL": url,
        "OWNERBOT_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),  # this tree's code, whichever tree the venv was made for
    }
    done = asyncio.Event()
    probe = asyncio.create_task(_probe(url, every, done))
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        "import",
        "owners",
        str(csv_file),
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await process.communicate()
    took = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    done.set()
    waits, failed = await probe
    print(f"  exit {process.returncode}: {out.decode().strip()} {err.decode().strip()}")
    print(f"  import: {took:.1f} s wall, {cpu:.1f} s CPU")
    if waits:
        print(
            f"  /start beside it: {len(waits)} answered, median {statistics.median(waits):.3f} s, "
            f"longest {max(waits):.3f} s, {failed} apologies"
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--probe-every", type=float, default=0.1)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # a failed /start is counted, not printed
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "ownerbot.db"
        url = f"sqlite+aiosqlite:///{db}"
        app = build_app(Settings(database_url=url, care_scheduler=False))
        await prepare_database(app, seed_demo_if_empty=True)
        await app.close()
        csv_file = Path(scratch) / "owners.csv"
        export_file(csv_file, args.rows)
        print(f"{args.rows:,} new owners:")
        await _import_beside_the_bot(url, csv_file, args.probe_every)
        print("the same file again (nothing changes):")
        await _import_beside_the_bot(url, csv_file, args.probe_every)


if __name__ == "__main__":
    asyncio.run(main())
