"""A fleet owner with 150 cars on Telegram: every screen fits Telegram's limits (the
fake server refuses more than 4,096 characters or 100 buttons, as Telegram does). Cars
come a page at a time with Back and Next, and typing part of a VIN finds a car on any
page."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.domain.owners import Vehicle
from bot.domain.vin import with_check_digit
from handlers.codes.booking import ChooseVehicle, VehiclePage
from handlers.codes.menu import MyCars, MyCarsPage
from tests.builders import a_vehicle
from tests.e2e.conftest import Person, RunningBot, markup_of
from tests.fakes.bot_api import Call, FakeBotAPI, TgUser
from tests.flows.helpers import DEMO_LONDON

FLEET = 150


@pytest.fixture
async def fleet(app: App) -> list[Vehicle]:
    """Oliver (London) owns 150 cars: his E3 and 149 more."""
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_LONDON)
        assert owner is not None
        assert owner.id is not None
        prefix = app.reference.vin_prefixes[0]
        for n in range(FLEET - 1):
            vin = with_check_digit(f"{prefix}E3AAA0FL{n:06d}")  # a fleet's own serials
            await a_vehicle(uow, owner, model="E3", vin=vin, dealer="GB-LON-01")
        await uow.commit()
        vehicles = list(await uow.vehicles.of_owner(owner.id))
    assert len(vehicles) == FLEET
    return vehicles


def buttons(call: Call) -> list[str]:
    return [
        str(b.get("callback_data", ""))
        for row in markup_of(call).get("inline_keyboard", [])
        for b in row
    ]


def vehicle_ids(call: Call) -> list[int]:
    return [
        ChooseVehicle.unpack(code).vehicle for code in buttons(call) if code.startswith("bk:veh:")
    ]


async def test_a_fleet_owner_picks_a_car_from_pages_or_by_part_of_its_vin(
    api: FakeBotAPI, bot: RunningBot, fleet: list[Vehicle]
) -> None:
    oliver = Person(api, TgUser(5201, "Oliver", "en"))
    await oliver.command("start")
    await oliver.share_contact(DEMO_LONDON)
    [first] = await oliver.command("book")
    assert first.params["text"].startswith("Which car needs a service?")
    assert "Cars 1–8 of 150. Type part of a VIN to find a car." in first.params["text"]
    by_id = sorted(v.id or 0 for v in fleet)
    assert vehicle_ids(first) == by_id[:8]
    assert VehiclePage(1).pack() in buttons(first)
    [second] = await oliver.tap(VehiclePage)
    assert second.method == "editMessageText"
    assert vehicle_ids(second) == by_id[8:16]
    assert {VehiclePage(0).pack(), VehiclePage(2).pack()} <= set(buttons(second))
    wanted = next(v for v in fleet if v.id == by_id[120])
    assert wanted.vin is not None
    [asked] = await oliver.say(wanted.vin[-7:].lower())  # part of the VIN, any case
    assert asked.params["text"].startswith("What does the odometer show now?")
    assert all(c.ok for c in api.calls if c.method != "getUpdates")


async def test_a_fleet_owners_car_list_fits_telegram_page_by_page(
    api: FakeBotAPI, bot: RunningBot, fleet: list[Vehicle]
) -> None:
    oliver = Person(api, TgUser(5202, "Oliver", "en"))
    await oliver.command("start")
    await oliver.share_contact(DEMO_LONDON)
    await oliver.command("menu")
    [cars] = await oliver.tap(MyCars)
    assert cars.params["text"].count("🚗") == 8
    assert len(buttons(cars)) == 8 * 2 + 1 + 1  # two a car, Next, the menu
    assert "Cars 1–8 of 150." in cars.params["text"]
    [cars] = await oliver.press(MyCarsPage(1).pack())
    assert "Cars 9–16 of 150." in cars.params["text"]
    [cars] = await oliver.press(MyCarsPage(2).pack())
    assert "Cars 17–24 of 150." in cars.params["text"]
    refused = [c for c in api.calls if c.method != "getUpdates" and not c.ok]
    assert refused == []
