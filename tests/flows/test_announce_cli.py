"""`ownerbot announce FILE.toml [--dry-run]` and `ownerbot announcements ...` on the demo
data: the dry run stores nothing, a wrong file is refused with what to fix, and an
announcement is queued, sent, reported, corrected and cancelled."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.cli import cli
from bot.config import PROJECT_ROOT

NOW = "2026-11-23T12:00+04:00"
EXAMPLE = PROJECT_ROOT / "examples" / "announcement.toml"


@pytest.fixture
def env(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def refused(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 1, result.output
    return result.output


def owners_only(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "owners.toml"
    path.write_text(
        '[text]\nar = "مرحبًا"\nen = "Hello"\n\n[audience.owners]\nmarkets = ["AE", "SA"]\n' + extra,
        encoding="utf-8",
    )
    return path


def test_a_dry_run_prints_each_variant_and_the_audience_and_stores_nothing(
    env: None, tmp_path: Path
) -> None:
    shown = run("announce", str(owners_only(tmp_path)), "--dry-run", "--now", NOW)
    assert shown.splitlines() == [
        "--- ar: groups 0, owners 1",
        "مرحبًا",
        "--- en: groups 0, owners 1",
        "Hello",
        "audience: 0 groups, 2 owners (0 get their market's default language)",
        "dry run: nothing was stored or sent",
    ]
    assert run("announcements", "list") == ""


def test_a_wrong_file_is_refused_with_what_to_fix(env: None, tmp_path: Path) -> None:
    wrong_tier = owners_only(tmp_path, 'tiers = ["gold"]\n')
    assert "tiers: 'gold' is not one of explorer, companion, co_creator" in refused(
        "announce", str(wrong_tier), "--now", NOW
    )
    no_default = tmp_path / "th.toml"
    no_default.write_text('[text]\nen = "Hi"\n[audience.owners]\nmarkets = ["TH"]\n')
    assert "add the text in th" in refused("announce", str(no_default), "--now", NOW)
    no_event = tmp_path / "rsvp.toml"
    no_event.write_text(
        owners_only(tmp_path).read_text() + '[[button]]\nkind = "rsvp"\nevent = 9\n'
    )
    assert "no upcoming event 9 to RSVP to" in refused("announce", str(no_event), "--now", NOW)
    # The example names the README walkthrough's event: on the bare demo there is none.
    assert "no upcoming event 1 to RSVP to" in refused(
        "announce", str(EXAMPLE), "--dry-run", "--now", NOW
    )


def test_queued_then_sent_reported_and_a_second_one_cancelled(env: None, tmp_path: Path) -> None:
    assert run("announce", str(owners_only(tmp_path)), "--now", NOW).endswith(
        "announcement 1 queued, due now\n"
    )
    sent = run("announcements", "send", "--now", NOW)
    assert "Hello" in sent
    assert "مرحبًا" in sent
    assert run("announcements", "report", "1").splitlines() == [
        "announcement 1: sent",
        "owners: delivered 2",
    ]
    later = owners_only(tmp_path, "")
    later.write_text('send_at = "2026-11-30T10:00"\n' + later.read_text(), encoding="utf-8")
    assert "due at 2026-11-30T10:00 in each recipient's zone" in run(
        "announce", str(later), "--now", NOW
    )
    assert run("announcements", "cancel", "2", "--now", NOW) == (
        "announcement 2 cancelled: 2 copies held back\n"
    )
    assert "announcement 1 is sent" in refused("announcements", "cancel", "1")
    assert run("announcements", "report", "2").splitlines() == [
        "announcement 2: cancelled",
        "owners: cancelled 2",
    ]
