"""Both Telegram runtimes, aiogram and python-telegram-bot, against the fake Bot API
server: every test runs on each (the `runtime` fixture in conftest.py), so both
behave alike."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import App, telegram_deps
from bot.channels.runtime import run_telegram
from bot.i18n import SHIPPED_LOCALES
from bot.scheduler.sender import Outcome, Transport
from handlers.types import Attachment, Event, Screen
from tests.e2e.conftest import (
    DEMO_BANGKOK,
    FAST,
    RunningBot,
    StartBot,
    button_data,
    markup_of,
    next_send,
    telegram_app,
    thai_test_catalogs,
)
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser


async def test_onboarding_links_the_demo_owner_and_edits_the_consent_message(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    """/start -> contact keyboard; the demo owner's contact -> linked + consent buttons;
    Yes / No edit the consent message; then the menu."""
    alice = TgUser(5001, "Alice", "en")
    api.command(alice, "start")
    greeting = await next_send(api, alice.id, 0)
    assert greeting.params["parse_mode"] == "HTML"
    assert "owners' assistant" in greeting.params["text"]
    keyboard = markup_of(greeting)["keyboard"]
    assert keyboard[0][0]["request_contact"] is True

    api.command(alice, "language")  # English on purpose: the demo owner is Thai on file
    picker = await next_send(api, alice.id, 1)
    api.press(alice, button_data(picker, "English"), api.last_message_id(alice.id))
    await api.wait_for(lambda: api.edits_in(alice.id))
    await next_send(api, alice.id, 2)  # the phone request again

    api.contact(alice, DEMO_BANGKOK, alice.id)
    linked = await next_send(api, alice.id, 3)
    assert "Aurora X7" in linked.params["text"]
    assert markup_of(linked) == {"remove_keyboard": True}
    consent = await next_send(api, alice.id, 4)
    assert "service messages" in consent.params["text"]
    consent_id = api.last_message_id(alice.id)

    api.press(alice, button_data(consent, "Yes"), consent_id)
    marketing = (await api.wait_for(lambda: api.edits_in(alice.id)[1:]))[0]
    assert marketing.params["message_id"] == consent_id
    assert "news, offers" in marketing.params["text"]
    assert "news, offers" in api.message(alice.id, consent_id)["text"]

    api.press(alice, button_data(marketing, "No"), consent_id)
    done = (await api.wait_for(lambda: api.edits_in(alice.id)[2:]))[0]
    assert "all set" in done.params["text"]
    menu = await next_send(api, alice.id, 5)
    assert "What would you like to do?" in menu.params["text"]
    await api.settle()
    assert len(api.sent_to(alice.id)) == 6, "nothing sent twice"
    assert list(api.answered.values()) == [1, 1, 1], "each press answered exactly once"


async def test_each_language_gets_its_command_menu_and_thai_clients_read_thai(
    api: FakeBotAPI, start_bot: StartBot, tmp_path: Path
) -> None:
    await start_bot(catalogs=thai_test_catalogs(tmp_path))
    await api.wait_for(lambda: len(api.commands) == 1 + len(SHIPPED_LOCALES))
    expected_codes = {
        None,
        "en",
        "es",
        "pt",
        "ru",
        "ar",
        "th",
        "id",
        "tr",
        "de",
        "zh",
        "fr",
        "it",
        "pl",
        "vi",
        "ms",
        "kk",
        "uz",
        "he",
    }
    assert set(api.commands) == expected_codes
    default = {c["command"]: c["description"] for c in api.commands[None]}
    thai = {c["command"]: c["description"] for c in api.commands["th"]}
    assert default["menu"] == "Main menu"
    assert thai["menu"] == "ไทย: Main menu"
    assert set(thai) == set(default)
    assert all(d.startswith("ไทย: ") for d in thai.values())
    assert api.commands["en"] == api.commands[None]


async def test_a_429_is_retried_after_retry_after_and_the_message_arrives_once(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    bob = TgUser(5002, "Bob", "en")
    api.fail_next("sendMessage", 429, retry_after=1)
    api.command(bob, "start")
    await next_send(api, bob.id, 0, within=8)
    failed, retried = [c for c in api.calls_to("sendMessage") if c.chat_id == bob.id]
    assert failed.status == 429
    assert retried.ok
    assert retried.at - failed.at >= 0.9, "waited retry_after before retrying"
    await api.settle()
    assert len(api.sent_to(bob.id)) == 1, "the message arrives once"


async def test_a_403_marks_the_account_unreachable_and_other_users_are_still_served(
    api: FakeBotAPI, bot: RunningBot, app: App
) -> None:
    carol, dave = TgUser(5003, "Carol", "en"), TgUser(5004, "Dave", "en")
    api.block(carol.id)
    api.command(carol, "start")
    await api.wait_for(lambda: [c for c in api.calls if c.status == 403])
    api.command(dave, "start")
    await next_send(api, dave.id, 0)
    await api.settle()
    async with app.database.uow() as uow:
        blocked = await uow.accounts.by_user("telegram", carol.id)
        fine = await uow.accounts.by_user("telegram", dave.id)
    assert blocked is not None
    assert blocked.unreachable_at is not None
    assert fine is not None
    assert fine.unreachable_at is None
    attempts = [c for c in api.calls if c.chat_id == carol.id and c.method == "sendMessage"]
    assert len(attempts) == 1, "no retry and no further sends to a chat that blocked us"


async def test_a_send_that_times_out_does_not_stop_the_next_update(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    erin, frank = TgUser(5005, "Erin", "en"), TgUser(5006, "Frank", "en")
    api.delay_next("sendMessage", 1.5, chat_id=erin.id)  # longer than request_timeout
    api.command(erin, "start")
    api.command(frank, "start")
    await next_send(api, frank.id, 0)
    await next_send(api, erin.id, 0, within=8)  # retried after the timeout
    api.command(erin, "help")
    await next_send(api, erin.id, 1)
    await api.settle()
    assert len(api.sent_to(erin.id)) == 2


async def test_the_same_update_delivered_twice_is_answered_once(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    gina = TgUser(5007, "Gina", "en")
    update = api.command(gina, "start")
    await next_send(api, gina.id, 0)
    api.resend(update)
    await api.wait_for(lambda: api.pending_updates == 0)
    api.command(gina, "help")  # a later update is still answered
    await next_send(api, gina.id, 1)
    await api.settle()
    assert len(api.sent_to(gina.id)) == 2, "the redelivered /start was answered once"


async def test_the_webhook_rejects_a_wrong_secret_token_and_processes_the_right_one(
    api: FakeBotAPI, start_bot: StartBot
) -> None:
    await start_bot(webhook=True)
    hank = TgUser(5008, "Hank", "en")
    assert api.webhook["secret_token"] == "s3cret-token"
    assert api.calls_to("deleteWebhook") == []
    update = {
        "update_id": 77,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": hank.id, "type": "private", "first_name": hank.first_name},
            "from": hank.to_api(),
            "text": "/start",
        },
    }
    assert await api.post_to_webhook(update, secret_token="wrong") in (401, 403)
    assert await api.post_to_webhook(update, secret_token="") in (401, 403)
    await asyncio.sleep(0.2)
    assert api.sent_to(hank.id) == [], "a rejected call is never processed"
    assert await api.post_to_webhook(update) == 200
    await next_send(api, hank.id, 0)
    api.command(hank, "help")  # Telegram's own delivery, through the fake's webhook client
    await next_send(api, hank.id, 1)
    assert await api.post_to_webhook(update) == 200  # Telegram retrying a delivered update
    await api.settle()
    assert len(api.sent_to(hank.id)) == 2


async def test_a_wrong_token_stops_start_up_and_is_never_logged(
    api: FakeBotAPI, app: App, runtime: str, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "999999:WRONG-token-never-to-be-logged"
    caplog.set_level(logging.INFO)  # what `ownerbot run` logs by default
    bot_app = telegram_app(app, api, runtime)
    bot_app = dataclasses.replace(
        bot_app,
        settings=bot_app.settings.model_copy(update={"telegram_bot_token": SecretStr(wrong)}),
    )
    with pytest.raises(RuntimeError, match="getMe failed") as raised:
        await asyncio.wait_for(
            run_telegram(telegram_deps(bot_app), options=FAST, stop=asyncio.Event()), 10
        )
    assert wrong not in str(raised.value)
    assert wrong not in caplog.text
    assert [c.status for c in api.calls] == [401], "no retry of a refused token"


async def test_user_text_with_html_is_escaped_in_what_reaches_the_server(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    """A new owner's typed name comes back in a reply: as text, never as markup."""
    ivan = TgUser(5009, "Ivan", "en")
    api.command(ivan, "start")
    await next_send(api, ivan.id, 0)
    api.contact(ivan, "+525587654321", ivan.id)  # unknown: registration
    await next_send(api, ivan.id, 1)
    countries = await next_send(api, ivan.id, 2)
    api.press(ivan, button_data(countries, "Mexico"), api.last_message_id(ivan.id))
    await next_send(api, ivan.id, 3)
    api.user_text(ivan, "<b>Ivan&Co</b>")
    thanks = await next_send(api, ivan.id, 4)
    assert "&lt;b&gt;Ivan&amp;Co&lt;/b&gt;" in thanks.params["text"]
    assert "<b>Ivan" not in thanks.params["text"]
    assert "<b>Ivan&Co</b>" in api.message(ivan.id, api.last_message_id(ivan.id))["text"]


async def test_every_callback_query_is_answered_exactly_once(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    jane = TgUser(5010, "Jane", "en")
    api.command(jane, "language")
    picker = await next_send(api, jane.id, 0)
    picker_id = api.last_message_id(jane.id)
    forged = api.press(jane, "zz:nonsense", picker_id)  # no such flow: a toast
    stale = api.press(jane, "cs:ans:service:1", picker_id)  # needs a linked owner: a new message
    good = api.press(jane, button_data(picker, "English"), picker_id)
    ids = [u["callback_query"]["id"] for u in (forged, stale, good)]
    await api.wait_for(lambda: all(i in api.answered for i in ids))
    await api.settle()
    assert [api.answered[i] for i in ids] == [1, 1, 1]
    answers = {c.params["callback_query_id"]: c.params for c in api.calls_to("answerCallbackQuery")}
    assert answers[ids[0]].get("text"), "the refusal is shown on the button"
    assert not answers[ids[2]].get("text")


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
    api: FakeBotAPI, app: App, runtime: str
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
    deps = telegram_deps(telegram_app(app, api, runtime))
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


async def test_sigterm_stops_the_runtime_after_the_update_in_flight(
    api: FakeBotAPI, app: App, runtime: str
) -> None:
    task = asyncio.create_task(
        run_telegram(telegram_deps(telegram_app(app, api, runtime)), options=FAST)
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


async def test_the_care_jobs_start_with_the_runtime_and_send_through_its_port(
    api: FakeBotAPI, app: App, runtime: str
) -> None:
    transports: list[Transport] = []
    stopped: list[bool] = []

    def start_jobs(transport: Transport) -> Callable[[], None]:
        transports.append(transport)
        return lambda: stopped.append(True)

    deps = telegram_deps(telegram_app(app, api, runtime))
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_telegram(dataclasses.replace(deps, start_jobs=start_jobs), options=FAST, stop=stop)
    )
    try:
        await api.wait_until_polling()
        [transport] = transports
        delivery = await transport.deliver(5040, [Screen("Your service is due <b>soon</b>")])
        assert delivery.outcome is Outcome.SENT
        [sent] = api.sent_to(5040)
        assert (sent.params["text"], sent.params["parse_mode"]) == (
            "Your service is due <b>soon</b>",
            "HTML",
        )
        assert stopped == []
    finally:
        stop.set()
        await task
    assert stopped == [True], "the jobs stop with the runtime"
