"""Care messages on WhatsApp, through the outbox sender and the real transport against
the fake Cloud API: free-form inside the 24-hour window, the approved template in the
owner's language outside it (and when WhatsApp says 131047); WhatsApp's errors (pair
rate limit, throughput, undeliverable, an expired token); and an owner linked on
Telegram and WhatsApp hearing a care message once, on the right channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.channels.whatsapp.client import GraphClient
from bot.channels.whatsapp.outbox import WhatsAppTransport
from bot.clock import FixedClock
from bot.domain.care import OutboxStatus, Rule
from bot.domain.owners import Account
from bot.scheduler.delivery import Transport, Transports
from bot.scheduler.sender import Sender
from handlers.care_messages import after_sent, renderer_for
from tests.fakes import whatsapp_api
from tests.fakes.transport import FakeTransport, NoLimits
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.services.test_care_sender import queue, status

JOAO = "+5511987654321"  # São Paulo, Portuguese
WA_JOAO = "5511987654321"
AHMED = "+971501234567"  # Dubai, Arabic, his car a year old
WA_AHMED = "971501234567"
NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 10:00 in São Paulo


@pytest.fixture
async def client(wa: FakeWhatsApp) -> AsyncIterator[GraphClient]:
    graph = GraphClient(
        token=wa.token,
        phone_number_id=wa.phone_number_id,
        api_base=wa.base_url,
        api_version=whatsapp_api.VERSION,
        timeout=2.0,
    )
    yield graph
    await graph.close()


def sender_for(app: App, clock: FixedClock, *transports: Transport) -> tuple[Sender, NoLimits]:
    limits = NoLimits()
    sender = Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=Transports(*transports),
        limiter=limits,
        clock=clock,
        render=renderer_for(app.catalogs, app.reference, clock.now),
        after_sent=after_sent,
    )
    return sender, limits


async def link(
    app: App, phone: str, channel: str, chat_id: int, last_seen: datetime | None
) -> None:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        uow.accounts.add(
            Account(
                channel=channel,
                user_id=chat_id,
                chat_id=chat_id,
                first_seen_at=NOW - timedelta(days=30),
                owner_id=owner.id,
                linked_at=NOW - timedelta(days=30),
                last_seen_at=last_seen,
            )
        )
        owner.consent_service = True
        owner.consent_marketing = True
        await uow.commit()


@dataclass
class Scene:
    """João on WhatsApp, a tip queued for him, and a sender through the real transport."""

    message: int
    sender: Sender
    limits: NoLimits


async def joao_with_a_tip(
    app: App, clock: FixedClock, client: GraphClient, last_wrote: timedelta
) -> Scene:
    """João last wrote `last_wrote` ago; a week-one tip is due now."""
    clock.set(NOW)
    await link(app, JOAO, "whatsapp", int(WA_JOAO), NOW - last_wrote)
    message = await queue(app, JOAO, Rule.TIPS_DAY_7, NOW)
    sender, limits = sender_for(app, clock, WhatsAppTransport(client))
    return Scene(message, sender, limits)


async def test_inside_the_window_a_care_message_goes_free_form(
    app: App, clock: FixedClock, wa: FakeWhatsApp, client: GraphClient
) -> None:
    scene = await joao_with_a_tip(app, clock, client, timedelta(hours=23))
    message, sender = scene.message, scene.sender
    await sender.run_once()
    [sent] = wa.sent_to(WA_JOAO)
    assert sent.kind in ("button", "list")
    pt = app.catalogs.translator("pt_BR", "BR")
    assert (
        pt._(
            "One week together, {name}! A tip: check the tyre pressure once a month while the "
            "tyres are cold. The right values are on the sticker inside the driver's door.",
            name="João",
        )
        == sent.text
    )
    assert (await status(app, message)).status == OutboxStatus.SENT


async def test_outside_the_window_the_template_goes_in_the_owners_language(
    app: App, clock: FixedClock, wa: FakeWhatsApp, client: GraphClient
) -> None:
    scene = await joao_with_a_tip(app, clock, client, timedelta(hours=25))
    message, sender = scene.message, scene.sender
    await sender.run_once()
    [sent] = wa.sent_to(WA_JOAO)
    assert sent.kind == "template"
    assert sent.message["template"] == {
        "name": "care_tips_day_7_1",
        "language": {"code": "pt_BR"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "João"}]}],
    }
    assert (await status(app, message)).status == OutboxStatus.SENT


async def test_a_plural_sentence_picks_the_template_of_its_plural_form(
    app: App, clock: FixedClock, wa: FakeWhatsApp, client: GraphClient
) -> None:
    clock.set(NOW)  # 17:00 in Dubai
    await link(app, AHMED, "whatsapp", int(WA_AHMED), None)  # never wrote on WhatsApp
    await queue(app, AHMED, Rule.ANNIVERSARY, NOW)
    sender, _ = sender_for(app, clock, WhatsAppTransport(client))
    await sender.run_once()
    [sent] = wa.sent_to(WA_AHMED)
    template = sent.message["template"]
    arabic = app.catalogs.translator("ar")
    one_year = arabic.translations.plural(1)  # type: ignore[attr-defined]
    assert template["name"] == f"care_anniversary_1_f{one_year}"
    assert template["language"] == {"code": "ar"}
    values = [p["text"] for p in template["components"][0]["parameters"]]
    # Arabic says "one year" in words: that form has no {n}, so its template neither.
    assert values == ["Aurora X7", "أحمد"], "{model}, {name}: the English source's order"


async def test_when_whatsapp_says_131047_the_message_goes_again_as_its_template(
    app: App, clock: FixedClock, wa: FakeWhatsApp, client: GraphClient
) -> None:
    scene = await joao_with_a_tip(app, clock, client, timedelta(hours=1))
    message, sender = scene.message, scene.sender
    wa.fail_next(131047, to=WA_JOAO)
    await sender.run_once()
    retried = await status(app, message)
    assert retried.status == OutboxStatus.PENDING
    assert retried.attempts == 0, "not counted against the message"
    await sender.run_once()
    [sent] = wa.sent_to(WA_JOAO)
    assert sent.kind == "template"
    assert (await status(app, message)).status == OutboxStatus.SENT


async def test_an_undeliverable_number_is_marked_unreachable_like_a_blocked_chat(
    app: App, clock: FixedClock, wa: FakeWhatsApp, client: GraphClient
) -> None:
    scene = await joao_with_a_tip(app, clock, client, timedelta(hours=1))
    message, sender = scene.message, scene.sender
    wa.fail_next(131026, to=WA_JOAO)
    await sender.run_once()
    assert (await status(app, message)).status == OutboxStatus.FAILED
    async with app.database.uow() as uow:
        account = await uow.accounts.by_chat("whatsapp", int(WA_JOAO))
    assert account is not None
    assert account.unreachable_at == NOW


async def test_an_expired_token_pauses_sending_and_dead_letters_nothing(
    app: App,
    clock: FixedClock,
    wa: FakeWhatsApp,
    client: GraphClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scene = await joao_with_a_tip(app, clock, client, timedelta(hours=1))
    message, sender = scene.message, scene.sender
    limits = scene.limits
    wa.fail_next(190, status=401, times=10)
    for _ in range(5):
        await sender.run_once()
        clock.set(clock.now() + timedelta(minutes=6))
    held = await status(app, message)
    assert held.status == OutboxStatus.PENDING
    assert held.attempts == 0
    assert limits.paused >= 300
    assert any(r.levelname == "CRITICAL" for r in caplog.records)


async def test_the_pair_rate_limit_holds_that_chat_only_and_throughput_holds_all(
    app: App, clock: FixedClock, wa: FakeWhatsApp, client: GraphClient
) -> None:
    scene = await joao_with_a_tip(app, clock, client, timedelta(hours=1))
    message, sender = scene.message, scene.sender
    limits = scene.limits
    wa.fail_next(131056, to=WA_JOAO)
    await sender.run_once()
    held = await status(app, message)
    assert held.status == OutboxStatus.PENDING
    assert held.due_at == NOW + timedelta(seconds=6)
    assert limits.paused == 0, "other numbers go on"
    clock.set(NOW + timedelta(seconds=7))
    wa.fail_next(130429, to=WA_JOAO, retry_after=3)
    await sender.run_once()
    assert limits.paused == 3
    clock.set(NOW + timedelta(seconds=11))
    await sender.run_once()
    assert (await status(app, message)).status == OutboxStatus.SENT


async def test_an_owner_on_telegram_and_whatsapp_gets_one_care_message_where_they_wrote_last(
    app: App, clock: FixedClock, wa: FakeWhatsApp, client: GraphClient
) -> None:
    clock.set(NOW)
    telegram = FakeTransport(channel="telegram")
    await link(app, JOAO, "telegram", 880001, NOW - timedelta(hours=2))
    await link(app, JOAO, "whatsapp", int(WA_JOAO), NOW - timedelta(hours=1))
    await queue(app, JOAO, Rule.TIPS_DAY_7, NOW)
    sender, _ = sender_for(app, clock, telegram, WhatsAppTransport(client))
    await sender.run_once()
    await sender.run_once()
    assert len(wa.sent_to(WA_JOAO)) == 1
    assert telegram.sent == []


async def test_the_channel_chosen_in_settings_wins_over_the_last_used(
    app: App, clock: FixedClock, wa: FakeWhatsApp, client: GraphClient
) -> None:
    clock.set(NOW)
    telegram = FakeTransport(channel="telegram")
    await link(app, JOAO, "telegram", 880001, NOW - timedelta(hours=2))
    await link(app, JOAO, "whatsapp", int(WA_JOAO), NOW - timedelta(hours=1))
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(JOAO)
        assert owner is not None
        owner.preferred_channel = "telegram"
        await uow.commit()
    await queue(app, JOAO, Rule.TIPS_DAY_7, NOW)
    sender, _ = sender_for(app, clock, telegram, WhatsAppTransport(client))
    await sender.run_once()
    assert len(telegram.to(880001)) == 1
    assert wa.sent_to(WA_JOAO) == []


def test_the_sender_holds_whatsapp_to_the_numbers_throughput_and_pair_rate(
    app: App, clock: FixedClock
) -> None:
    from bot.scheduler.limits import InProcessLimiter

    graph = GraphClient(
        token="t", phone_number_id="1", api_base="http://127.0.0.1:9", api_version="v23.0"
    )
    transport = WhatsAppTransport(graph, per_second=250)
    sender = Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=Transports(transport, FakeTransport(channel="telegram")),
        clock=clock,
        render=renderer_for(app.catalogs, app.reference, clock.now),
    )
    whatsapp = sender.limiter(transport)
    assert isinstance(whatsapp, InProcessLimiter)
    assert (whatsapp.per_second, whatsapp.chat_interval) == (250, 6.0)
    telegram = sender.limiter_of("telegram")
    assert isinstance(telegram, InProcessLimiter)
    assert telegram is not whatsapp, "each channel is held to its own limits"
    assert telegram.per_second == 30
