"""The aiogram runtime against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
from pathlib import Path

import pytest
from aiogram.types import Update

from bot.app import App, telegram_deps
from bot.channels.runtime import run_telegram
from bot.channels.telegram.commands import telegram_language_code
from bot.channels.telegram.updates import parse_command
from handlers.types import Attachment, Event, Screen
from tests.e2e.conftest import (
    FAST,
    RunningBot,
    StartBot,
    button_data,
    check_events,
    markup_of,
    next_send,
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
    telegram_app,
    thai_test_catalogs,
)
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser


@pytest.fixture
def runtime() -> str:
    return "aiogram"


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


async def test_updates_of_one_chat_are_answered_in_order_while_other_chats_go_on(
    api: FakeBotAPI, start_bot: StartBot
) -> None:
    await start_bot(options=dataclasses.replace(FAST, request_timeout=3.0))
    kim, lee = TgUser(5011, "Kim", "en"), TgUser(5012, "Lee", "en")
    api.delay_next("sendMessage", 1.0, chat_id=kim.id)  # slow, but within the timeout
    api.command(kim, "help")
    api.command(kim, "language")
    api.command(lee, "help")
    await next_send(api, lee.id, 0)
    assert api.sent_to(kim.id) == [], "Lee did not wait for Kim's slow chat"
    await api.wait_for(lambda: len(api.sent_to(kim.id)) == 2)
    first, second = api.sent_to(kim.id)
    assert "Commands:" in first.params["text"]
    assert "Choose your language" in second.params["text"]


async def test_an_edit_that_telegram_refuses_is_sent_as_a_new_message(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    mia = TgUser(5013, "Mia", "en")
    api.command(mia, "language")
    picker = await next_send(api, mia.id, 0)
    api.fail_next("editMessageText", 400, description="Bad Request: message can't be edited")
    api.press(mia, button_data(picker, "English"), api.last_message_id(mia.id))
    language_set = await next_send(api, mia.id, 1)
    assert "English" in language_set.params["text"]
    await next_send(api, mia.id, 2)  # then the phone request, as usual


async def test_a_new_group_member_is_welcomed_and_bots_are_not(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    club = TgChat(-100500, "Aurora owners club")
    ned = TgUser(5014, "Ned", "en")
    helper = TgUser(5015, "HelperBot", "en", is_bot=True)
    api.member_joined(club, ned, helper)
    welcome = await next_send(api, club.id, 0)
    assert "Ned" in welcome.params["text"]
    [[open_chat]] = markup_of(welcome)["inline_keyboard"]
    assert open_chat["url"].endswith(f"{api.bot_username}?start=club")
    await api.settle()
    assert len(api.sent_to(club.id)) == 1


async def test_a_group_command_for_another_bot_is_ignored_and_ours_is_answered(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    club = TgChat(-100501)
    olga = TgUser(5016, "Olga", "en")
    api.command(olga, "help", chat=club, mention="SomeOtherBot")
    api.command(olga, "help", chat=club, mention=api.bot_username.upper())
    reply = await next_send(api, club.id, 0)
    assert "private chat" in reply.params["text"], "personal features move to the private chat"
    await api.settle()
    assert len(api.sent_to(club.id)) == 1


async def test_a_start_deep_link_payload_is_kept_on_the_account(
    api: FakeBotAPI, bot: RunningBot, app: App
) -> None:
    pia = TgUser(5017, "Pia", "th")
    api.command(pia, "start", "club")
    await next_send(api, pia.id, 0)
    async with app.database.uow() as uow:
        account = await uow.accounts.by_user("telegram", pia.id)
    assert account is not None
    assert account.start_payload == "club"
    assert account.language_code == "th"


async def test_my_data_arrives_as_a_document_with_an_html_caption(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    raj = TgUser(5018, "Raj", "en")
    api.command(raj, "start")
    await next_send(api, raj.id, 0)
    api.contact(raj, "+66891112233", raj.id)  # Nattaya, English on file
    await next_send(api, raj.id, 2)
    api.command(raj, "mydata")
    document = await api.wait_for(lambda: api.calls_to("sendDocument"))
    sent = document[0]
    assert sent.params["document"]["filename"] == "my-data.json"
    assert sent.params["document"]["size"] > 0
    assert sent.params["parse_mode"] == "HTML"
    assert "personal data" in sent.params["caption"]


async def test_polling_survives_a_failing_get_updates(api: FakeBotAPI, bot: RunningBot) -> None:
    sam = TgUser(5019, "Sam", "en")
    api.fail_next("getUpdates", 502, times=2)
    await api.wait_for(lambda: [c for c in api.calls_to("getUpdates") if c.status == 502])
    api.command(sam, "help")
    await next_send(api, sam.id, 0, within=10)


class _Scripted:
    """A dispatcher that answers every event with the same screens."""

    def __init__(self, screens: list[Screen]) -> None:
        self.screens = screens

    async def handle(self, event: Event) -> list[Screen]:
        return self.screens


async def test_screens_go_to_the_chat_they_name_and_photos_carry_an_html_caption(
    api: FakeBotAPI, app: App
) -> None:
    staff_group = -100900
    screens = [
        Screen(text="New booking <b>#12</b>", chat_id=staff_group),
        Screen(
            text="",
            attachment=Attachment("car.jpg", b"\xff\xd8jpeg", kind="photo", caption="<b>X7</b>"),
        ),
        Screen(text="", toast="Saved."),  # no callback to answer: shown as a message
    ]
    deps = telegram_deps(telegram_app(app, api, "aiogram"))
    scripted = dataclasses.replace(deps, dispatcher_for=lambda _username: _Scripted(screens))
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(scripted, options=FAST, stop=stop))
    try:
        await api.wait_until_polling()
        wes = TgUser(5023, "Wes", "en")
        api.command(wes, "anything")
        await api.wait_for(lambda: len(api.sent_to(wes.id)) == 2)
        [to_staff] = api.sent_to(staff_group)
        assert to_staff.params["text"] == "New booking <b>#12</b>"
        photo, toast = api.sent_to(wes.id)
        assert photo.method == "sendPhoto"
        assert photo.params["photo"]["filename"] == "car.jpg"
        assert (photo.params["caption"], photo.params["parse_mode"]) == ("<b>X7</b>", "HTML")
        assert toast.params["text"] == "Saved."
    finally:
        stop.set()
        await task


def test_every_kind_of_update_becomes_the_right_events() -> None:
    check_events(Update.model_validate)


async def test_sigterm_stops_the_runtime_after_the_update_in_flight(
    api: FakeBotAPI, app: App
) -> None:
    task = asyncio.create_task(
        run_telegram(telegram_deps(telegram_app(app, api, "aiogram")), options=FAST)
    )
    try:
        await api.wait_until_polling()
        vic = TgUser(5022, "Vic", "en")
        api.delay_next("sendMessage", 0.3, chat_id=vic.id)
        api.command(vic, "help")
        await api.wait_for(lambda: api.pending_updates == 0)
        await asyncio.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)  # run_telegram turns it into a clean stop
        await asyncio.wait_for(asyncio.shield(task), 10)
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    assert len(api.sent_to(vic.id)) == 1, "the update in flight was finished"
    assert task.exception() is None


def test_telegram_gets_two_letter_language_codes() -> None:
    assert telegram_language_code("pt_BR") == "pt"
    assert telegram_language_code("zh_Hans") == "zh"
    assert telegram_language_code("th") == "th"


def test_commands_are_read_with_the_bot_name_and_arguments() -> None:
    assert parse_command("/Start@OwnerBot club", "ownerbot") == ("start", "club")
    assert parse_command("/help@otherbot", "ownerbot") == ("", "")
    assert parse_command("/points", "ownerbot") == ("points", "")
    assert parse_command("hello /start", "ownerbot") is None
