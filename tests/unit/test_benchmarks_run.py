"""Every benchmark still runs (tiny sizes, in the slow suite): a benchmark that rots
unnoticed measures nothing the next time someone needs it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT

SMALL_RUNS = [
    ["bench/care.py", "--owners", "1500", "--naive", "100", "--send", "10", "--pg", ""],
    ["bench/ledger.py", "--lots", "500", "--naive", "50", "--pg", ""],
    ["bench/pipeline.py", "--updates", "40", "--rounds", "1", "--pg", ""],
    ["bench/import_owners.py", "--rows", "2000"],
    ["bench/imports.py", "--rows", "300", "--check-rows", "200"],
]
PG, REDIS = os.environ.get("OWNERBOT_TEST_PG_URL"), os.environ.get("OWNERBOT_TEST_REDIS_URL")
if PG and REDIS:  # several workers and senders need both
    SMALL_RUNS.append(
        [
            "bench/scale.py",
            *("--pg", PG, "--redis", REDIS),
            *("--workers", "1", "--chats", "5", "--rounds", "2"),
            *("--senders", "1", "--messages", "20"),
        ]
    )


@pytest.mark.slow
@pytest.mark.parametrize("command", SMALL_RUNS, ids=[c[0] for c in SMALL_RUNS])
def test_the_benchmark_runs_and_prints_its_figures(command: list[str]) -> None:
    ran = subprocess.run(
        [sys.executable, *command],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.strip() != ""
    assert "Traceback" not in ran.stderr
