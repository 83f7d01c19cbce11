"""`ownerbot demo seed`: believable owners on four continents, in their own languages.

Loaded through the same import path as a real dealer export, so demo data obeys every
validation rule. The README lists the phone numbers to share in the console. Each owner
also gets a service history (past visits on the maintenance schedule of their model),
Lukas in Berlin an upcoming confirmed booking, and สมชาย's Aurora X7 an open safety
recall. Seeding twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.booking import BookingStatus, VehicleRecall, VisitSource
from bot.domain.months import add_months
from bot.domain.owner_import import REQUIRED_COLUMNS
from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.domain.service_catalog import FIRST_SERVICE, MAINTENANCE
from bot.domain.slots import local_day
from bot.domain.vin import with_check_digit
from bot.services import booking as booking_service
from bot.services.importer import ImportReport, import_owners
from bot.services.ports import UnitOfWork
from bot.services.service_desk import record_visit


@dataclass(frozen=True)
class DemoOwner:
    phone: str
    first_name: str
    last_name: str
    language: str
    market: str
    birthday: str
    dealer: str
    model: str
    delivered_days_ago: int
    mileage_km: int


DEMO_OWNERS: tuple[DemoOwner, ...] = (
    DemoOwner(
        "+66812345678", "สมชาย", "ใจดี", "th", "TH", "1984-06-12", "TH-BKK-01", "X7", 420, 18400
    ),
    DemoOwner(
        "+66891112233", "Nattaya", "Srisuk", "en", "TH", "1991-11-02", "TH-CNX-01", "E3", 75, 2100
    ),
    DemoOwner(
        "+66923334455", "伟", "陈", "zh_Hans", "TH", "1979-02-20", "TH-BKK-01", "S5", 2100, 96500
    ),
    DemoOwner(
        "+971501234567", "أحمد", "المنصوري", "ar", "AE", "1988-03-15", "AE-DXB-01", "X7", 380, 24100
    ),
    DemoOwner(
        "+971529876543", "Priya", "Nair", "en", "AE", "1993-08-30", "AE-AUH-01", "S5", 900, 41000
    ),
    DemoOwner(
        "+966501112222",
        "فهد",
        "القحطاني",
        "ar",
        "SA",
        "1985-12-01",
        "SA-RUH-01",
        "T9",
        1900,
        143000,
    ),
    DemoOwner(
        "+5511987654321", "João", "Silva", "pt_BR", "BR", "1982-09-07", "BR-SAO-01", "S5", 200, 9800
    ),
    DemoOwner(
        "+5592991234567", "Ana", "Souza", "pt_BR", "BR", "1996-01-25", "BR-MAO-01", "E3", 700, 30500
    ),
    DemoOwner(
        "+525512345678",
        "María",
        "García López",
        "es",
        "MX",
        "1987-05-19",
        "MX-CDMX-01",
        "X7",
        1200,
        52000,
    ),
    DemoOwner(
        "+528112345678",
        "Luis",
        "Hernández",
        "es",
        "MX",
        "1975-10-10",
        "MX-MTY-01",
        "T9",
        2400,
        188000,
    ),
    DemoOwner(
        "+77011234567",
        "Айгерим",
        "Нурланова",
        "ru",
        "KZ",
        "1990-04-04",
        "KZ-ALA-01",
        "X7",
        260,
        15200,
    ),
    DemoOwner(
        "+77771234567",
        "Дмитрий",
        "Ковалёв",
        "ru",
        "KZ",
        "1980-07-21",
        "KZ-AST-01",
        "S5",
        1500,
        77000,
    ),
    DemoOwner(
        "+447911123456", "Oliver", "Smith", "en", "GB", "1983-02-14", "GB-LON-01", "E3", 330, 11000
    ),
    DemoOwner(
        "+447400123456", "Emma", "Jones", "en", "GB", "1992-12-24", "GB-MAN-01", "S5", 800, 27000
    ),
    DemoOwner(
        "+6281234567890", "Budi", "Santoso", "id", "ID", "1986-08-17", "ID-JKT-01", "X7", 150, 6400
    ),
    DemoOwner(
        "+6281398765432",
        "Siti",
        "Rahmawati",
        "id",
        "ID",
        "1994-03-09",
        "ID-SUB-01",
        "S5",
        1000,
        48000,
    ),
    DemoOwner(
        "+905321234567",
        "Mehmet",
        "Yılmaz",
        "tr",
        "TR",
        "1978-11-29",
        "TR-IST-01",
        "T9",
        1700,
        121000,
    ),
    DemoOwner(
        "+905559876543", "Elif", "Demir", "tr", "TR", "1995-06-01", "TR-ANK-01", "E3", 90, 3200
    ),
    DemoOwner(
        "+4915112345678", "Lukas", "Müller", "de", "DE", "1981-01-31", "DE-BER-01", "X7", 520, 21000
    ),
    DemoOwner(
        "+4917612345678",
        "Anna",
        "Schmidt",
        "de",
        "DE",
        "1989-09-15",
        "DE-MUC-01",
        "E3",
        1300,
        44000,
    ),
    DemoOwner(
        "+60123456789", "美玲", "陈", "zh_Hans", "MY", "1990-10-08", "MY-KUL-01", "S5", 640, 25500
    ),
)

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


# Points history per demo phone: (days ago, spendable points, status points, rule).
DEMO_POINTS: dict[str, tuple[tuple[int, int, int, str], ...]] = {
    "+66812345678": (
        (400, 900, 900, "paid_service"),
        (200, 600, 600, "paid_service"),
        (5, 450, 450, "paid_service"),
    ),
    "+66923334455": (
        (700, 1500, 1500, "paid_service"),
        (300, 2600, 2600, "paid_service"),
        (40, 300, 600, "idea_accepted"),
    ),
    "+971501234567": ((350, 2400, 2400, "paid_service"),),
    "+5511987654321": ((150, 800, 800, "paid_service"),),
    "+447911123456": ((720, 1200, 1200, "paid_service"), (100, 400, 400, "paid_service")),
    "+4915112345678": (
        (500, 3000, 3000, "paid_service"),
        (10, 150, 300, "content_accepted"),
    ),
    "+77011234567": ((240, 700, 700, "paid_service"),),
    "+905321234567": ((30, 1100, 1100, "paid_service"),),
    "+6281234567890": ((120, 650, 650, "paid_service"),),
    "+525512345678": ((1, 500, 500, "paid_service"),),
}


DEMO_CHANNEL = "console"
UNLINKED_DEMO_PHONES = frozenset({"+66812345678", "+447400123456"})
DEMO_USER_BASE = 700000  # demo owner n talks as console user 700000 + n
# Days since each demo owner linked their chat (welcome and tips fall due at times).
_LINKED_DAYS_AGO = (
    40,
    8,
    1,
    100,
    30,
    200,
    7,
    60,
    3,
    365,
    90,
    14,
    31,
    45,
    2,
    120,
    9,
    500,
    33,
    70,
    6,
)


DEMO_ACTOR = "cli:demo"
UPCOMING_PHONE = "+4915112345678"  # Lukas in Berlin
UPCOMING_KEY = "demo-upcoming-1"
RECALL_PHONE = "+66812345678"  # สมชาย in Bangkok
RECALL_CAMPAIGN = "AUR-26-R07"
RECALL_TITLE = "Rear seat belt buckle may not latch securely"
RECALL_TITLES = {
    "th": "หัวเข็มขัดนิรภัยเบาะหลังอาจล็อกไม่แน่น",
    "zh_Hans": "后排安全带卡扣可能无法牢固锁止",
}


async def seed_demo(uow: UnitOfWork, reference: Reference, now: datetime) -> ImportReport:
    """Owners and vehicles, their chats, points and service history. The caller commits."""
    lines = demo_csv(reference, now.date()).splitlines(keepends=True)
    report = await import_owners(uow, lines, reference, now=now)
    await _seed_chats(uow, now)
    await _seed_points(uow, reference, now)
    await seed_service_history(uow, reference, now)
    await _seed_referrals(uow, reference, now)
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
        linked = now - timedelta(days=_LINKED_DAYS_AGO[(index - 1) % len(_LINKED_DAYS_AGO)])
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
    from bot.services.loyalty import Award, award

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


@dataclass(frozen=True)
class DemoReferral:
    referrer_phone: str
    friend_name: str
    friend_phone: str
    model: str | None
    dealer: str
    stages: tuple[tuple[int, str], ...]  # (days ago, stage), the recommendation first


# Friends at every stage; their rewards come through the ledger like real ones (Ahmed's
# test drive points, Lukas's delivery, Mehmet's delivery still pending).
DEMO_REFERRALS: tuple[DemoReferral, ...] = (
    DemoReferral(
        "+66812345678", "Kittisak Wongsa", "+66812223333", "X7", "TH-BKK-01", ((2, "lead"),)
    ),
    DemoReferral(
        "+66812345678",
        "Pim Chaiyaporn",
        "+66891112222",
        "E3",
        "TH-BKK-01",
        ((12, "lead"), (11, "contacted"), (6, "test_drive_booked")),
    ),
    DemoReferral(
        "+971501234567",
        "خالد الحمادي",
        "+971507654321",
        "X7",
        "AE-DXB-01",
        ((35, "lead"), (33, "contacted"), (28, "test_drive_booked"), (20, "test_drive_done")),
    ),
    DemoReferral(
        "+4915112345678",
        "Jonas Becker",
        "+4915123456789",
        "E3",
        "DE-BER-01",
        (
            (110, "lead"),
            (108, "contacted"),
            (100, "test_drive_booked"),
            (95, "test_drive_done"),
            (80, "order"),
            (60, "delivered"),
        ),
    ),
    DemoReferral(
        "+5511987654321",
        "Carla Mendes",
        "+5511976543210",
        "S5",
        "BR-SAO-01",
        (
            (30, "lead"),
            (29, "contacted"),
            (20, "test_drive_booked"),
            (14, "test_drive_done"),
            (5, "order"),
        ),
    ),
    DemoReferral(
        "+5511987654321",
        "Rafael Costa",
        "+5511965432109",
        None,
        "BR-SAO-01",
        ((40, "lead"), (38, "contacted"), (25, "lost")),
    ),
    DemoReferral(
        "+905321234567",
        "Ayşe Kaya",
        "+905331234567",
        "S5",
        "TR-IST-01",
        (
            (60, "lead"),
            (58, "contacted"),
            (50, "test_drive_booked"),
            (45, "test_drive_done"),
            (30, "order"),
            (5, "delivered"),
        ),
    ),
)


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
