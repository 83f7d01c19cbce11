"""What every care message is rendered with, and the buttons they share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.care import OutboxMessage
from bot.domain.owners import Account, Owner, Vehicle
from bot.domain.reference import Market, Reference
from bot.i18n import Translator
from bot.services.ports import UnitOfWork
from bot.services.queries import vehicles as vehicle_queries
from handlers.codes import button
from handlers.codes.booking import StartBooking
from handlers.codes.menu import MainMenu
from handlers.codes.points import PointsHome
from handlers.types import Button, Screen


@dataclass(frozen=True)
class CareEnv:
    uow: UnitOfWork
    message: OutboxMessage
    owner: Owner
    account: Account
    t: Translator
    market: Market
    reference: Reference
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.owner.timezone or self.market.timezone)

    def payload_id(self, key: str) -> int | None:
        """An id the planner put in the message's payload (None if it is not one)."""
        value = self.message.payload.get(key)
        return value if isinstance(value, int) else None

    async def vehicle(self) -> Vehicle | None:
        """The car the message is about, while it is still the owner's and on record."""
        vehicle_id = self.payload_id("vehicle_id")
        if vehicle_id is None:
            return None
        return await vehicle_queries.registered_vehicle(self.uow, self.owner.id or 0, vehicle_id)

    def model_name(self, vehicle: Vehicle) -> str:
        model = self.reference.models.get(vehicle.model)
        return model.name if model else vehicle.model


# The screens to send, or None when there is nothing to say any more.
Renderer = Callable[[CareEnv], Awaitable[list[Screen] | None]]


def screen(text: str, *rows: list[Button]) -> list[Screen]:
    return [Screen(text=text, buttons=tuple(tuple(row) for row in rows))]


def menu_row(t: Translator) -> list[Button]:
    return [button(t.pgettext("button", "⬅️ Menu"), MainMenu())]


def book_row(t: Translator) -> list[Button]:
    return [button(t.pgettext("button", "🔧 Book service"), StartBooking())]


def points_row(t: Translator) -> list[Button]:
    return [button(t.pgettext("button", "⭐ Points"), PointsHome())]
