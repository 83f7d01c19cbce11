"""Typed answers mid-flow (issue 13, point 1): a typed answer naming one of the offered
choices is taken as that choice, in the owner's language (Thai, Spanish, Arabic); any
other text gets a hint and the same step with its buttons; an unfinished draft waits a
day and the menu offers to continue it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.domain.phone import example_phone
from bot.domain.vin import with_check_digit
from bot.i18n import Translator
from handlers.booking_texts import when
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import (
    DEMO_BANGKOK,
    DEMO_DUBAI,
    DEMO_MEXICO,
    bookings_of,
    linked,
    translator,
)


def hint(translator: Translator) -> str:
    return translator._("Please choose one of the options below: tap it, or type its name.")


def selected(chat: Chat) -> list[str]:
    """The services ticked on the services step (their codes)."""
    return [
        code.removeprefix("bk:svc:")
        for code, label in zip(chat.console.button_codes, chat.console.button_labels, strict=True)
        if code.startswith("bk:svc:") and label.startswith("✅")
    ]


async def test_a_thai_owner_books_by_typing_the_service_the_center_and_tomorrow_at_ten(
    chat_factory: ChatFactory, app: App
) -> None:
    th = translator("th", "TH")
    chat: Chat = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await chat.say("/book")
    await chat.say("ข้าม")  # "skip", typed
    assert chat.codes("bk:svc:")
    assert selected(chat) == ["recall"], "the open recall comes chosen"
    await chat.say("อยากเปลี่ยนน้ำมันเครื่อง")  # "I want an engine oil change"
    assert selected(chat) == ["maintenance", "recall"]
    await chat.say("ไม่รู้สิ")  # "dunno": the same step, with a hint, nothing lost
    assert chat.text.startswith(hint(th))
    assert selected(chat) == ["maintenance", "recall"]
    await chat.say("อยากเปลี่ยนน้ำมันเครื่อง")  # named again: stays chosen
    assert selected(chat) == ["maintenance", "recall"]
    await chat.say("ดำเนินการต่อ")  # "continue"
    assert chat.codes("bk:ctr:")
    await chat.say("bangkok")
    assert chat.codes("bk:day:")
    await chat.say("พรุ่งนี้ 10 โมง")  # "tomorrow at ten"
    assert chat.codes("bk:tr:"), "the time is taken: how will the owner get on with their day"
    await chat.say("รอที่ศูนย์")  # "wait at the center"
    await chat.say("ข้าม")  # no notes
    assert chat.codes("bk:ok:")
    await chat.tap("bk:ok:")
    [booking] = await bookings_of(app, DEMO_BANGKOK)
    assert booking.starts_at == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
    assert booking.services == ["maintenance", "recall"]
    assert booking.transport == "wait"


async def test_a_time_that_is_not_free_offers_the_nearest_free_ones_in_arabic(
    chat_factory: ChatFactory, app: App
) -> None:
    ar = translator("ar", "AE")
    chat: Chat = await linked(chat_factory(lang="ar"), DEMO_DUBAI)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.say("الفحص السنوي")  # "annual inspection"
    await chat.say("متابعة")  # "continue"
    await chat.say("دبي")  # Dubai, as the city is written in Arabic: no center is named so
    assert chat.text.startswith(hint(ar))
    assert chat.codes("bk:ctr:")
    await chat.say("Dubai")
    await chat.say("بكرة الساعة ١٠")  # "tomorrow at 10", Arabic-Indic digits
    dubai = app.reference.dealers["AE-DXB-01"]
    ten = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 10:00 in Dubai
    assert ar._("{when} is not free.", when=when(ar, ten, dubai)) in chat.text
    # Dubai's times are on the half hour: the nearest free ones are offered
    assert "bk:tm:202611240630" in chat.codes("bk:tm:")  # 10:30
    await chat.say("١٠:٣٠")
    assert chat.codes("bk:tr:")


async def test_a_spanish_owner_types_a_date_in_mexicos_order_and_then_the_time(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="es"), DEMO_MEXICO)
    await chat.say("/book")
    await chat.say("omitir")
    await chat.say("revisión anual")
    await chat.say("continuar")
    await chat.say("monterrey")
    await chat.say("14/12")  # day first in Mexico: 14 December
    assert all(code.startswith("bk:tm:20261214") for code in chat.codes("bk:tm:"))
    await chat.say("10")  # the day's times are on screen: ten o'clock
    await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    await chat.tap("bk:ok:")
    [booking] = await bookings_of(app, DEMO_MEXICO)
    assert booking.starts_at == datetime(2026, 12, 14, 16, 0, tzinfo=UTC)  # 10:00 in Monterrey


async def test_a_spanish_owner_recommends_a_friend_typing_every_choice(
    chat_factory: ChatFactory,
) -> None:
    es = translator("es", "MX")
    chat: Chat = await linked(chat_factory(lang="es"), DEMO_MEXICO)
    await chat.say("/refer")
    await chat.tap("ref:new")
    await chat.say("Ana López")
    await chat.say(example_phone("MX"))
    assert chat.codes("ref:model:")
    await chat.say("quizás")  # "maybe": the same question, with a hint
    assert chat.text.startswith(hint(es))
    assert chat.codes("ref:model:")
    await chat.say("el x7")
    assert chat.codes("ref:dealer:")
    await chat.say("monterrey")
    assert "Aurora Valle Oriente Monterrey" in chat.text
    assert chat.codes("ref:yes")
    await chat.say("sí")  # "✅ Sí, aceptó"
    assert (
        es._(
            "Thank you! {dealer} will contact {name} soon. I'll tell you how it goes.",
            dealer="Aurora Valle Oriente Monterrey",
            name="Ana",
        )
        in chat.text
    )


async def test_an_arabic_newcomer_registers_typing_the_country_the_model_and_no_date(
    chat_factory: ChatFactory, app: App
) -> None:
    ar = translator("ar", "AE")
    chat: Chat = chat_factory(user_id=7001, lang="ar", name="Salem")
    await chat.say("/start")
    await chat.say("@contact +971551234567")
    assert chat.codes("reg:market:")
    await chat.say("أطلانتس")  # Atlantis: no country on offer
    assert chat.text.startswith(hint(ar))
    await chat.say("الإمارات")  # the start of "الإمارات العربية المتحدة"
    assert ar._("What is your name? Please write your first and last name.") in chat.text
    await chat.say("سالم الحربي")
    await chat.say(with_check_digit("LAUZZAAA0SC000777"))  # the VIN names no model
    assert chat.codes("reg:model:")
    await chat.say("إكس")  # not a model
    assert chat.text.startswith(hint(ar))
    await chat.say("x7")
    assert chat.codes("reg:nodate")
    await chat.say("لا اتذكر")  # "I don't remember", typed without its marks
    assert ar._("Done! Welcome to the {brand} owners' club.", brand="Aurora Motors") in chat.text
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone("+971551234567")
        assert owner is not None
        assert (owner.first_name, owner.market) == ("سالم", "AE")
        [vehicle] = await uow.vehicles.of_owner(owner.id or 0)
        assert (vehicle.model, vehicle.delivery_date) == ("X7", None)


async def test_an_unfinished_booking_waits_a_day_and_the_menu_offers_to_continue_it(
    chat_factory: ChatFactory, clock: FixedClock
) -> None:
    th = translator("th", "TH")
    chat: Chat = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svc:brakes")
    await chat.say("/menu")
    assert chat.console.button_labels[0] == th.pgettext("button", "↩️ Continue your booking")
    assert chat.codes("draft:") == ["draft:resume", "draft:drop:"]
    clock.advance(timedelta(hours=23))
    await chat.say("/start")
    await chat.tap("draft:resume")
    assert selected(chat) == ["recall", "brakes"], "the services step again, as it was left"
    clock.advance(timedelta(hours=24, minutes=1))
    await chat.say("/menu")
    assert not chat.codes("draft:"), "a day after its last answer, the draft is put away"
    await chat.say("เบรก")
    assert th._("Sorry, I didn't catch that. Here is what I can do:") in chat.text


async def test_a_draft_put_away_from_the_menu_is_gone(chat_factory: ChatFactory) -> None:
    chat: Chat = await linked(chat_factory(lang="es"), DEMO_MEXICO)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.say("/menu")
    await chat.tap("draft:drop")
    assert not chat.codes("draft:")
    assert chat.codes("bk:start")
    await chat.press_code("bk:svok")
    es = translator("es", "MX")
    assert es._("This button is no longer valid.") in chat.transcript.splitlines()[-1]
