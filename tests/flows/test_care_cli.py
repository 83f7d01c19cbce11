"""`ownerbot care plan|send|preview` and `ownerbot report kpi` on the demo data."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.cli import cli

NOW = "2026-11-23T12:00+00:00"


@pytest.fixture
def env(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_preview_shows_what_would_be_planned_without_planning_it(env: None) -> None:
    first = run("care", "preview", "--phone", "+447911123456", "--now", NOW)
    assert "points_expiring" in first
    assert "would be planned now" in first
    again = run("care", "preview", "--phone", "+447911123456", "--now", NOW)
    assert again == first, "a preview changes nothing"
    owner_id = first.split()[1]  # "owner 7 (GB), ..."
    assert run("care", "preview", "--owner", owner_id, "--now", NOW) == first
    nobody = CliRunner().invoke(cli, ["care", "preview", "--owner", "999999"])
    assert nobody.exit_code != 0
    assert "no owner with id 999999" in nobody.output


def test_plan_then_send_prints_messages_to_console_chats(env: None) -> None:
    planned = run("care", "plan", "--now", NOW)
    assert "planned" in planned
    sent = run("care", "send", "--now", NOW)
    assert "[to chat 7000" in sent
    assert "sent" in sent.splitlines()[-1]
    preview = run("care", "preview", "--phone", "+447911123456", "--now", NOW)
    assert "\tsent" in preview


def test_the_kpi_report_prints_the_numbers_and_draws_a_chart(env: None, tmp_path: Path) -> None:
    chart = tmp_path / "kpi.png"
    out = run("report", "kpi", "--market", "BR", "--png", str(chart), "--now", NOW)
    assert "NPS" in out
    assert "return to service" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
