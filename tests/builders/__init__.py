"""Builders for service tests: each makes one domain object with believable defaults,
adds it to the unit of work and flushes (so it has its id). Say only what the test is
about: `await an_owner(uow, market="AE", points=500)`.

They work on a fake unit of work (tests/fakes/uow.py) and on a database alike; points
go through the real ledger. Loyalty and care objects: tests.builders.loyalty, .care."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import phonenumbers

from bot.data import load_reference
from bot.domain.booking import Booking, BookingStatus
from bot.domain.owners import Account, Owner, OwnerSource, Vehicle
from bot.domain.reference import Reference
from bot.domain.referrals import Referral, Source, Stage
from bot.domain.service_catalog import MAINTENANCE
from bot.domain.staff import Role, StaffMember
from bot.domain.vin import with_check_digit
from bot.services.ports import UnitOfWork
from tests.conftest import Services

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # the tests' "now" (tests.conftest.NOW)
_serial = itertools.count(1)
T = TypeVar("T")


def reference() -> Reference:
    """The shipped markets, dealers and rules (bot/data), not the demo."""
    return load_reference()


def a_phone(market: str = "TH") -> str:
    """A mobile number of the market, different on every call."""
    example = phonenumbers.example_number_for_type(market, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None, market
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164[:-4]}{9000 + next(_serial) % 1000:04d}"


def a_vin(model: str = "X7") -> str:
    prefix = reference().vin_prefixes[0]
    return with_check_digit(f"{prefix}{model}{'A' * (5 - len(model))}0SC{next(_serial):06d}")


def a_dealer(market: str) -> str:
    return sorted(d.code for d in reference().dealers_in(market))[0]


async def an_owner(
    uow: UnitOfWork,
    market: str = "TH",
    *,
    points: int = 0,
    phone: str | None = None,
    first_name: str = "Sam",
    last_name: str = "Owner",
    locale: str | None = None,
    birthday: date | None = None,
    consent_service: bool | None = None,
    consent_marketing: bool | None = None,
    at: datetime = AT,
) -> Owner:
    owner = Owner(
        market=market,
        first_name=first_name,
        last_name=last_name,
        phone=phone or a_phone(market),
        locale=locale,
        birthday=birthday,
        consent_service=consent_service,
        consent_marketing=consent_marketing,
        created_at=at,
        source=OwnerSource.IMPORT,
    )
    uow.owners.add(owner)
    await uow.flush()
    if points:
        await _give_points(uow, owner, points, at)
    return owner


async def _give_points(uow: UnitOfWork, owner: Owner, points: int, at: datetime) -> None:
    from bot.services.loyalty.earn import Award, award

    assert owner.id is not None
    await award(
        uow,
        reference(),
        Award(
            owner_id=owner.id,
            rule="builder",
            source="builder",
            source_id=str(owner.id),
            points=points,
            status_points=0,
            pending_days=0,
        ),
        market=owner.market,
        now=at,
    )


async def a_vehicle(
    uow: UnitOfWork,
    owner: Owner,
    *,
    model: str = "X7",
    vin: str | None = None,
    dealer: str | None = None,
    delivered: date | None = None,
    mileage_km: int | None = 12000,
) -> Vehicle:
    assert owner.id is not None
    vehicle = Vehicle(
        owner_id=owner.id,
        model=model,
        vin=vin or a_vin(model),
        model_year=(delivered or AT.date()).year,
        delivery_date=delivered or AT.date() - timedelta(days=400),
        mileage_km=mileage_km,
        dealer_code=dealer or a_dealer(owner.market),
    )
    uow.vehicles.add(vehicle)
    await uow.flush()
    return vehicle


async def an_account(
    uow: UnitOfWork,
    owner: Owner | None = None,
    *,
    user_id: int | None = None,
    channel: str = "console",
    at: datetime = AT,
) -> Account:
    """A chat account, linked to `owner` if given."""
    user = user_id or 50_000 + next(_serial)
    account = Account(
        channel=channel,
        user_id=user,
        chat_id=user,
        first_seen_at=at,
        owner_id=owner.id if owner else None,
        linked_at=at if owner else None,
    )
    uow.accounts.add(account)
    await uow.flush()
    return account


async def a_booking(
    uow: UnitOfWork,
    owner: Owner,
    vehicle: Vehicle,
    *,
    starts_at: datetime = AT + timedelta(days=3),
    minutes: int = 60,
    status: BookingStatus = BookingStatus.REQUESTED,
    dealer: str | None = None,
    services: tuple[str, ...] = (MAINTENANCE,),
    at: datetime = AT,
) -> Booking:
    """A booking row as the booking service leaves it (its slot is not reserved)."""
    assert owner.id is not None
    assert vehicle.id is not None
    booking = Booking(
        owner_id=owner.id,
        vehicle_id=vehicle.id,
        dealer_code=dealer or vehicle.dealer_code or a_dealer(owner.market),
        services=list(services),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        transport="wait",
        status=status,
        request_key=f"builder-{next(_serial)}",
        created_at=at,
        updated_at=at,
    )
    uow.bookings.add(booking)
    await uow.flush()
    return booking


async def a_referral(
    uow: UnitOfWork,
    referrer: Owner,
    *,
    friend_phone: str | None = None,
    friend_name: str = "Sam Friend",
    stage: Stage = Stage.LEAD,
    source: Source = Source.CHAT,
    dealer: str | None = None,
    at: datetime = AT,
) -> Referral:
    """A referral already at `stage` (its history is not written)."""
    assert referrer.id is not None
    referral = Referral(
        referrer_id=referrer.id,
        market=referrer.market,
        dealer_code=dealer or a_dealer(referrer.market),
        friend_name=friend_name,
        friend_phone=friend_phone or a_phone(referrer.market),
        source=source,
        created_at=at,
        stage_at=at,
        consent_at=at,
    )
    referral.move_to(stage, at)
    uow.referrals.add(referral)
    await uow.flush()
    return referral


async def a_staff_member(
    uow: UnitOfWork,
    role: Role = Role.ADVISOR,
    dealer: str | None = "TH-BKK-01",
    *,
    user_id: int | None = None,
    channel: str = "console",
    name: str = "",
    at: datetime = AT,
) -> StaffMember:
    """Someone on a dealer's staff (`dealer=None`: every dealer). Use the service
    (bot.services.staff.add_staff) when the test is about adding staff."""
    user = user_id or 80_000 + next(_serial)
    member = StaffMember(
        channel=channel,
        user_id=user,
        role=role,
        name=name or f"Staff {user}",
        added_at=at,
        dealer_code=dealer,
    )
    uow.staff.add(member)
    await uow.flush()
    return member


async def stored(app: Services, make: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Build in a unit of work of its own and commit: `await stored(app, a_thing)`."""
    async with app.database.uow() as uow:
        item = await make(uow)
        await uow.commit()
    return item
