"""One odometer typo is not permanent (issue 13, point 3): a surprising reading is
confirmed before it is kept, an owner may correct a reading they gave themselves, and
a dealer's reading stays authoritative. In /book, My car and a valuation, in English
(miles), Thai, Arabic and Spanish."""

from __future__ import annotations

from datetime import date, timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.domain.owners import ReadingSource, Vehicle
from bot.services.service_desk import record_desk_visit
from tests.conftest import NOW, Chat, ChatFactory
from tests.flows.helpers import (
    DEMO_BANGKOK,
    DEMO_DUBAI,
    DEMO_LONDON,
    DEMO_MEXICO,
    linked,
    translator,
)

TODAY = NOW.date()


async def vehicle_of(app: App, phone: str) -> Vehicle:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        [vehicle] = await uow.vehicles.of_owner(owner.id or 0)
        return vehicle


async def update_odometer(chat: Chat, reading: str) -> None:
    await chat.say("/menu")
    await chat.tap("car:list")
    await chat.tap("car:km:")
    await chat.say(reading)


async def test_a_typo_is_confirmed_first_and_the_owner_corrects_it_later_in_my_car(
    chat_factory: ChatFactory, app: App, clock: FixedClock
) -> None:
    en = translator("en", "GB")
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.say("12,3456")  # meant 12,345
    assert chat.text == "123,456 mi — is that right?"
    assert chat.console.button_labels[:2] == ["✅ Yes, that's right", "✏️ Type it again"]
    assert (await vehicle_of(app, DEMO_LONDON)).mileage_km == 11_000, "nothing kept yet"
    await chat.tap("bk:kmok")  # the owner taps yes without looking
    assert en._("Thank you, odometer saved: {distance}.", distance="123,456 mi") in chat.text
    assert chat.codes("bk:svc:"), "the booking goes on"
    await chat.tap("bk:stop")
    clock.advance(timedelta(days=3))
    await update_odometer(chat, "7,000")  # the true reading, lower than the typo
    assert chat.text == (
        "7,000 mi is less than the 123,456 mi you sent on 23 Nov 2026. "
        "Replace your earlier reading?"
    )
    await chat.tap("car:kmok")
    assert "odometer saved: 7,000 mi" in chat.text
    vehicle = await vehicle_of(app, DEMO_LONDON)
    assert (vehicle.mileage_km, vehicle.mileage_source) == (11_265, ReadingSource.OWNER)
    await chat.say("/book")
    assert "Last reading on record: 7,000 mi." in chat.text


async def test_a_thai_owner_types_it_again_instead_of_confirming(
    chat_factory: ChatFactory, app: App
) -> None:
    th = translator("th", "TH")
    chat: Chat = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await chat.say("/book")
    await chat.say("18,900")
    assert th._("Thank you, odometer saved: {distance}.", distance="18,900 กม.") in chat.text
    await chat.tap("bk:stop")
    await update_odometer(chat, "189,000")  # a zero too many, the same day
    assert th._("{distance} — is that right?", distance="189,000 กม.") in chat.text
    await chat.say("พิมพ์ใหม่")  # "type it again", typed
    assert (await vehicle_of(app, DEMO_BANGKOK)).mileage_km == 18_900
    await chat.say("19,000")
    assert th._("Thank you, odometer saved: {distance}.", distance="19,000 กม.") in chat.text
    assert (await vehicle_of(app, DEMO_BANGKOK)).mileage_km == 19_000


async def test_a_dealers_reading_is_never_lowered_by_the_owner_in_arabic(
    chat_factory: ChatFactory, app: App
) -> None:
    ar = translator("ar", "AE")
    chat: Chat = await linked(chat_factory(lang="ar"), DEMO_DUBAI)
    await update_odometer(chat, "20000")  # below the dealer system's 24,100 km
    assert (
        ar._(
            "That is less than the {distance} we have on record. Please check the number.",
            distance=ar.distance(24_100, "km"),
        )
        in chat.text
    )
    vin = (await vehicle_of(app, DEMO_DUBAI)).vin
    assert vin is not None
    async with app.database.uow() as uow:  # the dealer's reading at a visit
        await record_desk_visit(
            uow,
            app.reference,
            vin=vin,
            dealer_code="AE-DXB-01",
            visited_on=date(2026, 11, 20),
            invoice_minor=50_000,
            mileage_km=25_000,
            services=["maintenance"],
            actor="test",
            now=NOW,
        )
        await uow.commit()
    await chat.say("24,500")
    assert (
        ar._(
            "Your dealer recorded {distance} on {date}, and an odometer can't go back. "
            "Please check the number.",
            distance=ar.distance(25_000, "km"),
            date=ar.date(date(2026, 11, 20)),
        )
        in chat.text
    )
    assert (await vehicle_of(app, DEMO_DUBAI)).mileage_km == 25_000
    await chat.say("25,300")
    assert ar._("Thank you, odometer saved: {distance}.", distance=ar.distance(25_300, "km")) in (
        chat.text
    )


async def test_a_spanish_owners_own_typo_is_corrected_only_down_to_the_dealers_floor(
    chat_factory: ChatFactory, app: App
) -> None:
    es = translator("es", "MX")
    chat: Chat = await linked(chat_factory(lang="es"), DEMO_MEXICO)
    await update_odometer(chat, "5200000")  # 5,200,000: more than any car drives
    assert es._("That is more than any car drives. Please check the number.") in chat.text
    await chat.say("1520000")  # far beyond what the car could have driven since delivery
    assert es._("{distance} — is that right?", distance=es.distance(1_520_000, "km")) in chat.text
    await chat.say("sí")  # "✅ Sí, es correcto", typed
    assert (await vehicle_of(app, DEMO_MEXICO)).mileage_km == 1_520_000
    await update_odometer(chat, "50000")  # below the dealer system's 52,000 km
    assert (
        es._(
            "That is less than the {distance} we have on record. Please check the number.",
            distance=es.distance(52_000, "km"),
        )
        in chat.text
    )
    await chat.say("52,400")
    assert chat.codes("car:kmok"), "lower than the owner's own reading: asked first"
    await chat.tap("car:kmok")
    assert (await vehicle_of(app, DEMO_MEXICO)).mileage_km == 52_400


async def test_a_valuation_asks_about_a_surprising_reading_too(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/menu")
    await chat.tap("tv:start")
    await chat.say("1,000,000")
    assert chat.text == "1,000,000 mi — is that right?"
    await chat.tap("tv:kmre")
    await chat.say("7,100")
    assert chat.codes("tv:done"), "on to the photos"
    assert (await vehicle_of(app, DEMO_LONDON)).mileage_km == round(7_100 * 1.609344)
