"""Announcements on the in-memory fakes: who is in the audience and which variant each
reads, the local time in each zone, consent and the marketing caps at send time,
cancelling, correcting, and the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.data import load_reference
from bot.domain.announcements import (
    Announcement,
    AnnouncementStatus,
    Audience,
    ClubAudience,
    OwnerAudience,
    PostStatus,
)
from bot.domain.care import Category, OutboxMessage, OutboxStatus, Rule
from bot.domain.clubs import Club, Interest
from bot.domain.loyalty import Tier
from bot.i18n import Catalogs
from bot.scheduler.sender import Sender
from bot.services import announcements
from bot.services.announcements import AnnouncementError
from handlers.care_messages import after_sent, renderer_for
from tests.builders import a_vehicle, an_account, an_owner
from tests.builders.loyalty import a_loyalty_account
from tests.conftest import LOCALES
from tests.fakes.transport import FakeTransport, NoLimits
from tests.fakes.uow import FakeApp

REFERENCE = load_reference()
TEXTS = {"ar": "قافلة إلى حتا يوم السبت", "en": "A convoy to Hatta on Saturday"}


def an_announcement(
    app: FakeApp,
    *,
    clubs: ClubAudience | None = None,
    owners: OwnerAudience | None = None,
    texts: dict[str, str] | None = None,
    send_at_local: str | None = None,
) -> Announcement:
    return Announcement(
        texts=dict(texts or TEXTS),
        audience=Audience(clubs=clubs, owners=owners).to_json(),
        buttons=[],
        created_by="console:900210",
        created_at=app.clock.now(),
        send_at_local=send_at_local,
    )


async def owner_in(
    app: FakeApp,
    market: str,
    locale: str | None,
    *,
    marketing: bool = True,
    model: str = "X7",
    tier: Tier | None = None,
    zone: str | None = None,
) -> int:
    async with app.database.uow() as uow:
        owner = await an_owner(
            uow, market, locale=locale, consent_service=True, consent_marketing=marketing
        )
        owner.timezone = zone
        await an_account(uow, owner, user_id=60_000 + (owner.id or 0))
        await a_vehicle(uow, owner, model=model)
        if tier is not None:
            await a_loyalty_account(uow, owner, tier=tier)
        await uow.commit()
    assert owner.id is not None
    return owner.id


async def a_club(app: FakeApp, chat_id: int, market: str, languages: str, **extra: object) -> Club:
    async with app.database.uow() as uow:
        club = Club(
            channel="telegram",
            chat_id=chat_id,
            market=market,
            languages=languages,
            linked_by="console:900210",
            linked_at=app.clock.now(),
            **extra,  # type: ignore[arg-type]
        )
        uow.clubs.add(club)
        await uow.commit()
    return club


async def created(app: FakeApp, announcement: Announcement) -> announcements.Plan:
    async with app.database.uow() as uow:
        plan = await announcements.create(uow, REFERENCE, announcement, now=app.clock.now())
        await uow.commit()
    return plan


def sender(app: FakeApp, transport: FakeTransport) -> Sender:
    return Sender(
        uow_factory=app.database.uow,
        reference=REFERENCE,
        transport=transport,
        limiter=NoLimits(),
        clock=app.clock,
        render=renderer_for(Catalogs(LOCALES), REFERENCE, app.clock.now),
        after_sent=after_sent,
    )


async def test_each_owner_reads_their_language_and_others_the_markets_default(
    fake_app: FakeApp,
) -> None:
    arabic = await owner_in(fake_app, "AE", "ar")
    english = await owner_in(fake_app, "AE", "en")
    french = await owner_in(fake_app, "AE", "fr")  # not a language of the UAE: Arabic
    await owner_in(fake_app, "AE", "en", marketing=False)  # declined marketing
    await owner_in(fake_app, "TH", "th")  # another market
    plan = await created(fake_app, an_announcement(fake_app, owners=OwnerAudience(markets=("AE",))))
    assert [(o.owner_id, o.locale) for o in plan.owners] == [
        (arabic, "ar"),
        (english, "en"),
        (french, "ar"),
    ]
    assert plan.sizes() == {("owners", "ar"): 2, ("owners", "en"): 1}

    transport = FakeTransport()
    await sender(fake_app, transport).run_once()
    assert transport.to(60_000 + arabic) == [TEXTS["ar"]]
    assert transport.to(60_000 + english) == [TEXTS["en"]]
    assert transport.to(60_000 + french) == [TEXTS["ar"]]


async def test_a_market_without_its_default_language_variant_is_refused(
    fake_app: FakeApp,
) -> None:
    await owner_in(fake_app, "TH", "th")
    announcement = an_announcement(fake_app, owners=OwnerAudience(markets=("TH",)))
    with pytest.raises(AnnouncementError, match="add the text in th"):
        await created(fake_app, announcement)


async def test_a_local_time_is_due_at_that_time_in_each_recipients_own_zone(
    fake_app: FakeApp,
) -> None:
    dubai = await owner_in(fake_app, "AE", "en")
    bangkok = await owner_in(fake_app, "TH", "en")
    texts = {**TEXTS, "th": "ขบวนรถไปหัวหิน"}
    announcement = an_announcement(
        fake_app,
        owners=OwnerAudience(markets=("AE", "TH")),
        texts=texts,
        send_at_local="2026-11-24T10:00",
    )
    await created(fake_app, announcement)
    async with fake_app.database.uow() as uow:
        due = {
            m.owner_id: m.due_at
            for owner in (dubai, bangkok)
            for m in await uow.outbox.of_owner(owner)
        }
    assert due == {
        dubai: datetime(2026, 11, 24, 6, 0, tzinfo=UTC),
        bangkok: datetime(2026, 11, 24, 3, 0, tzinfo=UTC),
    }
    assert announcement.status is AnnouncementStatus.SCHEDULED


async def test_owners_are_chosen_by_tier_and_model(fake_app: FakeApp) -> None:
    await owner_in(fake_app, "AE", "ar", tier=Tier.EXPLORER, model="X7")
    chosen = await owner_in(fake_app, "AE", "ar", tier=Tier.CO_CREATOR, model="X7")
    await owner_in(fake_app, "AE", "ar", tier=Tier.CO_CREATOR, model="S5")
    spec = OwnerAudience(markets=("AE",), tiers=("co_creator",), models=("X7",))
    plan = await created(fake_app, an_announcement(fake_app, owners=spec))
    assert [o.owner_id for o in plan.owners] == [chosen]


async def test_owners_are_chosen_by_life_cycle_segment_and_language(fake_app: FakeApp) -> None:
    await owner_in(fake_app, "AE", "ar")  # a car delivered long ago, no visit: dormant
    english = await owner_in(fake_app, "AE", "en")
    async with fake_app.database.uow() as uow:
        [car] = await uow.vehicles.of_owner(english)
        car.delivery_date = fake_app.clock.now().date() - timedelta(days=20)
        await uow.commit()
    plan = await announcements.plan(
        fake_app.database.uow(),
        REFERENCE,
        an_announcement(fake_app, owners=OwnerAudience(segments=("new",), languages=("en",))),
        fake_app.clock.now(),
    )
    assert [o.owner_id for o in plan.owners] == [english]


async def test_clubs_are_chosen_by_market_language_model_dealer_and_interest(
    fake_app: FakeApp,
) -> None:
    await a_club(fake_app, -1001, "AE", "ar,en", model="X7", interest=Interest.ROAD_TRIPS)
    await a_club(fake_app, -1002, "AE", "en", dealer_code="AE-AUH-01")
    await a_club(fake_app, -1003, "TH", "th,en", model="X7")
    cases = {
        ClubAudience(markets=("AE",)): [-1001, -1002],
        ClubAudience(languages=("ar",)): [-1001],
        ClubAudience(models=("X7",)): [-1001, -1003],
        ClubAudience(dealers=("AE-AUH-01",)): [-1002],
        ClubAudience(interests=("road_trips",)): [-1001],
        ClubAudience(chats=(-1003,)): [-1003],
    }
    texts = {**TEXTS, "th": "ขบวนรถ"}
    for spec, chats in cases.items():
        plan = await announcements.plan(
            fake_app.database.uow(),
            REFERENCE,
            an_announcement(fake_app, clubs=spec, texts=texts),
            fake_app.clock.now(),
        )
        assert [g.club.chat_id for g in plan.groups] == chats, spec
    plan = await announcements.plan(
        fake_app.database.uow(),
        REFERENCE,
        an_announcement(fake_app, clubs=ClubAudience(), texts={"en": "Hi", "th": "สวัสดี"}),
        fake_app.clock.now(),
    )
    # A club reads every variant in its languages; one without any gets the default.
    assert {g.club.chat_id: g.locales for g in plan.groups} == {
        -1001: ("en",),
        -1002: ("en",),
        -1003: ("th", "en"),
    }


async def test_an_owner_over_the_marketing_caps_is_not_sent_it_later_and_the_report_says_so(
    fake_app: FakeApp,
) -> None:
    capped = await owner_in(fake_app, "AE", "en")
    fine = await owner_in(fake_app, "AE", "ar")
    gone = await owner_in(fake_app, "AE", "ar")
    async with fake_app.database.uow() as uow:  # a birthday greeting this morning
        await uow.outbox.add(_marketing_sent(capped, fake_app.clock.now() - timedelta(hours=3)))
        await uow.commit()
    announcement = an_announcement(fake_app, owners=OwnerAudience(markets=("AE",)))
    await created(fake_app, announcement)
    async with fake_app.database.uow() as uow:
        owner = await uow.owners.get(gone)
        assert owner is not None
        owner.consent_marketing = False  # /stop after it was queued
        await uow.commit()
    transport = FakeTransport()
    await sender(fake_app, transport).run_once()
    assert transport.to(60_000 + fine) == [TEXTS["ar"]]
    assert transport.to(60_000 + capped) == []
    async with fake_app.database.uow() as uow:
        report = await announcements.report(uow, announcement.id or 0)
        await announcements.refresh_status(uow, announcement)
    assert report.owners == {"delivered": 1, "not sent: marketing caps": 1, "opted out": 1}
    assert announcement.status is AnnouncementStatus.SENT


def _marketing_sent(owner_id: int, at: datetime) -> OutboxMessage:
    return OutboxMessage(
        owner_id=owner_id,
        rule=Rule.BIRTHDAY,
        occurrence="2026",
        category=Category.MARKETING,
        due_at=at,
        payload={},
        status=OutboxStatus.SENT,
        created_at=at,
        sent_at=at,
    )


async def test_a_cancelled_announcement_holds_back_every_copy_not_sent(fake_app: FakeApp) -> None:
    owner = await owner_in(fake_app, "AE", "ar")
    await a_club(fake_app, -1001, "AE", "ar,en")
    announcement = an_announcement(
        fake_app,
        clubs=ClubAudience(),
        owners=OwnerAudience(),
        send_at_local="2026-11-30T10:00",
    )
    await created(fake_app, announcement)
    async with fake_app.database.uow() as uow:
        held = await announcements.cancel(
            uow, announcement.id or 0, actor="console:900210", now=fake_app.clock.now()
        )
        await uow.commit()
        posts = await uow.announcement_posts.of_announcement(announcement.id or 0)
        [copy] = await uow.outbox.of_owner(owner)
    assert held == 2
    assert [p.status for p in posts] == [PostStatus.CANCELLED]
    assert (copy.status, copy.last_error) == (OutboxStatus.SKIPPED, "announcement cancelled")
    assert announcement.status is AnnouncementStatus.CANCELLED
    async with fake_app.database.uow() as uow:
        with pytest.raises(AnnouncementError, match="is cancelled"):
            await announcements.cancel(
                uow, announcement.id or 0, actor="console:900210", now=fake_app.clock.now()
            )


async def test_a_correction_marks_the_group_copies_that_show_the_corrected_language(
    fake_app: FakeApp,
) -> None:
    await a_club(fake_app, -1001, "AE", "ar,en")
    await a_club(fake_app, -1002, "AE", "en")
    await a_club(fake_app, -1003, "AE", "ar")
    announcement = an_announcement(fake_app, clubs=ClubAudience())
    await created(fake_app, announcement)
    async with fake_app.database.uow() as uow:
        for post in await uow.announcement_posts.of_announcement(announcement.id or 0):
            post.status, post.message_id = PostStatus.SENT, 7
        edits = await announcements.correct(
            uow,
            announcement.id or 0,
            {"en": "A convoy to Hatta on Saturday at 7:30"},
            actor="console:900210",
            now=fake_app.clock.now(),
        )
        await uow.commit()
        posts = await uow.announcement_posts.of_announcement(announcement.id or 0)
        with pytest.raises(AnnouncementError, match="no text in fr"):
            await announcements.correct(
                uow, announcement.id or 0, {"fr": "…"}, actor="x", now=fake_app.clock.now()
            )
    assert edits == 2
    assert {p.chat_id: p.needs_edit for p in posts} == {-1001: True, -1002: True, -1003: False}
    assert announcement.texts["en"] == "A convoy to Hatta on Saturday at 7:30"


async def test_a_clubs_copy_with_every_language_it_speaks_must_fit_one_message(
    fake_app: FakeApp,
) -> None:
    await a_club(fake_app, -1001, "AE", "ar,en")
    long = {"ar": "ق" * 2100, "en": "A" * 2100}  # each fits a message, both together don't
    with pytest.raises(AnnouncementError, match=r"would be 4207 characters; .* at most 4096"):
        await created(fake_app, an_announcement(fake_app, clubs=ClubAudience(), texts=long))
    announcement = an_announcement(fake_app, clubs=ClubAudience())
    await created(fake_app, announcement)
    async with fake_app.database.uow() as uow:
        with pytest.raises(AnnouncementError, match="longer than 4096 characters"):
            await announcements.correct(
                uow, announcement.id or 0, {"en": "A" * 4090}, actor="x", now=fake_app.clock.now()
            )
    assert announcement.texts == TEXTS, "nothing changed"
