"""Announcements on PostgreSQL: the owner audience query (tiers, models, life-cycle
segments) runs there as on SQLite, and two group posters racing for the same copies
(SKIP LOCKED, fenced leases) post each exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

from bot.app import App
from bot.domain.announcements import Announcement, Audience, ClubAudience, OwnerAudience
from bot.domain.clubs import Club
from bot.scheduler.announcements import AnnouncementPoster, Posted
from bot.scheduler.delivery import Delivery, Outcome, Transports
from bot.services import announcements
from handlers.types import Screen
from tests.conftest import NOW
from tests.fakes.transport import NoLimits


class SlowPoster:
    """A group poster that takes its time, so both posters are in flight at once."""

    channel = "console"

    def __init__(self) -> None:
        self.posted: Counter[int] = Counter()

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        return Delivery(Outcome.SENT)

    async def post(self, chat_id: int, screen: Screen, pin: bool) -> Posted:
        await asyncio.sleep(0.01)
        self.posted[chat_id] += 1
        return Posted(Delivery(Outcome.SENT), self.posted[chat_id], pinned=pin)

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> Delivery:
        return Delivery(Outcome.SENT)


def _announcement(audience: Audience) -> Announcement:
    return Announcement(
        texts={"ar": "مرحبًا", "en": "Hello", "th": "สวัสดี", "pt_BR": "Olá", "es": "Hola"},
        audience=audience.to_json(),
        buttons=[],
        created_by="test",
        created_at=NOW,
    )


async def test_the_owner_audience_query_runs_on_postgres(pg_app: App) -> None:
    spec = OwnerAudience(
        markets=("AE", "TH", "BR", "MX"),
        tiers=("explorer", "companion", "co_creator"),
        segments=("new", "active", "at_risk", "dormant", "lost"),
    )
    async with pg_app.database.uow() as uow:
        everyone = await announcements.plan(
            uow, pg_app.reference, _announcement(Audience(owners=spec)), NOW
        )
        x7 = await announcements.plan(
            uow,
            pg_app.reference,
            _announcement(Audience(owners=OwnerAudience(models=("X7",)))),
            NOW,
        )
        models = {
            o.owner_id: {v.model for v in await uow.vehicles.of_owner(o.owner_id)}
            for o in x7.owners
        }
    assert everyone.owners, "demo owners with marketing consent"
    assert all(o.market in ("AE", "TH", "BR", "MX") for o in everyone.owners)
    assert models
    assert all("X7" in owned for owned in models.values())


async def test_two_posters_racing_post_each_group_copy_once(pg_app: App) -> None:
    groups = [-1009000000000 - n for n in range(12)]
    async with pg_app.database.uow() as uow:
        for chat_id in groups:
            uow.clubs.add(
                Club(
                    channel="console",
                    chat_id=chat_id,
                    market="AE",
                    languages="ar,en",
                    linked_by="test",
                    linked_at=NOW,
                )
            )
        await uow.commit()
    for _ in range(3):
        async with pg_app.database.uow() as uow:
            audience = Audience(clubs=ClubAudience(chats=tuple(groups)))
            await announcements.create(uow, pg_app.reference, _announcement(audience), now=NOW)
            await uow.commit()
    transport = SlowPoster()

    def poster() -> AnnouncementPoster:
        return AnnouncementPoster(
            uow_factory=pg_app.database.uow,
            reference=pg_app.reference,
            catalogs=pg_app.catalogs,
            transports=Transports(transport),
            limiter=lambda _channel: NoLimits(),
            clock=pg_app.clock,
            batch=7,
        )

    first, second = poster(), poster()
    for _ in range(10):
        reports = await asyncio.gather(first.run_once(), second.run_once())
        if not any(r.total for r in reports):
            break
    assert transport.posted == dict.fromkeys(groups, 3)
