"""Fixtures the flow tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App


@pytest.fixture
def db(app: App, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's SQLite file, which `ownerbot` commands run in the test then use."""
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    path = app.database.engine.url.database
    assert path
    return Path(path)
