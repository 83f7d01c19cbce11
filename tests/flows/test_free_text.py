"""Names and notes with control characters, through whole conversations: what people type
is stored clean, and what was stored before (or came in some other way) can no longer
turn the numbers beside it around on a staff card."""

from __future__ import annotations

from bot.app import App
from bot.domain.staff import Role
from handlers.codes.test_drive import AskTestDrive
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import (
    DEMO_DUBAI,
    DEMO_LONDON,
    book_visit,
    linked,
    register_in_mexico,
    sent_to,
)
from tests.staff import make_staff

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
LONDON_STAFF_CHAT = -1001000000701
DUBAI_STAFF_CHAT = -1001000000201


def overridden(text: str, index: int) -> bool:
    """Whether the character at `index` is under a directional override (LRO or RLO),
    by the explicit rules of the Unicode bidirectional algorithm (UAX #9, X1-X8): an
    override lasts until its PDF, the PDI of an enclosing isolate, or the paragraph's end."""
    stack: list[str] = []
    for ch in text[:index]:
        if ch == "\n":
            stack.clear()
        elif ch in (LRE, RLE, LRO, RLO):
            stack.append(ch)
        elif ch in (LRI, RLI, FSI):
            stack.append(FSI)
        elif ch == PDF and stack and stack[-1] != FSI:
            stack.pop()
        elif ch == PDI and FSI in stack:
            while stack.pop() != FSI:
                pass
    return any(entry in (LRO, RLO) for entry in stack)


def assert_upright(card: str, number: str) -> None:
    start = card.find(number)
    assert start >= 0, f"{number} not on the card: {card!r}"
    assert not any(overridden(card, i) for i in range(start, start + len(number))), (
        f"{number} would be shown reversed: {card!r}"
    )


def test_the_override_check_sees_an_unclosed_override_and_its_isolation() -> None:
    assert overridden(f"Owner: Bob{RLO}, +447911123456", 20)
    assert not overridden(f"Owner: {FSI}Bob{RLO}{PDI}, +447911123456", 20)
    assert not overridden(f"Owner: Bob{RLO}\n+447911123456", 12)


async def _rename(app: App, phone: str, first: str, last: str) -> None:
    """A name stored before the cleaning rule (or written by some other tool)."""
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        owner.first_name, owner.last_name = first, last
        await uow.commit()


async def test_a_name_typed_with_controls_and_overrides_is_stored_without_them(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = chat_factory(user_id=4301, lang="en", name="Bob")
    await register_in_mexico(
        chat, "+525587654322", f"{RLO}Ro\x00berto\x1b {LRI}Gómez", "LAUX7AAA0SC000779"
    )
    assert "Welcome to the Aurora Motors owners' club" in chat.text
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone("+525587654322")
    assert owner is not None
    assert (owner.first_name, owner.last_name) == ("Roberto", "Gómez")


async def test_a_stored_unclosed_override_no_longer_reverses_the_phone_on_the_booking_card(
    chat_factory: ChatFactory, app: App
) -> None:
    await _rename(app, DEMO_LONDON, f"Oliver{RLO}", f"{RLO}Smith")
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    screens = await book_visit(chat, center="GB-LON-01", notes=f"ring me {RLO}first")
    [card] = sent_to(screens, LONDON_STAFF_CHAT)
    assert_upright(card.text, DEMO_LONDON)
    assert "Notes: " + FSI + "ring me first" + PDI in card.text, "typed notes are cleaned"


async def test_a_stored_unclosed_override_no_longer_reverses_numbers_on_the_trade_in_lead(
    chat_factory: ChatFactory, app: App
) -> None:
    await _rename(app, DEMO_LONDON, f"Oliver{RLO}", "Smith")
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/menu")
    await chat.tap("tv:start")
    await chat.say("9,500")
    screens = await chat.tap("tv:done")
    [lead] = sent_to(screens, LONDON_STAFF_CHAT)
    assert_upright(lead.text, DEMO_LONDON)


async def test_a_stored_unclosed_override_no_longer_reverses_numbers_for_staff_commands(
    chat_factory: ChatFactory, app: App
) -> None:
    await _rename(app, DEMO_DUBAI, f"أحمد{RLO}", "المنصوري")
    await make_staff(app, 4302, role=Role.MANAGER, dealer="AE-DXB-01")
    manager: Chat = chat_factory(user_id=4302, lang="en")
    await manager.say("/award 050 123 4567 250 waited two hours")
    assert_upright(manager.html, "New balance: 3,150 points")
    await manager.say("/owner 0501234567")
    assert_upright(manager.html, "Points: 3,150 points")


async def test_a_stored_unclosed_override_no_longer_reverses_the_phones_on_the_lead_card(
    chat_factory: ChatFactory, app: App
) -> None:
    await _rename(app, DEMO_DUBAI, f"أحمد{RLO}", f"المنصوري{RLO}")
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_DUBAI)
    await chat.say("/refer")
    await chat.press("Recommend a friend")
    await chat.say(f"Khalid{RLO} Al Hammadi")
    await chat.say("050 999 0041")
    await chat.press("Not sure yet")
    await chat.press("Sheikh Zayed")
    screens = await chat.press("Yes, they agreed")
    [card] = sent_to(screens, DUBAI_STAFF_CHAT)
    assert_upright(card.text, "+971 50 999 0041")
    assert_upright(card.text, "+971 50 123 4567")
    assert FSI + "Khalid Al Hammadi" + PDI in card.text, "the typed override was removed"


async def test_a_stored_unclosed_override_no_longer_reverses_the_phone_on_a_test_drive_lead(
    chat_factory: ChatFactory, app: App
) -> None:
    berlin = "+4915112345678"  # Lukas
    await _rename(app, berlin, f"Lukas{RLO}", "Becker")
    chat: Chat = await linked(chat_factory(lang="en"), berlin)
    await chat.press_code(AskTestDrive())
    screens = await chat.press("Aurora E3")
    [lead] = sent_to(screens, app.reference.dealers["DE-BER-01"].staff_chat_id or 0)
    assert_upright(lead.text, berlin)
