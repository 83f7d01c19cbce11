"""`ownerbot whatsapp templates` and what `care preview` says of WhatsApp's window."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App, build_app
from bot.cli import cli
from bot.config import Settings
from bot.domain.owners import Account
from tests.flows.test_care_cli import NOW, run

OLIVER = "+447911123456"  # London: points expiring, a care message would be planned


@pytest.fixture
def env(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))


def test_templates_are_written_ready_to_submit(tmp_path: Path) -> None:
    out = tmp_path / "templates.json"
    result = CliRunner().invoke(cli, ["whatsapp", "templates", "--out", str(out)])
    assert result.exit_code == 0, result.output
    templates = json.loads(out.read_text(encoding="utf-8"))
    birthday_pt = next(
        t for t in templates if t["name"] == "care_birthday_1" and t["language"] == "pt_BR"
    )
    assert birthday_pt["category"] == "MARKETING"
    [body] = birthday_pt["components"]
    assert body["type"] == "BODY"
    assert "{{1}}" in body["text"]
    assert "{{2}}" in body["text"]
    assert body["example"] == {"body_text": [["[name]", "[brand]"]]}
    assert "languages written to" in result.output


def _on_whatsapp(app: App, phone: str, last_seen: datetime) -> None:
    """Link the owner on WhatsApp, in the CLI's way: its own engine and event loop."""
    asyncio.run(_link(str(app.database.engine.url), phone, last_seen))


async def _link(url: str, phone: str, last_seen: datetime) -> None:
    other = build_app(Settings(database_url=url))
    async with other.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        uow.accounts.add(
            Account(
                channel="whatsapp",
                user_id=447911123456,
                chat_id=447911123456,
                first_seen_at=last_seen,
                owner_id=owner.id,
                linked_at=last_seen,
                last_seen_at=last_seen,
            )
        )
        owner.preferred_channel = "whatsapp"
        await uow.commit()
    await other.close()


def test_preview_says_when_care_messages_would_go_as_whatsapp_templates(
    env: None, app: App
) -> None:
    _on_whatsapp(app, OLIVER, datetime.fromisoformat(NOW) - timedelta(days=3))
    out = run("care", "preview", "--phone", OLIVER, "--now", NOW)
    assert "reaches them on: whatsapp (chat 447911123456" in out
    assert "outside WhatsApp's 24-hour window, care messages go as templates" in out
    assert "as template care_points_expiring_1_f" in out


def test_preview_says_free_form_inside_the_window(env: None, app: App) -> None:
    _on_whatsapp(app, OLIVER, datetime.fromisoformat(NOW) - timedelta(hours=2))
    out = run("care", "preview", "--phone", OLIVER, "--now", NOW)
    assert "inside WhatsApp's 24-hour window, free-form messages" in out
