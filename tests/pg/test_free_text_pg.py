"""What people type reaches PostgreSQL clean: a NUL (which PostgreSQL refuses in text)
in a name no longer turns the last step of a form into an apology."""

from __future__ import annotations

from bot.app import App
from tests.conftest import Chat
from tests.flows.helpers import DEMO_DUBAI, linked, register_in_mexico

DUBAI_STAFF_CHAT = -1001000000201


async def test_a_nul_in_a_typed_name_no_longer_breaks_registrations_last_step_on_postgres(
    pg_app: App,
) -> None:
    chat = Chat(pg_app, user_id=9301, lang="en", name="Car\x00los")
    await register_in_mexico(chat, "+525587654321", "Car\x00los Ru\x00iz", "LAUX7AAA0SC000778")
    assert "Welcome to the Aurora Motors owners' club" in chat.text
    assert "went wrong" not in chat.text
    async with pg_app.database.uow() as uow:
        owner = await uow.owners.by_phone("+525587654321")
    assert owner is not None
    assert (owner.first_name, owner.last_name) == ("Carlos", "Ruiz")


async def test_a_nul_in_a_friends_name_no_longer_breaks_the_referral_form_on_postgres(
    pg_app: App,
) -> None:
    chat = await linked(Chat(pg_app, user_id=9302, lang="en"), DEMO_DUBAI)
    await chat.say("/refer")
    await chat.press("Recommend a friend")
    await chat.say("Kha\x00lid Al\x00 Hammadi")
    await chat.say("050 999 0031")
    await chat.press("Not sure yet")
    await chat.press("Sheikh Zayed")
    screens = await chat.press("Yes, they agreed")
    assert "went wrong" not in chat.text
    assert "will contact Khalid soon" in chat.text
    staff_card = "\n".join(s.text for s in screens if s.chat_id == DUBAI_STAFF_CHAT)
    assert "Khalid Al Hammadi" in staff_card
    async with pg_app.database.uow() as uow:
        referrals = await uow.referrals.for_phone("+971509990031")
    assert [r.friend_name for r in referrals] == ["Khalid Al Hammadi"]
