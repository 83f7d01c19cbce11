"""Whole conversations on WhatsApp, as the fake Cloud API sees them: an owner's number
links at the first message in their language (Portuguese, Arabic, Indonesian), /points,
a booking confirmed by the dealer's staff in their Telegram group, a recommended
friend; typed opt-out words."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.domain.booking import BookingStatus
from bot.domain.owners import Account, Owner
from bot.i18n import Catalogs, Translator
from handlers.codes.booking import (
    ChooseCenter,
    ChooseDay,
    ChooseTime,
    ChooseTransport,
    ConfirmBooking,
    ServicesChosen,
    SkipMileage,
    SkipNotes,
    ToggleService,
)
from handlers.codes.booking_staff import DeskConfirm
from handlers.codes.onboarding import ConsentAnswer
from handlers.codes.privacy import EraseMyData
from handlers.codes.referrals import (
    FriendAgreed,
    FriendDealer,
    FriendModel,
    InvitationQr,
    RecommendFriend,
)
from handlers.codes.settings import ChannelSettings
from tests.conftest import LOCALES
from tests.e2e.channels_kit import Serving, WaPerson, serve
from tests.e2e.conftest import Person
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser
from tests.fakes.whatsapp_api import FakeWhatsApp, WaUser
from tests.flows.helpers import bookings_of
from tests.services.loyalty_helpers import owner_by_phone
from tests.staff import make_staff

JOAO = WaUser("5511987654321", "João")  # São Paulo, Portuguese on file
AHMED = WaUser("971501234567", "أحمد")  # Dubai, Arabic on file
BUDI = WaUser("6281234567890", "Budi")  # Jakarta, Indonesian on file


def t(locale: str, market: str) -> Translator:
    return Catalogs(LOCALES).translator(locale, market)


@pytest.fixture
async def serving(app: App, wa: FakeWhatsApp) -> AsyncIterator[Serving]:
    running = await serve(app, wa)
    yield running
    await running.stop()


async def linked(person: WaPerson) -> WaPerson:
    """The first message links the number; consent questions answered yes."""
    await person.say("oi")
    for _ in range(2):
        if not person.codes(ConsentAnswer):
            break
        await person.tap(ConsentAnswer)
    return person


@pytest.mark.parametrize(
    ("user", "locale", "market"),
    [(JOAO, "pt_BR", "BR"), (AHMED, "ar", "AE"), (BUDI, "id", "ID")],
)
async def test_a_known_number_links_at_its_first_message_in_the_owners_language(
    wa: FakeWhatsApp, serving: Serving, user: WaUser, locale: str, market: str
) -> None:
    tr = t(locale, market)
    person = WaPerson(wa, user)
    await person.say("hello")
    welcome = tr._("Welcome, {name}! Your chat is now linked to your membership.", name=user.name)
    assert welcome in person.text
    assert not any(s.kind == "text" and "📱" in s.text for s in person.answered())
    await linked(person)
    await person.say("/points")
    assert tr.pgettext("button", "🎁 Rewards")[:20] in str([s.titles for s in person.answered()])
    assert tr._("🏅 Tier: <b>{tier}</b>", tier="").split("<b>")[0] in person.text


async def test_points_arrive_formatted_for_whatsapp_with_reply_buttons_or_a_list(
    wa: FakeWhatsApp, serving: Serving
) -> None:
    person = await linked(WaPerson(wa, JOAO))
    [*_, points] = await person.say("/points")
    assert points.message["type"] == "interactive"
    assert "<b>" not in points.text, "WhatsApp's own formatting"
    assert "*" in points.text
    assert len(points.text) <= 1024
    if points.kind == "button":
        assert len(points.titles) <= 3
        assert all(len(title) <= 20 for title in points.titles)
    else:
        assert points.kind == "list"
        assert len(points.reply_ids) <= 10
        assert all(len(title) <= 24 for title in points.titles)


async def test_opt_out_words_in_every_language_act_like_stop(
    wa: FakeWhatsApp, serving: Serving, app: App
) -> None:
    for user, word in ((JOAO, "PARAR"), (AHMED, "توقف"), (BUDI, "Berhenti")):
        person = await linked(WaPerson(wa, user))
        await _consents_to_news(app, f"+{user.wa_id}")
        await person.say(word)
        owner = await owner_by_phone(app, f"+{user.wa_id}")
        assert owner.consent_marketing is False, word


async def _consents_to_news(app: App, phone: str) -> None:
    owner = await owner_by_phone(app, phone)
    async with app.database.uow() as uow:
        stored = await uow.owners.get(owner.id or 0)
        assert stored is not None
        stored.consent_marketing = True
        await uow.commit()


async def also_on_telegram(app: App, phone: str, telegram_id: int) -> Owner:
    """The owner has linked a Telegram chat too."""
    owner = await owner_by_phone(app, phone)
    async with app.database.uow() as uow:
        uow.accounts.add(
            Account(
                channel="telegram",
                user_id=telegram_id,
                chat_id=telegram_id,
                first_seen_at=owner.created_at,
                owner_id=owner.id,
                linked_at=owner.created_at,
            )
        )
        await uow.commit()
    return owner


# --- a booking, confirmed by the dealer's staff in their Telegram group --------------------


@pytest.fixture
async def tg() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest.mark.parametrize(
    ("user", "dealer"), [(JOAO, "BR-SAO-01"), (AHMED, "AE-DXB-01"), (BUDI, "ID-JKT-01")]
)
async def test_a_booking_on_whatsapp_is_confirmed_by_staff_on_telegram(
    app: App, wa: FakeWhatsApp, tg: FakeBotAPI, user: WaUser, dealer: str
) -> None:
    staff_chat = app.reference.dealers[dealer].staff_chat_id
    assert staff_chat is not None
    running = await serve(app, wa, tg)
    try:
        owner = await linked(WaPerson(wa, user))
        advisor = Person(tg, TgUser(7031, "Rita", "en"), group=TgChat(staff_chat, "desk"))
        await make_staff(running.app, advisor.user.id, dealer=dealer, channel="telegram")
        await owner.say("/book")
        await owner.tap(SkipMileage)
        if not any(title.startswith("✅") for s in owner.answered() for title in s.titles):
            await owner.tap(ToggleService)  # nothing due: the first service offered
        for step in (ServicesChosen, ChooseCenter, ChooseDay, ChooseTime):
            await owner.tap(step)  # the first offered: the center, a day, a time
        for last_step in (ChooseTransport, SkipNotes):
            if owner.codes(last_step):
                await owner.tap(last_step)
        await owner.tap(ConfirmBooking)
        card = await tg.wait_for(lambda: tg.sent_to(staff_chat))
        assert f"+{user.wa_id}" in card[0].params["text"], "the card names the owner"
        owner.mark = len(wa.sent)
        await advisor.tap(DeskConfirm)
        told = await owner.answer()
        [booking] = await bookings_of(running.app, f"+{user.wa_id}")
        assert booking.status == BookingStatus.CONFIRMED
        assert told, "the owner hears it on WhatsApp"
        assert not tg.sent_to(user.chat_id), "never on Telegram, where they aren't"
    finally:
        await running.stop()


# --- a recommended friend ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "locale", "market", "friend", "number", "shown"),
    [
        # Arabic-Indic digits, as many people type them
        (AHMED, "ar", "AE", "خالد الحمادي", "٠٥٠٩٩٩٠٠٠١", "+971 50 999 0001"),
        (JOAO, "pt_BR", "BR", "Carla Mendes", "(11) 98888-7777", "+55 11 98888-7777"),
        (BUDI, "id", "ID", "Siti Rahma", "0812 9999 0001", "+62 812-9999-0001"),
    ],
)
async def test_an_owner_recommends_a_friend_on_whatsapp(
    wa: FakeWhatsApp,
    serving: Serving,
    app: App,
    user: WaUser,
    locale: str,
    market: str,
    friend: str,
    number: str,
    shown: str,
) -> None:
    tr = t(locale, market)
    owner = await linked(WaPerson(wa, user))
    referrer = await owner_by_phone(app, f"+{user.wa_id}")
    async with app.database.uow() as uow:
        before = await uow.referrals.count_of_referrer(referrer.id or 0)
    await owner.say("/refer")
    await owner.tap(InvitationQr)
    [qr] = owner.answered()
    assert qr.kind == "image", "the QR code, uploaded as media"
    assert wa.upload_named_for(qr).data.startswith(b"\x89PNG")
    await owner.say("/refer")
    await owner.tap(RecommendFriend)
    assert tr._("What is your friend's name?") in owner.text
    await owner.say(friend)
    await owner.say(number)
    await owner.tap(FriendModel)
    await owner.tap(FriendDealer)
    assert shown in owner.text
    await owner.tap(FriendAgreed)
    first_name = friend.split()[0]
    thanks = tr._(
        "Thank you! {dealer} will contact {name} soon. I'll tell you how it goes.",
        dealer="\x00",
        name=first_name,
    )
    assert all(part in owner.text for part in thanks.split("\x00")), owner.text
    async with app.database.uow() as uow:
        assert await uow.referrals.count_of_referrer(referrer.id or 0) == before + 1


# --- /mydata and /forget cover every channel ----------------------------------------------


async def test_mydata_and_forget_cover_the_owners_telegram_and_whatsapp_chats(
    wa: FakeWhatsApp, serving: Serving, app: App
) -> None:
    import json

    person = await linked(WaPerson(wa, JOAO))
    owner = await also_on_telegram(app, "+5511987654321", 880002)
    await person.say("/mydata")
    document = next(s for s in person.answered() if s.kind == "document")
    exported = json.loads(wa.upload_named_for(document).data)
    channels = {a["channel"] for a in exported["chat_accounts"]}
    assert {"telegram", "whatsapp"} <= channels
    await person.say("/forget")
    await person.tap(EraseMyData)
    async with app.database.uow() as uow:
        assert await uow.accounts.of_owner(owner.id or 0) == []


async def test_an_owner_on_two_channels_chooses_where_care_messages_go_in_settings(
    wa: FakeWhatsApp, tg: FakeBotAPI, app: App
) -> None:
    running = await serve(app, wa, tg)
    try:
        await _choose_where_care_messages_go(wa, running.app)
    finally:
        await running.stop()


async def _choose_where_care_messages_go(wa: FakeWhatsApp, app: App) -> None:
    pt = t("pt_BR", "BR")
    person = await linked(WaPerson(wa, JOAO))
    await person.say("/settings")
    assert pt.pgettext("button", "📨 Where to reach me")[:20] not in str(
        [s.titles for s in person.answered()]
    ), "one channel: nothing to choose"
    await also_on_telegram(app, "+5511987654321", 880003)
    await person.say("/settings")
    assert pt._("Messages reach you on: {channel}", channel=pt._("wherever you wrote last")) in (
        person.text
    )
    await person.tap(ChannelSettings)
    assert pt._("Reminders and news go to one chat only. Where should I send them?") in (
        person.text
    )
    await person.tap_label("Telegram")
    assert (await owner_by_phone(app, "+5511987654321")).preferred_channel == "telegram"
    assert pt._("Messages reach you on: {channel}", channel="Telegram") in person.text
    await person.tap(ChannelSettings)
    await person.tap_label(pt.pgettext("button", "🕘 Wherever I wrote last")[:10])
    assert (await owner_by_phone(app, "+5511987654321")).preferred_channel is None
