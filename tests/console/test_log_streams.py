"""Log lines go to stderr, never between the chat lines on stdout: in `ownerbot
console`, in `ownerbot run` without a token (what `make run` starts), and wherever
logging is set up."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.app import App
from bot.logs import configure_logging
from bot.services.console_screens import ScreenMemory
from bot.services.ports import ShownButtons
from tests.console.cli import database_url_of, ownerbot

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


def log_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if LOG_LINE.match(line)]


async def test_a_warning_during_a_conversation_goes_to_stderr_not_between_chat_lines(
    app: App, tmp_path: Path
) -> None:
    # A kept button whose code no flow knows: pressing it logs a warning.
    await ScreenMemory(app.database.uow, app.clock).remember(
        5401, ShownButtons(1, (("zz:gone", "old"),))
    )
    ran = await ownerbot(
        "console",
        "--user",
        "5401",
        "--lang",
        "th",
        script="#1\n/start\n",
        database_url=database_url_of(app),
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    assert log_lines(ran.stdout) == []
    assert any("unknown button code" in line for line in log_lines(ran.stderr))
    th = app.catalogs.translator("th")
    assert ran.stdout.splitlines()[:2] == ["> #1", f"({th._('This button is no longer valid.')})"]


async def test_run_without_a_token_keeps_its_notice_and_logs_off_stdout(tmp_path: Path) -> None:
    fresh = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"  # migrated and seeded: logs INFO
    ran = await ownerbot("run", script="/start\n", database_url=fresh, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[0] == "> /start", "stdout is the conversation only"
    assert log_lines(ran.stdout) == []
    assert "No channel configured" in ran.stderr
    assert any("demo data loaded" in line for line in log_lines(ran.stderr))


def test_configured_logging_writes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("INFO")
        logging.getLogger("ownerbot.test").warning("a line for the log")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    captured = capsys.readouterr()
    assert "a line for the log" in captured.err
    assert captured.out == ""
