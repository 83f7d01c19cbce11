"""Whole conversations through the console channel: greeting, linking, registration."""

from __future__ import annotations

from bot.app import App
from bot.config import PROJECT_ROOT
from bot.i18n import Catalogs
from tests.conftest import Chat, ChatFactory

DEMO_BANGKOK = "+66812345678"  # สมชาย, Thai on file, an Aurora X7


async def test_start_greets_in_english_and_asks_for_the_phone(chat_factory: ChatFactory) -> None:
    chat: Chat = chat_factory(lang="en")
    screens = await chat.say("/start")
    assert "owners' assistant" in chat.text
    kinds = [[button.kind for button in row] for row in screens[-1].keyboard]
    assert kinds == [["contact"], ["text"]], "the phone request needs the contact button"


async def test_sharing_own_phone_links_the_demo_owner_and_asks_consent(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = chat_factory(lang="en")
    await chat.say("/start")
    await chat.say("/language")
    await chat.press("English")
    await chat.say(f"@contact {DEMO_BANGKOK}")
    assert "Aurora X7" in chat.text
    assert "service messages" in chat.text
    await chat.press("Yes")
    assert "news, offers" in chat.text
    await chat.press("No")
    assert "all set" in chat.text
    assert "What would you like to do?" in chat.text


async def test_someone_elses_contact_is_refused(chat_factory: ChatFactory) -> None:
    chat: Chat = chat_factory(user_id=777, lang="en")
    await chat.say("/start")
    await chat.say(f"@contact {DEMO_BANGKOK} 999")
    assert "someone else's contact" in chat.text
    await chat.say("/menu")
    assert "share your phone number" in chat.text


async def test_a_typed_phone_number_is_not_trusted(chat_factory: ChatFactory) -> None:
    chat: Chat = chat_factory(lang="en")
    await chat.say("/start")
    await chat.say(DEMO_BANGKOK)
    assert "can't take a typed number" in chat.text


async def test_unknown_phone_registers_a_new_owner_with_a_checked_vin(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = chat_factory(user_id=4242, lang="en", name="Carlos")
    await chat.say("/start")
    await chat.say("@contact +525587654321")
    assert "couldn't find a car" in chat.text
    assert chat.console.button_labels[0] == "Mexico", "the phone's country comes first"
    await chat.say("Atlantis")  # no country on offer: asked again, nothing lost
    assert "In which country" in chat.text
    assert chat.console.button_labels[0] == "Mexico"
    await chat.say("mexico")  # typed instead of tapped: taken as the button
    assert "What is your name?" in chat.text
    await chat.press("Carlos")
    assert "VIN" in chat.text
    await chat.say("LAUX7AAA0SC00001")  # 16 characters
    assert "you sent 16 characters" in chat.text
    await chat.say("LAUX7AAAOSC000001")  # an O
    assert "I, O or Q" in chat.text
    await chat.say("LAUX7AAA5SC000777")  # wrong check digit: Mexico enforces it
    assert "doesn't add up" in chat.text
    from bot.domain.vin import with_check_digit

    # A descriptor code no model has: the VIN doesn't tell the model, so it is asked.
    await chat.say(with_check_digit("LAUZZAAA0SC000777"))
    await chat.say("Zephyr")  # no model of ours: asked again
    assert "Which model is it?" in chat.text
    await chat.say("X7")  # typed instead of tapped: taken as the button
    assert "When did you get the car?" in chat.text
    await chat.say("31/02/2025")
    assert "couldn't read" in chat.text
    await chat.say("2025-02-14")
    assert "Welcome to the Aurora Motors owners' club" in chat.text
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone("+525587654321")
        assert owner is not None
        assert (owner.first_name, owner.market) == ("Carlos", "MX")


async def test_thai_client_is_greeted_in_thai(chat_factory: ChatFactory) -> None:
    chat: Chat = chat_factory(lang="th")
    await chat.say("/start")
    thai = Catalogs(PROJECT_ROOT / "locales").translator("th")
    english = Catalogs(PROJECT_ROOT / "locales").translator("en")
    msg = (
        "To find your car and your membership, please share your phone number "
        "with the button below. We use it only to recognise you."
    )
    assert thai._(msg) != english._(msg), "the Thai catalog must translate this"
    assert thai._(msg) in chat.text


async def test_a_visitor_in_a_language_we_do_not_ship_is_greeted_in_english_not_thai(
    chat_factory: ChatFactory,
) -> None:
    """Not linked to a market yet, a Finnish (or Traditional Chinese) client gets English,
    not the default market's Thai; a shipped language is answered in it."""
    for user_id, lang in [(6101, "fi-FI"), (6102, "zh-TW")]:
        chat: Chat = chat_factory(user_id=user_id, lang=lang)
        await chat.say("/start")
        assert "owners' assistant" in chat.text, lang
    thai: Chat = chat_factory(user_id=6103, lang="th")
    await thai.say("/start")
    assert "ผู้ช่วยสำหรับเจ้าของรถ" in thai.text
