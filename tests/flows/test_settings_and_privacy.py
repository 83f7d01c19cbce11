"""Settings, consent changes, /stop, /mydata and /forget."""

from __future__ import annotations

import json

from bot.app import App
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_BANGKOK, linked

DEMO_LONDON = "+447400123456"  # Emma in Manchester: links in the test, miles


async def owner(app: App, phone: str):  # type: ignore[no-untyped-def]
    async with app.database.uow() as uow:
        return await uow.owners.by_phone(phone)


async def test_consent_answers_are_recorded_with_wording_version(
    chat_factory: ChatFactory, app: App
) -> None:
    await linked(chat_factory(lang="en"), DEMO_LONDON, service=True, marketing=False)
    emma = await owner(app, DEMO_LONDON)
    assert (emma.consent_service, emma.consent_marketing) == (True, False)
    async with app.database.uow() as uow:
        records = await uow.consents.of_owner(emma.id)
    assert [(r.category, r.granted) for r in records] == [("service", True), ("marketing", False)]
    assert all(r.wording_version and r.channel == "console" for r in records)


async def test_a_consent_answer_for_a_category_we_never_ask_about_changes_nothing(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON, service=True, marketing=False)
    screens = await chat.press_code("cs:ans:spam:1")
    assert [s.toast for s in screens] == ["This button is no longer valid."]
    await chat.press_code("cs:ans:marketing:yes")
    emma = await owner(app, DEMO_LONDON)
    assert (emma.consent_service, emma.consent_marketing) == (True, False)
    await chat.press_code("cs:ans:marketing:1")
    emma = await owner(app, DEMO_LONDON)
    assert emma.consent_marketing is True


async def test_stop_turns_marketing_off_and_keeps_service(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/stop")
    assert "no more news and offers" in chat.text
    oliver = await owner(app, DEMO_LONDON)
    assert (oliver.consent_service, oliver.consent_marketing) == (True, False)
    await chat.press("Stop service messages too")
    oliver = await owner(app, DEMO_LONDON)
    assert oliver.consent_service is False


async def test_settings_change_language_notifications_and_quiet_hours(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/settings")
    assert "Service messages: on" in chat.text
    await chat.press("Quiet hours")
    await chat.press("10:00")
    oliver = await owner(app, DEMO_LONDON)
    assert (oliver.send_from_hour, oliver.send_until_hour) == (10, 18)
    await chat.press("Notifications")
    await chat.press("News and offers")
    oliver = await owner(app, DEMO_LONDON)
    assert oliver.consent_marketing is False
    await chat.say("/language")
    await chat.press("Deutsch")
    oliver = await owner(app, DEMO_LONDON)
    assert oliver.locale == "de"


async def test_mydata_sends_a_json_file_with_everything_we_hold(chat_factory: ChatFactory) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_BANGKOK)
    screens = await chat.say("/mydata")
    attachment = screens[0].attachment
    assert attachment is not None
    data = json.loads(attachment.data)
    assert data["owner"]["phone"] == DEMO_BANGKOK
    assert data["vehicles"][0]["model"] == "X7"
    assert {c["category"] for c in data["consents"]} == {"service", "marketing"}
    assert data["points_ledger"], "every point earned and spent"
    assert {"paid_service"} <= {e["rule"] for e in data["points_ledger"]}
    for part in ("rewards_redeemed", "survey_answers", "messages_from_us", "service_visits"):
        assert isinstance(data[part], list), part


async def test_forget_erases_personal_data_after_confirmation(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_BANGKOK)
    before = await owner(app, DEMO_BANGKOK)
    await chat.say("/forget")
    await chat.press("No, keep it")
    assert "Nothing was erased" in chat.text
    await chat.say("/forget")
    await chat.press("Yes, erase")
    assert "has been erased" in chat.text
    assert await owner(app, DEMO_BANGKOK) is None
    async with app.database.uow() as uow:
        erased = await uow.owners.get(before.id)
        assert erased is not None
        assert erased.erased_at is not None
        assert (erased.first_name, erased.phone, erased.birthday) == ("", None, None)
        assert all(v.vin is None for v in await uow.vehicles.of_owner(before.id))
    await chat.say("/menu")
    assert "share your phone number" in chat.text


async def test_a_second_tap_on_erase_is_harmless(chat_factory: ChatFactory) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_BANGKOK)
    await chat.say("/forget")
    erase_button = chat.console.button_labels.index("Yes, erase my data") + 1
    await chat.say(f"#{erase_button}")
    await chat.say(f"#{erase_button}")
    assert "Something went wrong" not in chat.transcript


async def test_odometer_updates_refuse_going_backwards(chat_factory: ChatFactory, app: App) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/menu")
    await chat.press("My car")
    assert " mi" in chat.text
    await chat.press("Update odometer")
    await chat.say("100")
    assert "less than" in chat.text
    await chat.say("20,000 miles")
    assert "odometer saved: 20,000 mi" in chat.text


async def test_a_forged_vehicle_id_in_a_button_is_refused(chat_factory: ChatFactory) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.press_code("car:km:1")  # vehicle 1 belongs to someone else
    assert "not available to you" in chat.text
