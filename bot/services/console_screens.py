"""The console's memory of each chat's last screen with buttons, kept in the database
so `#N` works from a new console process: `echo /book | ownerbot console` and then
`echo '#1' | ownerbot console` carry one conversation across two runs."""

from __future__ import annotations

from bot.clock import Clock
from bot.services.ports import ShownButtons, UnitOfWorkFactory


class ScreenMemory:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    async def last(self, chat_id: int) -> ShownButtons | None:
        async with self.uow_factory() as uow:
            return await uow.console_screens.last(chat_id)

    async def remember(self, chat_id: int, shown: ShownButtons) -> None:
        async with self.uow_factory() as uow:
            await uow.console_screens.remember(chat_id, shown, self.clock.now())
            await uow.commit()
