"""Owner clubs through the console playing a group: a moderator links it with /link,
owners' join requests are approved or declined, members are welcomed, the group
follows a supergroup upgrade and a removed bot unlinks it."""

from __future__ import annotations

from bot.app import App
from bot.domain.clubs import BotRight
from bot.domain.staff import Role
from bot.i18n import native_language_name
from handlers.types import JoinDecision
from tests.conftest import NOW, Chat
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, DEMO_SAO_PAULO, linked, translator
from tests.staff import make_staff

BANGKOK_CLUB = -1002000000101
DUBAI_CLUB = -1002000000201


async def link_x7_club(app: App, chat_id: int, user_id: int, dealer: str, lang: str) -> Chat:
    """A moderator of `dealer` links the group as an owners-only Aurora X7 club."""
    await make_staff(app, user_id, role=Role.MODERATOR, dealer=dealer, at=NOW)
    staff = Chat(app, user_id=user_id, lang=lang, group_chat_id=chat_id)
    await staff.say("/link")
    await staff.tap("club:lok")
    await staff.tap("club:mdl:X7")
    await staff.tap("club:int:road_trips")
    await staff.tap("club:acc:1")
    return staff


async def test_a_moderator_links_a_group_as_a_thai_x7_club_in_thai(app: App) -> None:
    th = translator("th", "TH")
    staff = await link_x7_club(app, BANGKOK_CLUB, 9101, "TH-BKK-01", "th")
    assert staff.text == (
        th._("✅ This group is now an owners' club.")
        + "\n\n"
        + "\n".join(
            [
                th._("Market: {market}", market=th.country("TH")),
                th._("Languages: {languages}", languages=native_language_name("th")),
                th._("Model: {model}", model="Aurora X7"),
                th._("Dealer: {dealer}", dealer=app.reference.dealers["TH-BKK-01"].name),
                th._("Topic: {topic}", topic=th.pgettext("club interest", "Road trips")),
                th._("Who may join: verified owners only"),
                th.ngettext(
                    "{count} verified owner joined through me",
                    "{count} verified owners joined through me",
                    0,
                    count="0",
                ),
            ]
        )
        + "\n\n"
        + th._("✅ I have the administrator rights this club needs.")
    )
    async with app.database.uow() as uow:
        club = await uow.clubs.in_chat("console", BANGKOK_CLUB)
        assert club is not None
        assert (club.market, club.languages, club.model, club.owners_only) == (
            "TH",
            "th",
            "X7",
            True,
        )
        audit = await uow.audit.about(f"club:{club.id}")
        assert [entry.action for entry in audit] == ["club.link"]


async def test_an_owner_of_the_model_is_approved_and_a_stranger_is_declined_in_arabic(
    app: App,
) -> None:
    ar = translator("ar", "AE")
    await link_x7_club(app, DUBAI_CLUB, 9201, "AE-DXB-01", "ar")
    owner = await linked(Chat(app, user_id=5201, lang="ar"), DEMO_DUBAI)
    asking = Chat(app, user_id=owner.chat_id, lang="ar", group_chat_id=DUBAI_CLUB)
    screens = await asking.say("@join")
    assert [s.join_decision for s in screens] == [JoinDecision(DUBAI_CLUB, 5201, True)]
    assert "(join request of user 5201 approved)" in asking.transcript

    stranger = Chat(app, user_id=5202, lang="ar", group_chat_id=DUBAI_CLUB)
    screens = await stranger.say("@join")
    assert [s.join_decision for s in screens if s.join_decision] == [
        JoinDecision(DUBAI_CLUB, 5202, False)
    ]
    told = [s for s in screens if s.text]
    assert [(s.chat_id, s.text) for s in told] == [
        (
            5202,
            ar._(
                "This club is for verified {brand} owners. To join, open our private chat, "
                "share your phone number so I can find your car, then ask to join again.",
                brand=app.reference.brand,
            ),
        )
    ]
    assert told[0].buttons[0][0].url == "https://t.me/ownerbot?start=club"


async def test_an_owner_of_another_model_is_declined_and_told_why_in_portuguese(
    app: App,
) -> None:
    await link_x7_club(app, -1002000000401, 9401, "BR-SAO-01", "pt-BR")
    pt = translator("pt_BR", "BR")
    await linked(Chat(app, user_id=5401, lang="pt-BR"), DEMO_SAO_PAULO)  # an Aurora S5
    asking = Chat(app, user_id=5401, lang="pt-BR", group_chat_id=-1002000000401)
    screens = await asking.say("@join")
    assert [s.join_decision for s in screens if s.join_decision] == [
        JoinDecision(-1002000000401, 5401, False)
    ]
    assert [(s.chat_id, s.text) for s in screens if s.text] == [
        (
            5401,
            pt._(
                "This club is for owners of the {model} in {country}, so I couldn't approve "
                "your request. Ask me in our private chat about the clubs for your car.",
                model="Aurora X7",
                country=pt.country("BR"),
            ),
        )
    ]


async def test_a_new_member_gets_the_rules_in_their_language_and_no_personal_data(
    app: App,
) -> None:
    await link_x7_club(app, DUBAI_CLUB, 9202, "AE-DXB-01", "en")
    staff = Chat(app, user_id=9202, lang="en", group_chat_id=DUBAI_CLUB)
    await staff.say("/link")
    await staff.tap("club:lang:en")
    await staff.tap("club:lok")
    await staff.tap("club:mdl:")
    await staff.tap("club:int:")
    await staff.tap("club:acc:0")
    owner = await linked(Chat(app, user_id=5203, lang="ar", name="أحمد"), DEMO_DUBAI)
    joining = Chat(app, user_id=owner.chat_id, lang="ar", name="أحمد", group_chat_id=DUBAI_CLUB)
    await joining.say("@joined")
    ar = translator("ar", "AE")
    assert joining.text == ar._(
        "Welcome to the {brand} owners' club!\n\nOur rules: be kind, stay on topic, "
        "no selling, and never post anyone's phone number, address or plate.\n\n"
        "Your points, bookings and questions to the dealer stay in our private chat.",
        brand=app.reference.brand,
    )
    assert "أحمد" not in joining.text
    assert "+971" not in joining.text
    await joining.say("/points")
    assert joining.text == ar._("Let's talk in a private chat, where your details stay yours.")
    assert joining.screens[0].buttons[0][0].url == "https://t.me/ownerbot?start=club"


async def test_only_moderators_and_above_may_link_and_a_missing_right_is_named(
    app: App,
) -> None:
    await make_staff(app, 9301, role=Role.ADVISOR, dealer="GB-LON-01", at=NOW)
    advisor = Chat(app, user_id=9301, lang="en", group_chat_id=-1002000000701)
    await advisor.say("/link")
    assert advisor.text == "This command is for moderators and managers."
    outsider = Chat(app, user_id=9302, lang="en", group_chat_id=-1002000000701)
    await outsider.say("/club")
    assert outsider.text == "This command is for dealer staff."

    staff = await link_x7_club(app, -1002000000701, 9303, "GB-LON-01", "en")
    await staff.say(f"@bot administrator {BotRight.PIN_MESSAGES.value}")
    assert staff.text == (
        "⚠️ Please make me an administrator of this group with these rights: Invite users via link."
    )
    await staff.say("/club")
    assert staff.text.endswith(
        "⚠️ Please make me an administrator of this group with these rights: Invite users via link."
    )


async def test_a_supergroup_keeps_its_link_and_a_removed_bot_unlinks_it(app: App) -> None:
    staff = await link_x7_club(app, BANGKOK_CLUB, 9102, "TH-BKK-01", "en")
    await staff.say("@migrate -1003000000101")
    moved = Chat(app, user_id=9102, lang="en", group_chat_id=-1003000000101)
    await moved.say("/club")
    assert moved.text.startswith("Market: Thailand\n")
    await moved.say("@bot left")
    await moved.say("/club")
    assert moved.text == "This group is not linked as a club. Staff can link it with /link."
    async with app.database.uow() as uow:
        club = await uow.clubs.in_chat("console", -1003000000101)
        assert club is not None
        assert club.unlinked_at == NOW
        audit = await uow.audit.about(f"club:{club.id}")
        assert [(e.action, e.reason) for e in audit] == [
            ("club.link", ""),
            ("club.migrate", ""),
            ("club.unlink", "bot removed"),
        ]


async def test_an_owner_who_erases_their_data_is_flagged_to_the_moderators(app: App) -> None:
    await link_x7_club(app, BANGKOK_CLUB, 9103, "TH-BKK-01", "en")
    owner = await linked(Chat(app, user_id=5103, lang="en"), DEMO_BANGKOK)
    asking = Chat(app, user_id=5103, lang="en", group_chat_id=BANGKOK_CLUB)
    await asking.say("@join")
    await owner.say("/forget")
    screens = await owner.tap("priv:erase")
    staff_chat = app.reference.dealers["TH-BKK-01"].staff_chat_id
    th = translator("th", "TH")
    assert [s.text for s in screens if s.chat_id == staff_chat] == [
        th._(
            "👥 A member of the owners' club for {what} (group {group}) is no longer a "
            "verified owner: their data was erased or the car is no longer theirs. Please "
            "review their membership (Telegram user {user}); I removed no one.",
            what="Aurora X7",
            group=BANGKOK_CLUB,
            user=5103,
        )
    ]
    staff = Chat(app, user_id=9103, lang="en", group_chat_id=BANGKOK_CLUB)
    await staff.say("/club")
    assert "⚠️ 1 of them is no longer a verified owner: please review" in staff.text


async def test_help_tells_a_moderator_the_club_commands_in_russian(app: App) -> None:
    ru = translator("ru", "KZ")
    await make_staff(app, 9601, role=Role.MODERATOR, dealer="KZ-ALA-01", at=NOW)
    moderator = Chat(app, user_id=9601, lang="ru", group_chat_id=-1002000000601)
    await moderator.say("/help")
    assert ru._("/link: in a group, link it as an owners' club") in moderator.text
    assert ru._("/club: the club's settings; /unlink: unlink it") in moderator.text
    assert "/link" in ru._("/link: in a group, link it as an owners' club")
    assert ru._("Your role has no staff commands yet.") not in moderator.text
