"""Staff: /help lists the commands a member's role allows; a managers' command tells a
sales member it is for managers; a lead's stage move can be undone for a minute, only
while nothing moved since, and the owner hears a correction of what they were told."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.domain.referrals import Referral, Stage
from bot.domain.staff import Role
from handlers.codes.referrals import LeadCard, UndoLeadMove
from tests.conftest import NOW, Chat, ChatFactory
from tests.flows.helpers import DEMO_DUBAI, linked
from tests.services.loyalty_helpers import owner_by_phone
from tests.services.referral_helpers import recommend
from tests.staff import make_staff

DUBAI_STAFF_CHAT = -1001000000201
ALMATY_STAFF_CHAT = -1001000000601


async def test_help_in_the_staff_chat_lists_what_the_role_may_do_in_russian(
    app: App,
) -> None:
    ru = app.catalogs.translator("ru")
    almaty = app.reference.dealers["KZ-ALA-01"]
    assert almaty.staff_chat_id is not None
    await make_staff(app, 8010, role=Role.SALES, dealer="KZ-ALA-01", at=NOW)
    await make_staff(app, 8011, role=Role.MANAGER, dealer="KZ-ALA-01", at=NOW)
    sales = Chat(app, user_id=8010, lang="ru", group_chat_id=almaty.staff_chat_id)
    await sales.say("/help")
    award = ru._("/award PHONE POINTS REASON: give an owner points")
    leads = ru._("/leads: the referrals in progress, to move them along")
    assert "баллы" in award, "the Russian catalog has the staff help"
    assert ru.pgettext("staff role", "sales") in sales.text
    assert almaty.name in sales.text
    assert leads in sales.text
    assert ru._("/voucher CODE: take an owner's voucher") in sales.text
    assert award not in sales.text, "not a sales member's command"
    assert "/points" not in sales.text, "only staff commands in the staff chat"

    manager = Chat(app, user_id=8011, lang="ru", group_chat_id=almaty.staff_chat_id)
    await manager.say("/help")
    assert award in manager.text
    assert leads in manager.text

    stranger = Chat(app, user_id=8012, lang="ru", group_chat_id=almaty.staff_chat_id)
    await stranger.say("/help")
    assert ru._("Let's talk in a private chat, where your details stay yours.") in stranger.text


async def test_help_in_private_adds_the_staff_commands_to_the_owners(app: App) -> None:
    await make_staff(app, 8020, role=Role.ADVISOR, dealer="AE-DXB-01", at=NOW)
    advisor = Chat(app, user_id=8020, lang="en")
    await advisor.say("/help")
    assert "/points: your points, tier and rewards" in advisor.text
    assert "/voucher CODE: take an owner's voucher" in advisor.text
    assert "confirm new bookings" in advisor.text
    assert "/leads" not in advisor.text
    owner: Chat = Chat(app, user_id=8021, lang="en")
    await owner.say("/help")
    assert "Staff commands" not in owner.text


async def test_a_managers_command_tells_a_sales_member_it_is_for_managers(app: App) -> None:
    tr = app.catalogs.translator("tr")
    await make_staff(app, 8030, role=Role.SALES, dealer="TR-IST-01", at=NOW)
    sales = Chat(app, user_id=8030, lang="tr")
    await sales.say("/award +905321234567 100 ikram")
    assert tr._("This command is for managers.") in sales.text
    assert "yönetici" in sales.text
    assert tr._("This command is for dealer staff.") not in sales.text
    stranger = Chat(app, user_id=8031, lang="tr")
    await stranger.say("/award +905321234567 100 ikram")
    assert tr._("This command is for dealer staff.") in stranger.text


async def referral_of(app: App, referral_id: int) -> Referral:
    async with app.database.uow() as uow:
        found = await uow.referrals.get(referral_id)
    assert found is not None
    return found


async def lead_in_the_staff_chat(app: App, phone: str, user_id: int) -> tuple[int, Chat]:
    owner = await owner_by_phone(app, DEMO_DUBAI)
    referral = await recommend(app, owner, phone, at=NOW)
    await make_staff(app, user_id, role=Role.SALES, dealer="AE-DXB-01", at=NOW)
    sales = Chat(app, user_id=user_id, lang="en", group_chat_id=DUBAI_STAFF_CHAT)
    await sales.press_code(LeadCard(referral.id or 0))
    return referral.id or 0, sales


async def test_a_wrong_lost_is_undone_within_a_minute_and_the_owner_corrected_in_arabic(
    chat_factory: ChatFactory, app: App, clock: FixedClock
) -> None:
    ar = app.catalogs.translator("ar", "AE")
    owner: Chat = await linked(chat_factory(user_id=8040, lang="ar"), DEMO_DUBAI)
    referral_id, sales = await lead_in_the_staff_chat(app, "+971509990101", 8041)
    await sales.tap(f"rfs:to:{referral_id}:contacted")
    screens = await sales.tap(f"rfs:to:{referral_id}:lost")
    told = [s for s in screens if s.chat_id == owner.chat_id]
    assert told, "the owner heard the friend was lost"
    assert sales.codes(f"rfs:undo:{referral_id}:")
    clock.advance(timedelta(seconds=40))
    screens = await sales.tap("rfs:undo:")
    assert [s.toast for s in screens if s.toast] == ["Undone: back to “Contacted by the dealer”."]
    referral = await referral_of(app, referral_id)
    assert (referral.stage, referral.furthest) == ("contacted", "contacted")
    [correction] = [s for s in screens if s.chat_id == owner.chat_id]
    expected = ar._(
        "A correction about {friend}: the last update was a mistake at the dealer. "
        "Where things stand: {stage}.",
        friend="Sam",
        stage=ar.pgettext("referral stage", "Contacted by the dealer"),
    )
    assert "تصحيح" in expected
    assert correction.text == expected
    assert sales.codes(f"rfs:to:{referral_id}:test_drive_booked"), "moving on is possible"
    async with app.database.uow() as uow:
        history = await uow.stage_changes.of_referral(referral_id)
        trail = await uow.audit.about(f"referral:{referral_id}")
    assert [(c.from_stage, c.to_stage) for c in history] == [
        (None, "lead"),
        ("lead", "contacted"),
        ("contacted", "lost"),
        ("lost", "contacted"),
    ]
    assert trail[-1].action == "referral.stage.undo"


async def test_an_undo_after_a_minute_or_after_another_move_changes_nothing(
    app: App, clock: FixedClock
) -> None:
    referral_id, sales = await lead_in_the_staff_chat(app, "+971509990102", 8050)
    await sales.tap(f"rfs:to:{referral_id}:contacted")
    [late] = sales.codes("rfs:undo:")
    clock.advance(timedelta(seconds=61))
    screens = await sales.press_code(late)
    assert "Too late to undo" in " ".join(s.toast for s in screens)
    assert (await referral_of(app, referral_id)).stage == Stage.CONTACTED

    await sales.tap(f"rfs:to:{referral_id}:lost")
    [wrong] = sales.codes("rfs:undo:")
    await make_staff(app, 8051, role=Role.SALES, dealer="AE-DXB-01", at=NOW)
    other = Chat(app, user_id=8051, lang="en", group_chat_id=DUBAI_STAFF_CHAT)
    await other.press_code(LeadCard(referral_id))
    await other.tap(f"rfs:to:{referral_id}:test_drive_booked")  # a colleague moved it on
    screens = await sales.press_code(wrong)
    assert "moved on since" in " ".join(s.toast for s in screens)
    assert (await referral_of(app, referral_id)).stage == Stage.TEST_DRIVE_BOOKED


async def test_a_move_that_paid_points_offers_no_undo(app: App) -> None:
    referral_id, sales = await lead_in_the_staff_chat(app, "+971509990103", 8060)
    await sales.tap(f"rfs:to:{referral_id}:contacted")
    await sales.tap(f"rfs:to:{referral_id}:test_drive_booked")
    assert sales.codes("rfs:undo:"), "these paid nothing"
    await sales.tap(f"rfs:to:{referral_id}:test_drive_done")  # pays the test-drive reward
    assert not sales.codes("rfs:undo:")
    assert (await referral_of(app, referral_id)).stage == "test_drive_done"


async def test_a_forged_undo_of_the_leads_first_line_changes_nothing(app: App) -> None:
    referral_id, sales = await lead_in_the_staff_chat(app, "+971509990104", 8070)
    async with app.database.uow() as uow:
        [created] = await uow.stage_changes.of_referral(referral_id)
    screens = await sales.press_code(UndoLeadMove(referral_id, created.id or 0))
    assert "moved on since" in " ".join(s.toast for s in screens)
    assert (await referral_of(app, referral_id)).stage == Stage.LEAD
