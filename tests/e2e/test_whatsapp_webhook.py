"""WhatsApp's webhook as Meta calls it: the GET subscription check, signed POSTs
(X-Hub-Signature-256), redelivered messages processed once; and `ownerbot run`
serving WhatsApp alone when no Telegram token is set."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.app import App, run_channels
from bot.clock import FixedClock
from bot.domain.care import OutboxStatus, Rule
from bot.scheduler.sender import Sender
from handlers.care_messages import renderer_for
from tests.e2e.channels_kit import Serving, WaPerson, serve, whatsapp_app
from tests.fakes import whatsapp_api
from tests.fakes.transport import NoLimits
from tests.fakes.whatsapp_api import FakeWhatsApp, WaUser
from tests.services.test_care_sender import queue, status

JOAO = WaUser("5511987654321", "João")


@pytest.fixture
async def serving(app: App, wa: FakeWhatsApp) -> AsyncIterator[Serving]:
    running = await serve(app, wa)
    yield running
    await running.stop()


async def test_the_subscription_check_answers_the_challenge_only_with_our_verify_token(
    wa: FakeWhatsApp, serving: Serving
) -> None:
    assert await wa.verify("subscribe", whatsapp_api.VERIFY_TOKEN, "1158201444") == (
        200,
        "1158201444",
    )
    assert (await wa.verify("subscribe", "guessed", "1158201444"))[0] == 403
    assert (await wa.verify("unsubscribe", whatsapp_api.VERIFY_TOKEN, "x"))[0] == 403


async def test_a_call_without_a_signature_or_with_a_wrong_one_gets_401_and_changes_nothing(
    wa: FakeWhatsApp, serving: Serving, app: App
) -> None:
    payload = wa.payload(JOAO, {"id": wa.new_wamid(), "type": "text", "text": {"body": "oi"}})
    assert await wa.post(payload, signature=None) == 401
    assert await wa.post(payload, signature="sha256=" + "0" * 64) == 401
    forged = FakeWhatsApp(app_secret="not-the-app-secret")
    digest_of_other_secret = whatsapp_api_signature(payload, forged.app_secret)
    assert await wa.post(payload, signature=digest_of_other_secret) == 401
    await asyncio.sleep(0.3)
    assert wa.sent == [], "nothing answered"
    async with app.database.uow() as uow:
        assert await uow.accounts.by_user("whatsapp", JOAO.chat_id) is None, "nobody linked"
    assert await wa.post(payload) == 200
    await wa.wait_for(lambda: wa.sent_to(JOAO))


def whatsapp_api_signature(payload: dict[str, object], secret: str) -> str:
    import hashlib
    import hmac
    import json

    digest = hmac.new(secret.encode(), json.dumps(payload).encode(), hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


async def test_a_redelivered_message_is_processed_once(wa: FakeWhatsApp, serving: Serving) -> None:
    person = WaPerson(wa, JOAO)
    await person.say("oi")
    wamid = wa.new_wamid()
    assert len(wamid) > 64, "WhatsApp's ids are longer than Telegram's"
    person.mark = len(wa.sent)
    await wa.text(JOAO, "/points", wamid=wamid)
    first = await person.answer()
    assert first
    person.mark = len(wa.sent)
    for _ in range(3):  # Meta retries a webhook call it thinks failed
        assert (
            await wa.post(
                wa.payload(JOAO, {"id": wamid, "type": "text", "text": {"body": "/points"}})
            )
            == 200
        )
    await asyncio.sleep(0.5)
    assert person.answered() == [], "the same message, answered once"


async def test_ownerbot_run_serves_whatsapp_alone_without_a_telegram_token(
    app: App, wa: FakeWhatsApp
) -> None:
    bot_app = whatsapp_app(app, wa)
    assert bot_app.settings.telegram_bot_token is None
    assert bot_app.served_channels == ("whatsapp",)
    stop = asyncio.Event()
    task = asyncio.create_task(run_channels(bot_app, stop))
    try:
        for _ in range(200):
            try:
                if (await wa.verify("subscribe", whatsapp_api.VERIFY_TOKEN, "ok"))[0] == 200:
                    break
            except OSError:
                await asyncio.sleep(0.05)
        await wa.text(JOAO, "oi")
        await wa.wait_for(lambda: wa.sent_to(JOAO), within=8)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def test_telegram_whatsapp_and_line_are_served_from_one_process_and_one_server(
    app: App, wa: FakeWhatsApp
) -> None:
    from aiohttp import ClientSession
    from pydantic import SecretStr

    from tests.fakes.bot_api import FakeBotAPI

    async with FakeBotAPI() as tg:
        bot_app = whatsapp_app(app, wa)
        settings = bot_app.settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(tg.token),
                "telegram_api_base": tg.base_url,
                "line_channel_secret": SecretStr("line-secret"),
                "line_channel_access_token": SecretStr("line-token"),
                "line_api_base": "http://127.0.0.1:9",  # never called here
            }
        )
        bot_app = dataclasses.replace(bot_app, settings=settings)
        assert bot_app.served_channels == ("telegram", "whatsapp", "line")
        stop = asyncio.Event()
        task = asyncio.create_task(run_channels(bot_app, stop))
        try:
            base = wa.webhook_url.removesuffix("/webhook/whatsapp")
            for _ in range(300):
                if task.done():
                    task.result()
                try:
                    if (await wa.verify("subscribe", whatsapp_api.VERIFY_TOKEN, "ok"))[0] == 200:
                        break
                except OSError:
                    pass
                await asyncio.sleep(0.05)
            async with ClientSession() as http:
                async with http.post(f"{base}/webhook/line", data=b"{}") as unsigned:
                    assert unsigned.status == 401, "LINE's own signature check answers"
                async with http.get(f"{base}/media/unknown-token/x.png") as media:
                    assert media.status == 404, "LINE's media route, on the same server"
                async with http.get(f"{base}/nothing-here") as other:
                    assert other.status == 404
            await tg.wait_for(lambda: tg.polls, within=10)  # Telegram polls beside them
        finally:
            stop.set()
            await asyncio.wait_for(task, 20)


async def test_a_late_outside_the_window_report_sends_the_care_message_again_as_a_template(
    app: App, wa: FakeWhatsApp, clock: FixedClock
) -> None:
    """WhatsApp may accept a message and report 131047 afterwards, in a status webhook:
    the window closes, and the care message just sent goes again, as its template."""
    clock.set(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # 10:00 in São Paulo
    running = await serve(app, wa)
    try:
        await WaPerson(wa, JOAO).say("oi")
        message = await queue(running.app, "+5511987654321", Rule.TIPS_DAY_7, clock.now())
        sender = Sender(
            uow_factory=running.app.database.uow,
            reference=running.app.reference,
            transport=running.transports,
            limiter=NoLimits(),
            clock=clock,
            render=renderer_for(running.app.catalogs, running.app.reference, clock.now),
        )
        await sender.run_once()
        assert wa.sent_to(JOAO)[-1].kind != "template", "inside the window: free-form"
        await wa.failed(JOAO, 131047)
        await wa.wait_for(lambda: wa.webhook_answers[-1:] == [200])
        for _ in range(100):
            if (await status(running.app, message)).status == OutboxStatus.PENDING:
                break
            await asyncio.sleep(0.05)
        await sender.run_once()
        last = wa.sent_to(JOAO)[-1]
        assert last.kind == "template"
        assert last.message["template"]["name"] == "care_tips_day_7_1"
        assert (await status(running.app, message)).status == OutboxStatus.SENT
    finally:
        await running.stop()
