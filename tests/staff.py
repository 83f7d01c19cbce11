"""Put someone on a dealer's staff, through the service, on a database."""

from __future__ import annotations

from datetime import datetime

from bot.app import App
from bot.domain.staff import Role, StaffMember
from bot.services.staff import add_staff


async def make_staff(
    app: App,
    user_id: int,
    *,
    role: Role = Role.ADVISOR,
    dealer: str | None = "GB-LON-01",
    channel: str = "console",
    at: datetime | None = None,
) -> StaffMember:
    """A chat user (the console's by default) on staff as "Advisor 7100", "Sales 902",
    ... (the name staff cards show)."""
    async with app.database.uow() as uow:
        member = await add_staff(
            uow,
            channel=channel,
            user_id=user_id,
            role=role,
            name=f"{role.value.title()} {user_id}",
            dealer_code=dealer,
            actor="test",
            now=at or app.clock.now(),
        )
        await uow.commit()
    return member
