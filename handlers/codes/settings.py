"""Button codes of settings (handlers/settings.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class SettingsHome(ButtonCode, prefix="set:home"):
    pass
