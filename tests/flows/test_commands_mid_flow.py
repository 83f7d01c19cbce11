"""A language change or another command in the middle of a flow (issue 13, point 2): the
language changes and the current step is shown again in it; other commands ask whether
to leave the flow. In Thai, Spanish and Arabic."""

from __future__ import annotations

from bot.domain.phone import example_phone
from bot.domain.vin import with_check_digit
from bot.i18n import Translator
from handlers.codes.settings import LanguageSettings
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, DEMO_MEXICO, linked, translator


def phone_question(t: Translator, name: str, market: str) -> str:
    return t._(
        "What is {name}'s mobile number? For example {example} ({country}). "
        "You can also share their contact.",
        name=name,
        example=example_phone(market),
        country=t.country(market),
    )


async def test_a_thai_owner_switches_to_spanish_mid_booking_and_keeps_the_chosen_services(
    chat_factory: ChatFactory,
) -> None:
    es = translator("es", "TH")
    chat: Chat = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svc:brakes")
    await chat.say("/language")
    await chat.tap("lang:set:es")
    assert es._("Language: {language}", language="Español") in chat.text
    assert (
        es._("<b>Which services do you need?</b> Tap to choose, then Continue.")
        .replace("<b>", "")
        .replace("</b>", "")
        in chat.text
    )
    labels = dict(zip(chat.console.button_codes, chat.console.button_labels, strict=True))
    assert labels["bk:svc:brakes"] == "✅ " + es.pgettext("service", "Brake check")
    await chat.say("continuar")  # the step answers in the new language
    assert chat.codes("bk:ctr:")
    await chat.tap("bk:ctr:TH-BKK-01")
    await chat.tap("bk:day:")
    await chat.tap("bk:tm:")
    await chat.say("/language")
    await chat.tap("lang:set:th")
    assert [screen.edit for screen in chat.screens] == [True, False], (
        "the picker becomes 'Language: ไทย'; the step comes below it"
    )
    assert chat.codes("bk:tr:")


async def test_the_settings_language_button_mid_recommendation_shows_the_step_again(
    chat_factory: ChatFactory,
) -> None:
    en = translator("en", "AE")
    chat: Chat = await linked(chat_factory(lang="ar"), DEMO_DUBAI)
    await chat.say("/refer")
    await chat.tap("ref:new")
    await chat.say("سارة أحمد")
    await chat.press_code(LanguageSettings())  # from an earlier settings message
    await chat.tap("lang:set:en")
    assert phone_question(en, "سارة", "AE") in chat.html
    await chat.say("055 987 6543")  # the phone is taken, not "didn't catch that"
    assert chat.codes("ref:model:")


async def test_a_spanish_newcomer_changes_language_mid_registration_and_goes_on(
    chat_factory: ChatFactory,
) -> None:
    ar = translator("ar", "MX")
    chat: Chat = chat_factory(user_id=7002, lang="es", name="Carlos")
    await chat.say("/start")
    await chat.say("@contact +525587654321")
    await chat.say("méxico")
    await chat.say("Carlos Pérez")
    await chat.say(with_check_digit("LAUZZAAA0SC000778"))  # the VIN names no model
    assert chat.codes("reg:model:")
    await chat.say("/language")
    await chat.tap("lang:set:ar")
    assert ar._("Which model is it?") in chat.text
    assert chat.codes("reg:model:")
    await chat.say("X7")
    assert chat.codes("reg:nodate")


async def test_another_command_mid_booking_asks_to_continue_or_discard(
    chat_factory: ChatFactory,
) -> None:
    th = translator("th", "TH")
    chat: Chat = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svc:brakes")
    await chat.say("/points")
    assert (
        th._("You haven't finished this yet. Continue where you left off, or discard it and go on?")
        in chat.text
    )
    assert chat.console.button_labels == [
        th.pgettext("button", "↩️ Continue your booking"),
        th.pgettext("button", "🗑 Discard and go on"),
    ]
    await chat.tap("draft:resume")
    assert chat.codes("bk:svc:"), "the services step again"
    await chat.say("/points")
    await chat.tap("draft:drop:points")
    assert chat.codes("pts:"), "then the points, as asked"
    await chat.say("เบรก")
    assert th._("Sorry, I didn't catch that. Here is what I can do:") in chat.text


async def test_help_mid_recommendation_keeps_it_and_start_shows_the_menu_with_it(
    chat_factory: ChatFactory,
) -> None:
    es = translator("es", "MX")
    chat: Chat = await linked(chat_factory(lang="es"), DEMO_MEXICO)
    await chat.say("/refer")
    await chat.tap("ref:new")
    await chat.say("/help")
    assert chat.codes("help:") or "/book" in chat.text
    await chat.say("Ana López")  # the name, still awaited after /help
    assert chat.codes("ref:stop")
    await chat.say("/start")
    assert chat.console.button_labels[0] == es.pgettext("button", "↩️ Continue your recommendation")
    await chat.tap("draft:resume")
    assert phone_question(es, "Ana", "MX") in chat.html


async def test_start_mid_registration_asks_before_starting_again_in_arabic(
    chat_factory: ChatFactory,
) -> None:
    ar = translator("ar", "AE")
    chat: Chat = chat_factory(user_id=7003, lang="ar", name="Salem")
    await chat.say("/start")
    await chat.say("@contact +971551234568")
    await chat.say("الإمارات")
    await chat.say("/start")
    assert chat.console.button_labels[0] == ar.pgettext("button", "↩️ Continue registration")
    await chat.tap("draft:resume")
    assert ar._("What is your name? Please write your first and last name.") in chat.text
    await chat.say("/points")  # for owners only: registering comes first, and is kept
    await chat.tap("draft:drop:points")
    assert ar._("First, let's find your car.") in chat.text
