"""`ownerbot demo seed`: believable owners on four continents, in their own languages.

Loaded through the same import path as a real dealer export, so demo data obeys every
validation rule; the people and their history are in bot/demo/data.py. The README
lists the phone numbers to share in the console. Each owner also gets a service history
(past visits on the maintenance schedule of their model), Lukas in Berlin an upcoming
confirmed booking, and สมชาย's Aurora X7 an open safety recall; every center's staff
chat has an advisor. Seeding twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from bot.demo.data import (
    DEMO_ACTOR,
    DEMO_ADVISORS,
    DEMO_CHANNEL,
    DEMO_OWNERS,
    DEMO_POINTS,
    DEMO_REFERRALS,
    DEMO_USER_BASE,
    LINKED_DAYS_AGO,
    RECALL_CAMPAIGN,
    RECALL_PHONE,
    RECALL_TITLE,
    RECALL_TITLES,
    UNLINKED_DEMO_PHONES,
    UPCOMING_KEY,
    UPCOMING_PHONE,
    DemoOwner,
)
from bot.domain.booking import BookingStatus, VehicleRecall, VisitSource
from bot.domain.months import add_months
from bot.domain.owner_import import REQUIRED_COLUMNS
from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.domain.service_catalog import FIRST_SERVICE, MAINTENANCE
from bot.domain.slots import local_day
from bot.domain.staff import Role
from bot.domain.vin import with_check_digit
from bot.services import booking as booking_service
from bot.services.importer import ImportReport, import_owners
from bot.services.ports import UnitOfWork
from bot.services.service_desk import record_visit
from bot.services.staff import add_staff

_MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # ISO 3779 position 10, from 2010


def demo_vin(index: int, model: str, year: int, prefix: str) -> str:
    year_code = _MODEL_YEAR_CODES[(year - 2010) % len(_MODEL_YEAR_CODES)]
    body = f"{prefix}{model}{'A' * (5 - len(model))}0{year_code}C{index:06d}"
    return with_check_digit(body)


def demo_csv(reference: Reference, today: date) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REQUIRED_COLUMNS)
    prefix = reference.vin_prefixes[0]
    for index, person in enumerate(DEMO_OWNERS, start=1):
        delivered = today - timedelta(days=person.delivered_days_ago)
        writer.writerow(
            [
                person.phone,
                person.first_name,
                person.last_name,
                person.language,
                person.market,
                person.birthday,
                demo_vin(index, person.model, delivered.year, prefix),
                person.model,
                delivered.year,
                delivered.isoformat(),
                person.mileage_km,
                person.dealer,
            ]
        )
    return buffer.getvalue()


async def seed_demo(uow: UnitOfWork, reference: Reference, now: datetime) -> ImportReport:
    """Owners and vehicles, their chats, points and service history, and an advisor
    in every center's staff chat. The caller commits."""
    lines = demo_csv(reference, now.date()).splitlines(keepends=True)
    report = await import_owners(uow, lines, reference, now=now)
    await _seed_chats(uow, now)
    await _seed_points(uow, reference, now)
    await seed_service_history(uow, reference, now)
    await _seed_referrals(uow, reference, now)
    await seed_demo_staff(uow, reference, now)
    # The demo history is backdated: its tier promotions are not news to congratulate.
    uow.events.clear()
    return report  # the caller commits


def demo_user_id(index: int) -> int:
    """The console user id that is already linked to demo owner `index` (1-based)."""
    return DEMO_USER_BASE + index


async def _seed_chats(uow: UnitOfWork, now: datetime) -> None:
    """Demo owners have a linked chat and have answered the consent questions, so the
    care scheduler has someone to write to. Two are left for newcomers to link by
    sharing their phone in the console (the README's walk-through): สมชาย in Bangkok
    and Emma in Manchester."""
    from bot.domain.owners import Account, ConsentCategory

    for index, person in enumerate(DEMO_OWNERS, start=1):
        if person.phone in UNLINKED_DEMO_PHONES:
            continue
        owner = await uow.owners.by_phone(person.phone)
        if owner is None or owner.id is None:
            continue
        user_id = demo_user_id(index)
        if await uow.accounts.by_user(DEMO_CHANNEL, user_id) is not None:
            continue
        linked = now - timedelta(days=LINKED_DAYS_AGO[(index - 1) % len(LINKED_DAYS_AGO)])
        uow.accounts.add(
            Account(
                channel=DEMO_CHANNEL,
                user_id=user_id,
                chat_id=user_id,
                first_seen_at=linked,
                language_code=person.language.replace("_", "-").lower(),
                owner_id=owner.id,
                linked_at=linked,
            )
        )
        marketing = index % 4 != 0  # every fourth demo owner declined marketing
        for category, granted in (
            (ConsentCategory.SERVICE, True),
            (ConsentCategory.MARKETING, marketing),
        ):
            uow.consents.add(owner.record_consent(category, granted, DEMO_CHANNEL, linked))
    await uow.flush()


async def _seed_points(uow: UnitOfWork, reference: Reference, now: datetime) -> None:
    """Believable points: some pending, some expiring soon, a Companion and a Co-creator.
    Idempotent: every award has its own key."""
    from bot.services.loyalty.earn import Award, award

    for phone, history in DEMO_POINTS.items():
        owner = await uow.owners.by_phone(phone)
        if owner is None or owner.id is None:
            continue
        for number, (days_ago, points, status, rule) in enumerate(history):
            rules = reference.rules(owner.market)
            await award(
                uow,
                reference,
                Award(
                    owner_id=owner.id,
                    rule=rule,
                    source="demo",
                    source_id=f"{phone}:{number}",
                    points=points,
                    status_points=status,
                    pending_days=rules.pending_days if rule == "paid_service" else 0,
                ),
                market=owner.market,
                now=now - timedelta(days=days_ago),
            )


async def seed_service_history(uow: UnitOfWork, reference: Reference, now: datetime) -> int:
    """Past visits for every demo owner without any, one upcoming booking, one open
    recall. Returns the number of visits added."""
    added = 0
    owners = await uow.owners.by_phones({p.phone for p in DEMO_OWNERS})
    for person in DEMO_OWNERS:
        owner = owners.get(person.phone)
        if owner is None or owner.id is None:
            continue
        for vehicle in await uow.vehicles.of_owner(owner.id):
            if vehicle.id is None or await uow.visits.of_vehicle(vehicle.id):
                continue
            added += await _past_visits(uow, reference, person, owner.id, vehicle.id, now)
    await _upcoming_booking(uow, reference, owners.get(UPCOMING_PHONE), now)
    await _open_recall(uow, owners.get(RECALL_PHONE), now)
    return added


async def _past_visits(
    uow: UnitOfWork,
    reference: Reference,
    person: DemoOwner,
    owner_id: int,
    vehicle_id: int,
    now: datetime,
) -> int:
    """Visits on the model's schedule since delivery, mileage growing evenly."""
    model = reference.models[person.model]
    dealer = reference.dealers[person.dealer]
    today = local_day(now, dealer.timezone)
    delivered = today - timedelta(days=person.delivered_days_ago)
    per_day = person.mileage_km / max(1, person.delivered_days_ago)
    visits: list[tuple[date, str]] = []
    due = add_months(delivered, model.first_service_months)
    operation = FIRST_SERVICE
    while due <= today - timedelta(days=14):
        visits.append((due, operation))
        due = add_months(due, model.service_interval_months)
        operation = MAINTENANCE
    for on, code in visits:
        price = reference.catalog.operations[code].price_for(dealer.market, person.model) or 0
        await record_visit(
            uow,
            reference,
            owner_id=owner_id,
            vehicle_id=vehicle_id,
            dealer_code=dealer.code,
            visited_on=on,
            invoice_minor=price,
            mileage_km=round(per_day * (on - delivered).days),
            services=[code],
            source=VisitSource.DEMO,
            now=now,
            announce=False,
        )
    return len(visits)


async def _upcoming_booking(
    uow: UnitOfWork, reference: Reference, owner: Owner | None, now: datetime
) -> None:
    if owner is None or owner.id is None:
        return
    if await uow.bookings.by_request_key(UPCOMING_KEY) is not None:
        return
    vehicles = await uow.vehicles.of_owner(owner.id)
    if not vehicles or vehicles[0].id is None:
        return
    vehicle = vehicles[0]
    assert vehicle.id is not None
    dealer = reference.dealers[vehicle.dealer_code or ""]
    services = (MAINTENANCE,)
    minutes = reference.catalog.duration(services, vehicle.model)
    wanted = now + timedelta(days=6)
    window = await booking_service.window_days(uow, reference, owner.id)
    slots = await booking_service.alternatives(uow, dealer, wanted, minutes, now, window=window)
    if not slots:
        return
    booking = await booking_service.book(
        uow,
        reference,
        owner,
        booking_service.BookingRequest(
            owner_id=owner.id,
            vehicle_id=vehicle.id,
            dealer_code=dealer.code,
            services=services,
            start=slots[0].start,
            transport=dealer.transport[-1],
            request_key=UPCOMING_KEY,
        ),
        actor=DEMO_ACTOR,
        now=now,
    )
    uow.booking_changes.add(
        booking.change_status(BookingStatus.CONFIRMED, actor=DEMO_ACTOR, reason="", now=now)
    )


async def _open_recall(uow: UnitOfWork, owner: Owner | None, now: datetime) -> None:
    if owner is None or owner.id is None:
        return
    vehicles = await uow.vehicles.of_owner(owner.id)
    if not vehicles or not vehicles[0].vin:
        return
    vehicle = vehicles[0]
    assert vehicle.vin is not None
    if await uow.recalls.by_keys([(vehicle.vin, RECALL_CAMPAIGN)]):
        return
    uow.recalls.add(
        VehicleRecall(
            vin=vehicle.vin,
            campaign_code=RECALL_CAMPAIGN,
            title=RECALL_TITLE,
            titles=dict(RECALL_TITLES),
            published_on=now.date() - timedelta(days=30),
            imported_at=now,
            vehicle_id=vehicle.id,
        )
    )
    await uow.flush()


async def _seed_referrals(uow: UnitOfWork, reference: Reference, now: datetime) -> None:
    """Demo referrals, recorded and moved through the same services as real ones.
    Idempotent: a friend the demo owner already recommended is left alone."""
    from bot.domain.referrals import Stage
    from bot.services.referrals import FriendForm, Refused, move_stage, submit_friend

    for demo in DEMO_REFERRALS:
        owner = await uow.owners.by_phone(demo.referrer_phone)
        if owner is None or owner.id is None:
            continue
        known = await uow.referrals.for_phone(demo.friend_phone)
        if any(r.referrer_id == owner.id for r in known):
            continue
        (first_days, _lead), *moves = demo.stages
        try:
            lead = await submit_friend(
                uow,
                reference,
                owner,
                FriendForm(demo.friend_name, demo.friend_phone, demo.model, demo.dealer, True),
                channel="demo",
                actor="demo",
                now=now - timedelta(days=first_days),
            )
        except Refused:
            continue
        assert lead.referral.id is not None
        for days_ago, stage in moves:
            at = now - timedelta(days=days_ago)
            await move_stage(
                uow, reference, lead.referral.id, Stage(stage), actor="demo", at=at, now=at
            )
        lead.referral.owner_told = lead.referral.stage


async def seed_demo_staff(uow: UnitOfWork, reference: Reference, now: datetime) -> int:
    """The advisors not yet on staff (one already there keeps whatever role it was
    given since). Returns how many were added."""
    added = 0
    for dealer_code, (user_id, name) in DEMO_ADVISORS.items():
        if dealer_code not in reference.dealers:
            continue
        if await uow.staff.by_user(DEMO_CHANNEL, user_id) is not None:
            continue
        await add_staff(
            uow,
            channel=DEMO_CHANNEL,
            user_id=user_id,
            role=Role.ADVISOR,
            name=name,
            dealer_code=dealer_code,
            actor=DEMO_ACTOR,
            now=now,
        )
        added += 1
    return added
