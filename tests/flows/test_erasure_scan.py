"""After /forget, no table keeps the owner's name, phone, chat id or VIN, except what the
README's privacy section says stays, and why."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Connection

from bot.app import App
from bot.demo.data import DEMO_OWNERS
from bot.demo.seed import demo_user_id
from bot.domain.booking import BookingStatus, VehicleRecall
from bot.domain.clubs import Club
from bot.domain.loyalty import RedemptionStatus
from bot.domain.referrals import Stage
from bot.domain.staff import Role
from bot.domain.stories import ExpertSession
from bot.services import booking as booking_service
from bot.services import expert_qa, referrals, stories
from bot.services.referrals import FriendForm
from handlers.codes.booking_staff import DeskConfirm
from tests.booking_scenarios import RACE_START
from tests.conftest import Chat
from tests.race_scenarios import Party, _a_booking, command, press, told
from tests.services.loyalty_helpers import give, owner_by_phone, redeem, reward
from tests.services.referral_helpers import move
from tests.staff import make_staff

# What the README's privacy section says stays after /forget: a recall keeps its VIN.
STAYS = {("vehicle_recalls", "vin", "vin")}
PHONE = "+66891112233"  # Nattaya Srisuk (demo), Chiang Mai
NATIONAL = "0891112233"


def _cells(connection: Connection) -> Iterator[tuple[str, str, str]]:
    """(table, column, value as text) for every cell of every table in the database."""
    metadata = MetaData()
    metadata.reflect(connection)
    for table in metadata.sorted_tables:
        for row in connection.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                text = (
                    json.dumps(value, ensure_ascii=False)
                    if isinstance(value, dict | list)
                    else str(value)
                )
                yield table.name, str(column), text


async def leaks(app: App, needles: dict[str, str]) -> set[tuple[str, str, str]]:
    """(table, column, what) for every cell holding one of the needles (whole words)."""
    patterns = {
        what: re.compile(rf"(?<![\w+]){re.escape(needle)}(?!\w)", re.IGNORECASE)
        for what, needle in needles.items()
    }

    def scan(connection: Connection) -> set[tuple[str, str, str]]:
        found: set[tuple[str, str, str]] = set()
        for table, column, text in _cells(connection):
            for what, pattern in patterns.items():
                if pattern.search(text):
                    found.add((table, column, what))
        return found

    async with app.database.engine.connect() as connection:
        return await connection.run_sync(scan)


async def test_forget_leaves_no_name_phone_chat_id_or_vin_in_any_table(app: App) -> None:
    index = next(i for i, p in enumerate(DEMO_OWNERS, start=1) if p.phone == PHONE)
    owner = await owner_by_phone(app, PHONE)
    assert owner.id is not None
    async with app.database.uow() as uow:
        [vehicle] = await uow.vehicles.of_owner(owner.id)
        [account] = await uow.accounts.of_owner(owner.id)
    assert vehicle.vin is not None
    me = Chat(app, user_id=demo_user_id(index), lang="en")
    assert me.chat_id == account.chat_id
    needles = {
        "first name": owner.first_name,
        "last name": owner.last_name,
        "phone": PHONE,
        "national phone": NATIONAL,
        "chat id": str(account.chat_id),
        "user id": str(account.user_id),
        "vin": vehicle.vin,
    }
    # Staff write about her: an award with a reason naming her, her phone and her car.
    manager = await make_staff(app, 7901, role=Role.MANAGER, dealer="TH-CNX-01")
    desk = Party(manager.user_id, manager.user_id, "en")
    _, award = command(
        desk,
        "erase-1",
        "award",
        f"{PHONE} 500 Nattaya Srisuk called from {NATIONAL} about {vehicle.vin.lower()}",
    )
    assert told(await app.dispatcher().handle(award), desk.chat_id)[0].startswith("Done: +500")
    # An open voucher, a booking she cancelled in her own words, one the desk confirmed.
    await give(app, owner, 1000, key="erase", at=app.clock.now())
    voucher = (await redeem(app, owner, reward(app, "coffee"), request="erase")).redemption
    mine, _ = await _a_booking(app, owner, 0, RACE_START)
    async with app.database.uow() as uow:
        found = await uow.bookings.get(mine.id or 0)
        assert found is not None
        await booking_service.cancel(
            uow,
            found,
            actor=f"console:{account.user_id}",
            reason=f"Nattaya here, call me on {NATIONAL}",
            now=app.clock.now(),
        )
        await uow.commit()
    other, _ = await _a_booking(app, owner, 1, RACE_START)
    await make_staff(app, 7902, role=Role.ADVISOR, dealer="TH-CNX-01")
    staff_chat = app.reference.dealers["TH-CNX-01"].staff_chat_id
    assert staff_chat is not None
    _, confirm = press(Party(7902, staff_chat, "en"), "erase-2", DeskConfirm(other.id or 0).pack())
    await app.dispatcher().handle(confirm)
    # A friend she recommended, moved on by sales with a note naming her.
    async with app.database.uow() as uow:
        lead = await referrals.submit_friend(
            uow,
            app.reference,
            owner,
            FriendForm("Kanya Friend", "+66899990001", None, "TH-CNX-01", True),
            channel="console",
            actor=f"console:{account.user_id}",
            now=app.clock.now(),
        )
        await uow.commit()
    await move(
        app,
        lead.referral,
        Stage.TEST_DRIVE_DONE,
        at=app.clock.now(),
        actor="console:7903",
        note=f"friend of Nattaya ({NATIONAL})",
    )
    # A safety recall on her car: it stays with the VIN (README: Privacy).
    async with app.database.uow() as uow:
        uow.recalls.add(
            VehicleRecall(
                vin=vehicle.vin,
                campaign_code="ERASE-1",
                title="Brake hose inspection",
                published_on=app.clock.now().date(),
                imported_at=app.clock.now(),
                vehicle_id=vehicle.id,
            )
        )
        await uow.commit()
    # A story and a question to an expert, in her own words (her name and number).
    async with app.database.uow() as uow:
        now = app.clock.now()
        await stories.submit(
            uow,
            owner,
            dealer_code="TH-CNX-01",
            locale="th",
            text=f"Nattaya Srisuk here, call {NATIONAL}",
            photos=["photo-1"],
            now=now,
        )
        club = Club(
            channel="console",
            chat_id=-1002000000777,
            market="TH",
            languages="th",
            linked_by="test",
            linked_at=now,
        )
        uow.clubs.add(club)
        await uow.flush()
        session = ExpertSession(
            club_id=club.id or 0,
            topic="Tyres",
            expert="Dr. Lee",
            held_on=now.date(),
            opened_by="test",
            opened_at=now,
        )
        uow.expert_sessions.add(session)
        await uow.flush()
        await expert_qa.ask(
            uow,
            owner,
            session_id=session.id or 0,
            locale="th",
            text=f"Nattaya asks, {PHONE}",
            now=now,
        )
        await uow.commit()
    assert await leaks(app, needles)  # the scan does see her before she is erased

    await me.say("/forget")
    await me.press("Yes, erase")
    assert "has been erased" in me.text

    left = await leaks(app, needles)
    assert sorted(left) == sorted(STAYS), "\n".join(map(str, sorted(left)))
    async with app.database.uow() as uow:
        kept = await uow.redemptions.get(voucher.id or 0)
        bookings = await uow.bookings.of_owner(owner.id)
    assert kept is not None
    assert kept.status == RedemptionStatus.CANCELLED
    _, present = command(Party(7902, 7902, "en"), "erase-3", "voucher", voucher.code or "")
    assert told(await app.dispatcher().handle(present), 7902) == [
        "This voucher was cancelled by its owner."
    ]
    assert {b.status for b in bookings} == {BookingStatus.CANCELLED}
