"""A chat linked to one owner that shares a number of another membership (a new
phone, a car in a relative's name) is asked whether to switch, not re-linked
silently."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.conftest import Chat
from tests.flows.helpers import linked

QUESTION = (
    "This chat is linked to the membership of {name}. The number {phone} belongs "
    "to another membership. Switch this chat to that one?"
)
KEPT = "Nothing changed: this chat stays linked to the membership of {name}."
WELCOME = "Welcome, {name}! Your chat is now linked to your membership."

# client language, linked owner (phone, name), the other membership (phone, shown as, name)
CASES = [
    pytest.param(
        "ar", ("+971501234567", "أحمد"), ("+971529876543", "+971 52 987 6543", "Priya"), id="ar"
    ),
    pytest.param(
        "th", ("+66812345678", "สมชาย"), ("+66923334455", "+66 92 333 4455", "陈伟"), id="th"
    ),
    pytest.param(
        "de", ("+4915112345678", "Lukas"), ("+4917612345678", "+49 176 12345678", "Anna"), id="de"
    ),
]


async def linked_owner_id(app: App, user_id: int) -> int | None:
    async with app.database.uow() as uow:
        account = await uow.accounts.by_user("console", user_id)
    assert account is not None
    return account.owner_id


async def owner_id(app: App, phone: str) -> int:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
    assert owner is not None
    assert owner.id is not None
    return owner.id


@pytest.mark.parametrize(("lang", "mine", "other"), CASES)
async def test_yes_switches_the_chat_to_the_other_membership(
    app: App, lang: str, mine: tuple[str, str], other: tuple[str, str, str]
) -> None:
    t = app.catalogs.translator(lang)
    chat = await linked(Chat(app, user_id=5501, lang=lang), mine[0])
    await chat.say(f"@contact {other[0]}")
    assert chat.html == t._(QUESTION, name=mine[1], phone=other[1])
    assert await linked_owner_id(app, 5501) == await owner_id(app, mine[0]), "not yet"
    await chat.tap("link:switch:1")
    assert t._(WELCOME, name=other[2]) in chat.html
    assert await linked_owner_id(app, 5501) == await owner_id(app, other[0])


@pytest.mark.parametrize(("lang", "mine", "other"), CASES)
async def test_no_keeps_the_chat_with_its_owner(
    app: App, lang: str, mine: tuple[str, str], other: tuple[str, str, str]
) -> None:
    t = app.catalogs.translator(lang)
    chat = await linked(Chat(app, user_id=5502, lang=lang), mine[0])
    await chat.say(f"@contact {other[0]}")
    await chat.tap("link:switch:0")
    assert t._(KEPT, name=mine[1]) in chat.html
    assert t._("What would you like to do?") in chat.html
    assert await linked_owner_id(app, 5502) == await owner_id(app, mine[0])


async def test_a_yes_pressed_after_moving_on_switches_nothing(app: App) -> None:
    chat = await linked(Chat(app, user_id=5503, lang="ar"), "+971501234567")
    await chat.say("@contact +971529876543")
    yes = chat.codes("link:switch:1")[0]
    await chat.say("/points")
    await chat.press_code(yes)
    ar = app.catalogs.translator("ar")
    assert f"({ar._('This button is no longer valid.')})" in chat.transcript
    assert await linked_owner_id(app, 5503) == await owner_id(app, "+971501234567")


async def test_sharing_the_number_of_the_linked_owner_again_asks_nothing(app: App) -> None:
    chat = await linked(Chat(app, user_id=5504, lang="th"), "+66812345678")
    await chat.say("@contact +66812345678")
    assert not chat.codes("link:switch")
    th = app.catalogs.translator("th")
    assert th._(WELCOME, name="สมชาย") in chat.html


async def test_someone_elses_contact_is_still_refused_before_any_question(app: App) -> None:
    chat = await linked(Chat(app, user_id=5505, lang="de"), "+4915112345678")
    await chat.say("@contact +4917612345678 5999")  # a contact card of another person
    assert not chat.codes("link:switch")
    assert await linked_owner_id(app, 5505) == await owner_id(app, "+4915112345678")
