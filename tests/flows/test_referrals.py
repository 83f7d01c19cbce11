"""Referrals in chat, through the console: the owner's link, a friend submitted in chat
(in Arabic, Spanish, Portuguese), staff moving the friend along, the owner told in their
own language and paid through the ledger, and friends who come through the link."""

from __future__ import annotations

import re
from datetime import date

from bot.app import App
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.domain.phone import example_phone
from bot.domain.referrals import DAILY_SUBMISSIONS, Stage
from bot.domain.staff import Role
from bot.i18n import Catalogs, Translator
from handlers.types import Screen
from tests.conftest import NOW, Chat, ChatFactory
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, DEMO_SAO_PAULO, linked
from tests.services.loyalty_helpers import balance, days, owner_by_phone
from tests.services.referral_helpers import recommend, reload, walk
from tests.staff import make_staff

CATALOGS = Catalogs(PROJECT_ROOT / "locales")
DEMO_MEXICO = "+525512345678"  # María, Spanish
DEMO_BERLIN = "+4915112345678"  # Lukas, German
DEMO_ISTANBUL = "+905321234567"  # Mehmet, Turkish: Ayşe's delivery is pending (demo)
DEMO_ABU_DHABI = "+971529876543"  # Priya, English
BANGKOK_STAFF_CHAT = -1001000000101
DUBAI_STAFF_CHAT = -1001000000201


def t(locale: str, market: str) -> Translator:
    return CATALOGS.translator(locale, market)


def to_chat(screens: list[Screen], chat_id: int) -> str:
    return "\n".join(s.text for s in screens if s.chat_id == chat_id)


def link_of(chat: Chat) -> str:
    match = re.search(r"https://t\.me/ownerbot\?start=(ref_[A-Za-z0-9_-]+)", chat.text)
    assert match, chat.text
    return match.group(1)


async def staff(app: App, user_id: int, dealer: str | None, role: Role = Role.SALES) -> None:
    await make_staff(app, user_id, role=role, dealer=dealer)


# --- the link -----------------------------------------------------------------------------


async def test_refer_shows_a_personal_link_a_share_button_and_a_qr_code(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), "+447911123456")
    screens = await chat.say("/refer")
    payload = link_of(chat)
    assert len(payload) <= 64
    share = [b for row in screens[-1].buttons for b in row if b.url]
    assert len(share) == 1
    assert share[0].url.startswith(
        f"https://t.me/share/url?url=https%3A%2F%2Ft.me%2Fownerbot%3Fstart%3D{payload}&text="
    )
    assert "test%20drive" in share[0].url, "the invitation text comes along"
    qr = await chat.press("QR code")
    assert qr[0].attachment is not None
    assert qr[0].attachment.kind == "photo"
    assert qr[0].attachment.data.startswith(b"\x89PNG")
    await chat.say("/refer")
    assert link_of(chat) == payload, "the link is the owner's for good"


async def test_the_rules_show_the_rewards_of_the_owners_market_in_portuguese(
    chat_factory: ChatFactory,
) -> None:
    pt = t("pt_BR", "BR")
    chat: Chat = await linked(chat_factory(lang="pt-br"), DEMO_SAO_PAULO)
    await chat.say("/refer")
    await chat.press(pt.pgettext("button", "📋 Rules"))
    points = pt.ngettext("{n} point", "{n} points", 3000)
    assert pt._("🚗 Your friend takes a test drive: {points} for you.", points="x") != (
        "🚗 Your friend takes a test drive: x for you."
    ), "the Portuguese catalog must translate the rules"
    assert points in chat.text
    assert pt.country("BR") in chat.text


# --- a friend submitted in chat ---------------------------------------------------------------


async def test_an_owner_in_dubai_recommends_a_friend_in_arabic(
    chat_factory: ChatFactory, app: App
) -> None:
    ar = t("ar", "AE")
    chat: Chat = await linked(chat_factory(lang="ar"), DEMO_DUBAI)
    await chat.say("/refer")
    await chat.press(ar.pgettext("button", "➕ Recommend a friend"))
    assert ar._("What is your friend's name?") in chat.text
    await chat.say("خالد الحمادي")
    assert "خالد" in chat.text
    country = ar.country("AE")
    await chat.say("12345")
    assert (
        ar._(
            "That doesn't look like a mobile number. Please check it, for example "
            "{example} ({country}).",
            country=country,
            example=example_phone("AE"),
        )
        in chat.text
    )
    await chat.say("+66 81 222 3333")
    assert (
        ar._(
            "That number is from another country. Here you can recommend friends with a "
            "local number ({country}), so their local dealer can call them.",
            country=country,
        )
        in chat.text
    )
    await chat.say("٠٥٠٩٩٩٠٠٠١")  # Arabic-Indic digits, as many people type them
    await chat.press("Aurora X7")
    await chat.press("Sheikh Zayed")
    assert "+971 50 999 0001" in chat.text
    await chat.press(ar.pgettext("button", "Not yet"))
    assert (
        ar._(
            "Please ask {name} first: we only contact people who have agreed. Nothing was saved.",
            name="خالد",
        )
        in chat.text
    )
    owner = await owner_by_phone(app, DEMO_DUBAI)
    async with app.database.uow() as uow:
        before = await uow.referrals.count_of_referrer(owner.id or 0)

    await chat.say("/refer")
    await chat.press(ar.pgettext("button", "➕ Recommend a friend"))
    await chat.say("خالد الحمادي")
    await chat.say("050 999 0001")
    await chat.press(ar.pgettext("button", "Not sure yet"))
    await chat.press("Sheikh Zayed")
    screens = await chat.press(ar.pgettext("button", "✅ Yes, they agreed"))
    assert (
        ar._(
            "Thank you! {dealer} will contact {name} soon. I'll tell you how it goes.",
            dealer="Aurora Sheikh Zayed Road Dubai",
            name="خالد",
        )
        in chat.text
    )
    staff_post = to_chat(screens, DUBAI_STAFF_CHAT)
    assert "+971 50 999 0001" in staff_post
    assert ar._("Stage: {stage}", stage=ar.pgettext("referral stage", "Recommended")) in staff_post
    async with app.database.uow() as uow:
        assert await uow.referrals.count_of_referrer(owner.id or 0) == before + 1
    again = await chat.say("#1")  # a late second tap on an earlier screen's button
    assert again is not None


async def test_a_friend_without_consent_is_not_recorded(
    chat_factory: ChatFactory, app: App
) -> None:
    es = t("es", "MX")
    chat: Chat = await linked(chat_factory(lang="es"), DEMO_MEXICO)
    await chat.say("/refer")
    await chat.press(es.pgettext("button", "➕ Recommend a friend"))
    await chat.say("Lucía Ramírez")
    await chat.say("55 1234 9876")
    await chat.press("Aurora S5")
    await chat.press("Aurora")
    await chat.press(es.pgettext("button", "Not yet"))
    assert (
        es._(
            "Please ask {name} first: we only contact people who have agreed. Nothing was saved.",
            name="Lucía",
        )
        in chat.text
    )
    async with app.database.uow() as uow:
        assert await uow.referrals.for_phone("+525512349876") == []


async def test_a_choice_from_an_abandoned_recommendation_is_no_longer_valid(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="es"), DEMO_MEXICO)
    await chat.say("/refer")
    await chat.tap("ref:new")
    await chat.say("Lucía Ramírez")
    await chat.say("55 1234 9876")
    [model] = chat.codes("ref:model:S5")
    await chat.press_code("ref:stop")  # the Cancel under the phone question
    assert t("es", "MX")._("Nothing was saved.") in chat.text
    screens = await chat.press_code(model)
    assert [s.toast for s in screens] == [t("es", "MX")._("This button is no longer valid.")]
    await chat.press_code("ref:yes")
    async with app.database.uow() as uow:
        assert await uow.referrals.for_phone("+525512349876") == []


async def test_an_owner_cannot_recommend_their_own_number(chat_factory: ChatFactory) -> None:
    es = t("es", "MX")
    chat: Chat = await linked(chat_factory(lang="es"), DEMO_MEXICO)
    await chat.say("/refer")
    await chat.press(es.pgettext("button", "➕ Recommend a friend"))
    await chat.say("María")
    await chat.say("55 1234 5678")
    assert "That is your own number" not in chat.text, "in Spanish, please"
    assert (
        es._(
            "That is your own number. Recommendations are for friends: send them your link, "
            "or recommend them here with their number."
        )
        in chat.text
    )


async def test_the_sixth_friend_in_a_day_is_politely_refused(
    chat_factory: ChatFactory, app: App
) -> None:
    pt = t("pt_BR", "BR")
    owner = await owner_by_phone(app, DEMO_SAO_PAULO)
    for n in range(DAILY_SUBMISSIONS):
        await recommend(app, owner, f"+551197000{n:04d}", at=NOW)
    chat: Chat = await linked(chat_factory(lang="pt-br"), DEMO_SAO_PAULO)
    await chat.say("/refer")
    await chat.press(pt.pgettext("button", "➕ Recommend a friend"))
    assert (
        pt.ngettext(
            "You have recommended {n} friend today, the most for one day. Thank you! "
            "Please come back tomorrow.",
            "You have recommended {n} friends today, the most for one day. Thank you! "
            "Please come back tomorrow.",
            DAILY_SUBMISSIONS,
        )
        in chat.text
    )


# --- staff move the friend along; the owner is told and paid ------------------------------


async def test_staff_move_the_friend_and_the_owner_hears_in_thai_and_is_paid(
    chat_factory: ChatFactory, app: App, clock: FixedClock
) -> None:
    th = t("th", "TH")
    owner = await owner_by_phone(app, DEMO_BANGKOK)
    start = await balance(app, owner, NOW)
    somchai: Chat = await linked(chat_factory(user_id=1, lang="th"), DEMO_BANGKOK)
    referral = await recommend(app, owner, "+66899990001", at=NOW, name="Nok Saetang")
    await staff(app, 900, "TH-BKK-01")
    seller: Chat = chat_factory(user_id=900, lang="en")
    await seller.say("/leads")
    await seller.press(f"#{referral.id} Nok")
    assert "+66 89 999 0001" in seller.text
    screens = await seller.press("Contacted")
    assert "Stage: Contacted by the dealer" in seller.text
    told = to_chat(screens, 1)
    expected = th._(
        "📞 {dealer} has contacted {friend}.", dealer="Aurora Rama IX Bangkok", friend="Nok"
    )
    assert expected in told
    assert expected != "📞 Aurora Rama IX Bangkok has contacted Nok."

    await seller.press("Test drive booked")
    screens = await seller.press("Test drive done")
    assert th.ngettext("⭐ You earned {n} point.", "⭐ You earned {n} points.", 500) in to_chat(
        screens, 1
    )
    await seller.press("Ordered")
    screens = await seller.press("Delivered")
    pending_from = NOW + days(14)
    delivery = th.ngettext(
        "⏳ {n} point is on its way: spendable from {date}.",
        "⏳ {n} points are on their way: spendable from {date}.",
        3000,
        date=th.date(date(2026, 12, 7)),
    )
    assert delivery in to_chat(screens, 1)
    assert seller.console.button_labels == ["↩️ Order cancelled"]

    await somchai.say("/points")
    for points, on in ((450, date(2026, 12, 2)), (3000, date(2026, 12, 7))):  # demo visit, delivery
        pending = th.ngettext(
            "⏳ {n} point is on its way: spendable from {date}.",
            "⏳ {n} points are on their way: spendable from {date}.",
            points,
            date=th.date(on),
        )
        assert pending in somchai.text
    assert await balance(app, owner, NOW) == start + 500
    clock.set(pending_from + days(1))
    assert await balance(app, owner, pending_from + days(1)) >= start + 500 + 3000
    await somchai.say("/points")
    spendable = await balance(app, owner, pending_from + days(1))
    assert th.number(spendable) in somchai.text


async def test_a_cancelled_order_takes_the_delivery_points_back_and_the_owner_is_told(
    chat_factory: ChatFactory, app: App
) -> None:
    de = t("de", "DE")
    owner = await owner_by_phone(app, DEMO_BERLIN)
    lukas: Chat = await linked(chat_factory(user_id=2, lang="de"), DEMO_BERLIN)
    referral = await recommend(app, owner, "+4915199990001", at=NOW, name="Mia Wolf")
    await walk(
        app,
        referral,
        Stage.TEST_DRIVE_DONE,
        Stage.ORDER,
        Stage.DELIVERED,
        at=NOW,
    )
    async with app.database.uow() as uow:
        from bot.services.loyalty import statement

        pending_before = (await statement.summary(uow, app.reference, owner, NOW)).pending_total
    await staff(app, 901, "DE-BER-01")
    seller: Chat = chat_factory(user_id=901, lang="de")
    await seller.say("/leads")
    await seller.press(f"#{referral.id} Mia")
    screens = await seller.press(de.pgettext("button", "↩️ Order cancelled"))
    told = to_chat(screens, 2)
    assert de._("{friend}'s order was cancelled.", friend="Mia") in told
    assert (
        de.ngettext(
            "The {n} point for the delivery has been withdrawn.",
            "The {n} points for the delivery have been withdrawn.",
            3000,
        )
        in told
    )
    async with app.database.uow() as uow:
        from bot.services.loyalty import statement

        pending_after = (await statement.summary(uow, app.reference, owner, NOW)).pending_total
    assert pending_before - pending_after == 3000
    await lukas.say("/refer")
    await lukas.press(de.pgettext("button", "👥 My referrals"))
    assert de._("delivery reward withdrawn") in lukas.text


async def test_only_the_dealers_sales_team_can_move_a_lead(
    chat_factory: ChatFactory, app: App
) -> None:
    owner = await owner_by_phone(app, DEMO_DUBAI)
    referral = await recommend(app, owner, "+971509990002", at=NOW)
    await staff(app, 910, "AE-DXB-01", Role.ADVISOR)
    await staff(app, 911, "AE-AUH-01", Role.SALES)
    await staff(app, 912, "AE-DXB-01", Role.SALES)
    stranger: Chat = chat_factory(user_id=913, lang="en")
    await stranger.say("/leads")
    assert "for the dealer's sales team" in stranger.text
    forged = f"rfs:to:{referral.id}:delivered"
    for user in (910, 911, 913):
        chat: Chat = chat_factory(user_id=user, lang="en")
        await chat.press_code(forged)
        assert "not available to you" in chat.text, user
    assert (await reload(app, referral)).stage == "lead"
    seller: Chat = chat_factory(user_id=912, lang="en")
    await seller.press_code("rfs:to:999999:delivered")
    assert "not available to you" in seller.text
    screens = await seller.press_code(f"rfs:to:{referral.id}:x")
    assert "no longer valid" in " ".join(s.toast for s in screens)


async def test_a_backward_tap_changes_nothing(chat_factory: ChatFactory, app: App) -> None:
    owner = await owner_by_phone(app, DEMO_DUBAI)
    referral = await recommend(app, owner, "+971509990003", at=NOW)
    await walk(app, referral, Stage.ORDER, at=NOW)
    await staff(app, 912, "AE-DXB-01")
    seller: Chat = chat_factory(user_id=912, lang="en")
    screens = await seller.press_code(f"rfs:to:{referral.id}:contacted")
    assert "Already done" in " ".join(s.toast for s in screens)
    assert (await reload(app, referral)).stage == "order"


# --- friends who come through the link ------------------------------------------------------


async def test_a_friend_via_the_link_is_attributed_and_welcomed_in_their_language(
    chat_factory: ChatFactory, app: App
) -> None:
    es, th = t("es", "TH"), t("th", "TH")
    somchai: Chat = await linked(chat_factory(user_id=1, lang="th"), DEMO_BANGKOK)
    await somchai.say("/refer")
    payload = link_of(somchai)
    friend: Chat = chat_factory(user_id=3001, lang="es", name="Lucía")
    await friend.say(f"/start {payload}")
    assert (
        es._(
            "Hello! Your friend {name} recommends {brand} to you.",
            name="สมชาย",
            brand="Aurora Motors",
        )
        in friend.text
    )
    assert "dealer" not in friend.text, "in Spanish"
    screens = await friend.say("@contact +66891239876")
    assert (
        es._(
            "Welcome, and thank you for your interest! {dealer} will call you soon to "
            "arrange a test drive. {name} will be glad you came.",
            dealer="Aurora Rama IX Bangkok",
            name="สมชาย",
        )
        in friend.text
    )
    told = to_chat(screens, 1)
    assert (
        th._(
            "🤝 {friend} accepted your invitation. {dealer} will contact them soon.",
            friend="Lucía",
            dealer="Aurora Rama IX Bangkok",
        )
        in told
    )
    assert "+66 89 123 9876" in to_chat(screens, BANGKOK_STAFF_CHAT)
    await somchai.say("/refer")
    await somchai.press(th.pgettext("button", "👥 My referrals"))
    assert "Lucía" in somchai.text
    await friend.press(es.pgettext("button", "🚗 I already drive one"))
    assert es.country("TH") in friend.console.button_labels, "they may still register a car"


async def test_the_first_link_a_friend_opens_is_the_one_that_counts(
    chat_factory: ChatFactory, app: App
) -> None:
    ahmed: Chat = await linked(chat_factory(user_id=1, lang="en"), DEMO_DUBAI)
    await ahmed.say("/refer")
    first = link_of(ahmed)
    priya: Chat = await linked(chat_factory(user_id=2, lang="en"), DEMO_ABU_DHABI)
    await priya.say("/refer")
    second = link_of(priya)
    friend: Chat = chat_factory(user_id=3002, lang="en", name="Omar")
    await friend.say(f"/start {first}")
    await friend.say(f"/start {second}")
    screens = await friend.say("@contact +971509990004")
    assert "Omar accepted your invitation" in to_chat(screens, 1)
    assert to_chat(screens, 2) == ""


async def test_an_owner_who_opens_their_own_link_is_told_it_is_theirs(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_DUBAI)
    await chat.say("/refer")
    payload = link_of(chat)
    await chat.say(f"/start {payload}")
    assert "This is your own invitation link" in chat.text


async def test_a_friend_who_already_owns_one_comes_through_the_link_without_a_reward(
    chat_factory: ChatFactory, app: App
) -> None:
    ar = t("ar", "AE")
    ahmed: Chat = await linked(chat_factory(user_id=1, lang="ar"), DEMO_DUBAI)
    await ahmed.say("/refer")
    payload = link_of(ahmed)
    priya: Chat = chat_factory(user_id=2, lang="en", name="Priya")
    await priya.say(f"/start {payload}")
    screens = await priya.say(f"@contact {DEMO_ABU_DHABI}")
    assert "Welcome, Priya" in priya.text
    told = to_chat(screens, 1)
    assert (
        ar._(
            "Your friend is already an {brand} owner, so this recommendation doesn't earn "
            "points. The dealer will still be glad to help them.",
            brand="Aurora Motors",
        )
        in told
    )


async def test_my_referrals_shows_first_names_stages_and_pending_rewards(
    chat_factory: ChatFactory,
) -> None:
    tr = t("tr", "TR")
    chat: Chat = await linked(chat_factory(lang="tr"), DEMO_ISTANBUL)
    await chat.say("/refer")
    await chat.press(tr.pgettext("button", "👥 My referrals"))
    assert "Ayşe" in chat.text
    assert "Kaya" not in chat.text, "first names only"
    assert tr.pgettext("referral stage", "Car delivered") in chat.text
    pending = tr.ngettext("{n} point", "{n} points", 3000)
    assert pending in chat.text
    assert tr.ngettext("{n} point", "{n} points", 500) in chat.text


# --- privacy ----------------------------------------------------------------------------------


async def test_mydata_lists_the_friends_an_owner_recommended(chat_factory: ChatFactory) -> None:
    import json

    chat: Chat = await linked(chat_factory(lang="en"), DEMO_BANGKOK)
    screens = await chat.say("/mydata")
    assert screens[0].attachment is not None
    data = json.loads(screens[0].attachment.data)
    friends = {f["friend"]: f["stage"] for f in data["friends_recommended"]}
    assert friends == {"Kittisak Wongsa": "lead", "Pim Chaiyaporn": "test_drive_booked"}


async def test_a_recommended_friend_who_erases_their_data_leaves_only_the_stage(
    chat_factory: ChatFactory, app: App
) -> None:
    ahmed = await owner_by_phone(app, DEMO_DUBAI)
    referral = await recommend(app, ahmed, DEMO_ABU_DHABI, at=NOW, name="Priya Nair")
    priya: Chat = await linked(chat_factory(user_id=2, lang="en"), DEMO_ABU_DHABI)
    await priya.say("/forget")
    await priya.press("Yes, erase")
    erased = await reload(app, referral)
    assert (erased.friend_name, erased.friend_phone, erased.stage) == ("", None, "lead")
