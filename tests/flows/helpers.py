"""Conversation shortcuts shared by flow tests."""

from __future__ import annotations

from tests.conftest import Chat

DEMO_BANGKOK = "+66812345678"  # สมชาย, Thai on file, an Aurora X7
DEMO_DUBAI = "+971501234567"  # أحمد, Arabic on file, an Aurora X7
DEMO_SAO_PAULO = "+5511987654321"  # João, Portuguese on file, an Aurora S5
DEMO_LONDON = "+447911123456"  # Oliver, English, an Aurora E3, miles


async def linked(
    chat: Chat, phone: str = DEMO_BANGKOK, *, service: bool = True, marketing: bool = True
) -> Chat:
    """Start, share the phone, answer both consent questions."""
    await chat.say("/start")
    await chat.say(f"@contact {phone}")
    await chat.say(f"#{1 if service else 2}")
    await chat.say(f"#{1 if marketing else 2}")
    return chat
