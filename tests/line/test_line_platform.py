"""LINE's rules at the edge: signatures, redelivered events, expiring reply tokens,
429s, the monthly push quota, unfollow and group leave."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select

from bot.app import App
from bot.channels.line.events import CHANNEL
from bot.clock import FixedClock
from bot.domain.care import OutboxStatus, Rule
from bot.scheduler.sender import Sender
from bot.services import care
from handlers.care_messages import renderer_for
from storage.tables import processed_updates as table
from tests.fakes.line_api import FakeLine
from tests.fakes.transport import NoLimits
from tests.flows.helpers import DEMO_BANGKOK
from tests.line.conftest import LineBot, LinePerson, line_user
from tests.line.test_line_conversations import link


async def processed_updates(app: App) -> int:
    async with app.database.uow() as uow:
        session = uow.session
        return int((await session.execute(select(func.count()).select_from(table))).scalar())


@pytest.mark.parametrize("signature", ["", "bm90IHRoZSBzaWduYXR1cmU=", "garbage"])
async def test_a_bad_or_missing_signature_gets_401_and_changes_nothing(
    bot: LineBot, line: FakeLine, app: App, signature: str
) -> None:
    before = await processed_updates(app)
    event = line.text(line_user("Anon", "en"), "/start")
    assert await line.post(event, signature=signature) == 401
    await bot.settle()
    assert line.sends() == []
    assert await processed_updates(app) == before


async def test_a_body_changed_after_signing_is_refused(bot: LineBot, line: FakeLine) -> None:
    body = json.dumps({"events": [line.text(line_user("Anon", "en"), "/start")]}).encode()
    assert await line.post(raw=body.replace(b"/start", b"/stop!"), signature=line.sign(body)) == 401


async def test_a_redelivered_event_is_answered_once(bot: LineBot, line: FakeLine) -> None:
    user = line_user("Niran", "th")
    first = line.text(user, "/start")
    assert await line.post(first) == 200
    await bot.settle()
    again = {**first, "deliveryContext": {"isRedelivery": True}, "replyToken": "rt-new"}
    assert await line.post(again) == 200
    await bot.settle()
    assert len(line.sends()) == 1


async def test_an_expired_reply_token_falls_back_to_one_push_counted_in_the_quota(
    bot: LineBot, line: FakeLine
) -> None:
    line.expire_reply_tokens()
    user = line_user("Niran", "th")
    await line.post(line.text(user, "/start"))
    await bot.settle()
    [refused] = line.calls_to("reply")
    assert refused.status == 400
    [pushed] = line.calls_to("push")
    assert pushed.status == 200
    assert pushed.body["to"] == user.id
    assert pushed.retry_key
    assert bot.parts.transport.sending.quota.used == 1


async def test_a_reply_that_timed_out_is_not_pushed_again(bot: LineBot, line: FakeLine) -> None:
    """The reply went through but its answer was lost; the retry finds the token used:
    that means delivered, so no push doubles it."""
    line.fail_next("reply", 503, "busy")
    user = line_user("Niran", "th")
    await line.post(line.text(user, "/start"))
    await bot.settle()
    assert [c.status for c in line.calls_to("reply")] == [503, 200]
    assert line.calls_to("push") == []
    assert len(line.messages_to(user.id)) >= 1


async def test_a_429_is_retried_and_the_answer_arrives_once(bot: LineBot, line: FakeLine) -> None:
    line.expire_reply_tokens()
    line.fail_next("push", 429, "Too Many Requests")
    user = line_user("Niran", "th")
    await line.post(line.text(user, "/start"))
    await bot.settle()
    assert [c.status for c in line.calls_to("push")] == [429, 200]
    assert len([c for c in line.sends() if c.body["to"] == user.id]) == 1


async def test_more_than_five_messages_go_as_a_reply_and_a_push(
    bot: LineBot, line: FakeLine
) -> None:
    from bot.channels.line.rendering import MESSAGES_PER_REQUEST

    sending = bot.parts.transport.sending
    messages = [{"type": "text", "text": f"part {n}"} for n in range(7)]
    user = line_user("Niran", "th")
    event = line.text(user, "hi")
    await sending.answer(
        user.id, messages, reply_token=event["replyToken"], received_at=bot.app.clock.now(), key="k"
    )
    [reply] = line.calls_to("reply")
    [push] = line.calls_to("push")
    assert len(reply.body["messages"]) == MESSAGES_PER_REQUEST
    assert [m["text"] for m in push.body["messages"]] == ["part 5", "part 6"]


async def test_an_exhausted_quota_pauses_pushes_with_a_critical_log_and_sends_nothing_twice(
    bot: LineBot, line: FakeLine, app: App, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    person = LinePerson(bot, line_user("สมชาย", "th"))
    await link(person, app, DEMO_BANGKOK)
    line.quota_limit = line.pushed  # this month's pushes are used up
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_BANGKOK)
        owner.send_from_hour, owner.send_until_hour = 0, 24
        await care._queue(uow, owner.id, Rule.WELCOME, "line", clock.now(), {})
        await uow.commit()
        [message] = [m for m in await uow.outbox.of_owner(owner.id) if m.occurrence == "line"]
    sender = Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=bot.parts.transport,
        limiter=NoLimits(),
        clock=clock,
        render=renderer_for(app.catalogs, app.reference, clock.now),
        concurrency=1,
    )
    with caplog.at_level(logging.CRITICAL):
        await sender.run_once()
    assert "push quota exhausted" in caplog.text
    pushes = len(line.calls_to("push"))
    await sender.run_once()  # still paused: not even tried
    assert len(line.calls_to("push")) == pushes
    line.quota_limit = None  # the plan was raised
    clock.advance(timedelta(minutes=15))
    await sender.run_once()
    async with app.database.uow() as uow:
        assert (await uow.outbox.get(message.id)).status == OutboxStatus.SENT
    delivered = [c for c in line.sends() if c.endpoint == "push" and c.body["to"] == person.user.id]
    assert len(delivered) == 1


async def test_unfollow_marks_the_owner_unreachable_and_a_new_follow_clears_it(
    bot: LineBot, line: FakeLine, app: App
) -> None:
    person = LinePerson(bot, line_user("สมชาย", "th"))
    await link(person, app, DEMO_BANGKOK)
    assert await line.post(line.event(person.user, "unfollow")) == 200
    await bot.settle()
    number = await bot.number(person.user.id)
    async with app.database.uow() as uow:
        assert (await uow.accounts.by_user(CHANNEL, number)).unreachable_at is not None
    await person.follow()
    async with app.database.uow() as uow:
        assert (await uow.accounts.by_user(CHANNEL, number)).unreachable_at is None


async def test_a_group_the_bot_left_is_marked_gone(bot: LineBot, line: FakeLine, app: App) -> None:
    group = "C" + "1" * 32
    someone = line_user("Staff", "th")
    await line.post(line.event(someone, "join", group=group))
    await bot.settle()
    number = await bot.number(group, group=True)
    assert number < 0
    await line.post(line.event(someone, "leave", group=group))
    await bot.settle()
    async with app.database.uow() as uow:
        assert await uow.addresses.gone(CHANNEL, number)


async def test_media_is_served_by_token_until_it_expires(bot: LineBot, clock: FixedClock) -> None:
    media = bot.parts.transport.media
    token = await media.keep(b"\x89PNG fake", "voucher.png", timedelta(hours=1))
    async with ClientSession() as http:
        async with http.get(f"{bot.base_url}/media/{token}/voucher.png") as response:
            assert response.status == 200
            assert await response.read() == b"\x89PNG fake"
            assert response.content_type == "image/png"
        async with http.get(f"{bot.base_url}/media/not-a-token/voucher.png") as response:
            assert response.status == 404
        clock.advance(timedelta(hours=2))
        async with http.get(f"{bot.base_url}/media/{token}/voucher.png") as response:
            assert response.status == 404
