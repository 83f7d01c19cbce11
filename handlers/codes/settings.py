"""Button codes of settings (handlers/settings.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.owners import ConsentCategory
from handlers.codes import ButtonCode


@dataclass(frozen=True)
class SettingsHome(ButtonCode, prefix="set:home"):
    pass


@dataclass(frozen=True)
class LanguageSettings(ButtonCode, prefix="set:lang"):
    pass


@dataclass(frozen=True)
class NotificationSettings(ButtonCode, prefix="set:notif"):
    pass


@dataclass(frozen=True)
class ToggleNotifications(ButtonCode, prefix="set:tg"):
    category: ConsentCategory


@dataclass(frozen=True)
class QuietHours(ButtonCode, prefix="set:quiet"):
    pass


@dataclass(frozen=True)
class SendWindow(ButtonCode, prefix="set:win"):
    start: int  # local hour
    end: int


@dataclass(frozen=True)
class ChannelSettings(ButtonCode, prefix="set:chan"):
    pass


@dataclass(frozen=True)
class ChooseChannel(ButtonCode, prefix="set:chch"):
    channel: str  # "telegram", "whatsapp", "line"; "": the one the owner wrote on last
