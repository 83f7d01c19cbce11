"""The python-telegram-bot runtime against the fake Bot API server: the same
scenarios as the aiogram runtime (tests/e2e/conftest.py), so both behave alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Bot, Update

from bot.app import App
from tests.e2e.conftest import (
    RunningBot,
    StartBot,
    check_events,
    scenario_blocked,
    scenario_callbacks_answered,
    scenario_command_menus,
    scenario_duplicate,
    scenario_html_escaped,
    scenario_onboarding,
    scenario_retry_after,
    scenario_timeout,
    scenario_webhook,
    scenario_wrong_token,
    thai_test_catalogs,
)
from tests.fakes.bot_api import FakeBotAPI


@pytest.fixture
def runtime() -> str:
    return "ptb"


async def test_onboarding_links_the_demo_owner_and_edits_the_consent_message(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    await scenario_onboarding(api)


async def test_each_language_gets_its_command_menu_and_thai_clients_read_thai(
    api: FakeBotAPI, start_bot: StartBot, tmp_path: Path
) -> None:
    await start_bot(catalogs=thai_test_catalogs(tmp_path))
    await scenario_command_menus(api)


async def test_a_429_is_retried_after_retry_after_and_the_message_arrives_once(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    await scenario_retry_after(api)


async def test_a_403_marks_the_account_unreachable_and_other_users_are_still_served(
    api: FakeBotAPI, bot: RunningBot, app: App
) -> None:
    await scenario_blocked(api, app)


async def test_a_send_that_times_out_does_not_stop_the_next_update(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    await scenario_timeout(api)


async def test_the_same_update_delivered_twice_is_answered_once(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    await scenario_duplicate(api)


async def test_the_webhook_rejects_a_wrong_secret_token_and_processes_the_right_one(
    api: FakeBotAPI, start_bot: StartBot
) -> None:
    await start_bot(webhook=True)
    await scenario_webhook(api)


async def test_a_wrong_token_stops_start_up_and_is_never_logged(
    api: FakeBotAPI, app: App, runtime: str, caplog: pytest.LogCaptureFixture
) -> None:
    await scenario_wrong_token(api, app, runtime, caplog)


async def test_user_text_with_html_is_escaped_in_what_reaches_the_server(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    await scenario_html_escaped(api)


async def test_every_callback_query_is_answered_exactly_once(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    await scenario_callbacks_answered(api)


def test_every_kind_of_update_becomes_the_right_events() -> None:
    bot = Bot("123456:TEST")
    check_events(lambda data: Update.de_json(data, bot))
