"""A production `ownerbot run` never fills an empty database with fictional owners: the
demo is for the console, `make run` and `--demo`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from bot.app import build_app, demo_wanted
from bot.clock import FixedClock
from bot.config import Settings

CLOCK = FixedClock(datetime(2026, 12, 7, tzinfo=UTC))


def settings(**values: object) -> Settings:
    return Settings(database_url="sqlite+aiosqlite:///:memory:", **values)  # type: ignore[arg-type]


async def test_without_a_real_channel_an_empty_database_gets_the_demo() -> None:
    app = build_app(settings(), CLOCK)
    try:
        assert demo_wanted(app) is True
    finally:
        await app.close()


@pytest.mark.parametrize(
    "channel",
    [
        {"telegram_bot_token": SecretStr("123:abc")},
        {
            "whatsapp_token": SecretStr("t"),
            "whatsapp_phone_number_id": "1",
            "whatsapp_app_secret": SecretStr("s"),
        },
    ],
)
async def test_on_a_real_channel_an_empty_database_stays_empty(channel: dict[str, object]) -> None:
    app = build_app(settings(**channel), CLOCK)
    try:
        assert app.served_channels != ()
        assert demo_wanted(app) is False
        assert demo_wanted(app, asked=True) is True  # `ownerbot run --demo`, `make run`
    finally:
        await app.close()


async def test_the_setting_decides_when_it_is_given() -> None:
    on_telegram = build_app(
        settings(telegram_bot_token=SecretStr("123:abc"), seed_demo_if_empty=True), CLOCK
    )
    in_console = build_app(settings(seed_demo_if_empty=False), CLOCK)
    try:
        assert demo_wanted(on_telegram) is True
        assert demo_wanted(in_console) is False
        assert demo_wanted(in_console, asked=True) is True
    finally:
        await on_telegram.close()
        await in_console.close()
