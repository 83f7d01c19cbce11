"""The command menu each Telegram client shows, in its language (setMyCommands)."""

from __future__ import annotations

from bot.i18n import Translator


def command_menu(t: Translator) -> list[tuple[str, str]]:
    """(command, description) pairs; descriptions must stay under 256 characters."""
    return [
        ("menu", t._("Main menu")),
        ("points", t._("Points, tier and rewards")),
        ("book", t._("Book a service visit")),
        ("bookings", t._("My service visits")),
        ("refer", t._("Invite a friend")),
        ("ask", t._("Ask your dealer a question")),
        ("settings", t._("Language, notifications, quiet hours")),
        ("help", t._("Help and roadside assistance")),
        ("stop", t._("Stop news and offers")),
    ]
