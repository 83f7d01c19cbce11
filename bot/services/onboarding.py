"""Linking a chat to an owner (by a verified phone number) and registering new owners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.owners import Account, Owner, OwnerSource, Vehicle
from bot.domain.phone import PhoneError, normalize_phone, region_of
from bot.domain.reference import Reference
from bot.services.accounts import linked_owner
from bot.services.ports import UnitOfWork


class LinkOutcome(StrEnum):
    LINKED = "linked"
    OTHER_OWNER = "other_owner"  # the chat is linked to someone else: ask before switching
    UNKNOWN_PHONE = "unknown_phone"  # a valid number that no imported owner has
    NOT_OWN_CONTACT = "not_own_contact"
    INVALID_PHONE = "invalid_phone"


@dataclass(frozen=True)
class LinkResult:
    outcome: LinkOutcome
    owner: Owner | None = None
    phone: str | None = None
    phone_market: str | None = None  # the market the number belongs to, if we serve it


async def link_by_contact(
    uow: UnitOfWork,
    reference: Reference,
    account: Account,
    *,
    phone: str,
    contact_user_id: int | None,
    now: datetime,
) -> LinkResult:
    """Telegram vouches for a contact shared by its own user; nothing else is trusted."""
    if contact_user_id != account.user_id:
        return LinkResult(LinkOutcome.NOT_OWN_CONTACT)
    try:
        e164 = normalize_phone(phone, None)
    except PhoneError:
        return LinkResult(LinkOutcome.INVALID_PHONE)
    region = region_of(e164)
    market = region if region in reference.markets else None
    owner = await uow.owners.by_phone(e164)
    if owner is None or owner.erased_at is not None:
        return LinkResult(LinkOutcome.UNKNOWN_PHONE, phone=e164, phone_market=market)
    if account.owner_id not in (None, owner.id) and await linked_owner(uow, account):
        return LinkResult(LinkOutcome.OTHER_OWNER, owner=owner, phone=e164, phone_market=market)
    link_account(account, owner, now)
    return LinkResult(LinkOutcome.LINKED, owner=owner, phone=e164, phone_market=market)


async def switch_owner(
    uow: UnitOfWork, account: Account, *, phone: str, now: datetime
) -> Owner | None:
    """Link the chat to the owner of `phone`, a number its user shared as their own
    (LinkOutcome.OTHER_OWNER) and agreed to switch to; None if that owner is gone."""
    owner = await uow.owners.by_phone(phone)
    if owner is None or owner.erased_at is not None:
        return None
    link_account(account, owner, now)
    return owner


def link_account(account: Account, owner: Owner, now: datetime) -> None:
    """The chat now speaks for `owner` (a verified phone, or a proof of ownership)."""
    account.owner_id = owner.id
    account.linked_at = now
    if account.locale and not owner.locale:
        owner.locale = account.locale


class VinTaken(Exception):
    """The VIN belongs to a vehicle registered to someone else."""


@dataclass(frozen=True)
class Registration:
    market: str
    first_name: str
    last_name: str
    phone: str  # E.164, verified by the chat platform
    vin: str  # validated
    model: str
    model_year: int | None
    delivery_date: date | None
    locale: str | None  # chosen explicitly in chat, if at all
    locale_in_use: str  # the language the registration was done in


async def register_owner(
    uow: UnitOfWork, account: Account, form: Registration, now: datetime
) -> Owner:
    existing = await uow.vehicles.by_vin(form.vin)
    if existing is not None:
        raise VinTaken(form.vin)
    owner = await uow.owners.by_phone(form.phone)
    if owner is None:
        owner = Owner(
            market=form.market,
            first_name=form.first_name,
            last_name=form.last_name,
            phone=form.phone,
            locale=form.locale,
            locale_on_file=form.locale_in_use,
            created_at=now,
            source=OwnerSource.CHAT,
        )
        uow.owners.add(owner)
        await uow.flush()
    assert owner.id is not None
    uow.vehicles.add(
        Vehicle(
            owner_id=owner.id,
            model=form.model,
            vin=form.vin,
            model_year=form.model_year,
            delivery_date=form.delivery_date,
        )
    )
    account.owner_id = owner.id
    account.linked_at = now
    await uow.flush()
    return owner
