"""Staff scope: only brand-wide roles (an admin, a manager of a whole market) may lack a
dealer; `ownerbot staff add` refuses the others, and the bot refuses out-of-scope acts."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.cli import cli
from bot.domain.booking import Booking, BookingStatus
from bot.domain.staff import Role, StaffMember
from handlers.codes.booking_staff import DeskConfirm
from tests.booking_scenarios import RACE_CENTER, RACE_START, make_owners
from tests.race_scenarios import Party, _a_booking, command, press, told


def staff_rows(db: Path) -> list[tuple[str, int, str, str | None, str | None]]:
    with closing(sqlite3.connect(db)) as connection:
        return list(
            connection.execute(
                "SELECT channel, user_id, role, dealer_code, market FROM staff ORDER BY id"
            )
        )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--role", "advisor"],
            "refused: advisors, sales staff and moderators work at one dealer: add --dealer",
        ),
        (
            ["--role", "manager"],
            "refused: a manager needs --dealer, or --market for a whole market",
        ),
        (
            ["--role", "sales", "--market", "TH"],
            "refused: only managers take --market; others take --dealer",
        ),
        (
            ["--role", "manager", "--market", "TH", "--dealer", "TH-BKK-01"],
            "refused: give --dealer or --market, not both",
        ),
    ],
)
def test_staff_add_refuses_a_role_without_the_scope_it_needs(
    db: Path, args: list[str], line: str
) -> None:
    before = staff_rows(db)
    result = CliRunner().invoke(cli, ["staff", "add", "--user", "5151", "--name", "Pat", *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == line
    assert "Traceback" not in result.output
    assert staff_rows(db) == before


def test_staff_add_takes_a_manager_of_a_whole_market(db: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["staff", "add", "--user", "5152", "--name", "Pat", "--role", "manager", "--market", "TH"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Pat (telegram:5152) is now manager at every dealer in TH"
    assert staff_rows(db)[-1] == ("telegram", 5152, "manager", None, "TH")


async def _member(app: App, user: int, role: Role, market: str | None = None) -> Party:
    """A staff row as `staff add` used to accept it: no dealer."""
    async with app.database.uow() as uow:
        uow.staff.add(
            StaffMember(
                channel="console",
                user_id=user,
                role=role,
                name=f"Staff {user}",
                added_at=app.clock.now(),
                market=market,
            )
        )
        await uow.commit()
    staff_chat = app.reference.dealers[RACE_CENTER].staff_chat_id
    assert staff_chat is not None
    return Party(user, staff_chat, "en")


async def _status(app: App, booking: Booking) -> BookingStatus:
    async with app.database.uow() as uow:
        found = await uow.bookings.get(booking.id or 0)
    assert found is not None
    return found.status


async def test_an_advisor_without_a_dealer_confirms_nothing_and_looks_up_no_one(
    app: App,
) -> None:
    [owner_id] = await make_owners(app, 1, first=900)
    async with app.database.uow() as uow:
        owner = await uow.owners.get(owner_id)
    assert owner is not None
    booking, _ = await _a_booking(app, owner, 0, RACE_START)
    advisor = await _member(app, 5153, Role.ADVISOR)
    dispatcher = app.dispatcher()
    _, tap = press(advisor, "scope-1", DeskConfirm(booking.id or 0).pack())
    screens = await dispatcher.handle(tap)
    assert told(screens, advisor.chat_id) == [
        advisor.t._("Sorry, only the service advisors of this center can do that.")
    ]
    assert await _status(app, booking) == BookingStatus.REQUESTED
    _, lookup = command(advisor, "scope-2", "owner", "+66891112233")
    assert told(await dispatcher.handle(lookup), advisor.chat_id) == [
        advisor.t._("This command is for dealer staff.")
    ]


async def test_a_market_manager_acts_in_their_market_only(app: App) -> None:
    [owner_id] = await make_owners(app, 1, first=901)
    async with app.database.uow() as uow:
        owner = await uow.owners.get(owner_id)
    assert owner is not None
    booking, _ = await _a_booking(app, owner, 0, RACE_START)
    elsewhere = await _member(app, 5154, Role.MANAGER, market="GB")
    here = await _member(app, 5155, Role.MANAGER, market="TH")
    dispatcher = app.dispatcher()
    _, from_london = press(elsewhere, "scope-3", DeskConfirm(booking.id or 0).pack())
    assert told(await dispatcher.handle(from_london), elsewhere.chat_id) == [
        elsewhere.t._("Sorry, only the service advisors of this center can do that.")
    ]
    assert await _status(app, booking) == BookingStatus.REQUESTED
    _, from_thailand = press(here, "scope-4", DeskConfirm(booking.id or 0).pack())
    await dispatcher.handle(from_thailand)
    assert await _status(app, booking) == BookingStatus.CONFIRMED
