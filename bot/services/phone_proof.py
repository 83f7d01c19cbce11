"""Linking a chat by a typed phone number and the VIN's last six characters, where
the platform does not vouch for the number (bot/domain/linking.py has the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.linking import (
    ATTEMPT_WINDOW,
    LinkAttempt,
    attempts_left,
    locked_until,
    vin_tail_matches,
)
from bot.domain.owners import Account, Owner
from bot.domain.phone import PhoneError, normalize_phone, region_of
from bot.domain.reference import Reference
from bot.services.onboarding import link_account
from bot.services.ports import UnitOfWork


class ProofOutcome(StrEnum):
    LINKED = "linked"
    WRONG = "wrong"  # not the end of any of the owner's VINs; tries remain
    LOCKED = "locked"  # too many wrong answers (by this person, or about this owner)
    NO_VIN = "no_vin"  # the owner has no VIN on file: only the dealer can help
    GONE = "gone"  # the number's owner was erased meanwhile


@dataclass(frozen=True)
class ProofResult:
    outcome: ProofOutcome
    owner: Owner | None = None
    attempts_left: int = 0
    locked_until: datetime | None = None


async def lockout(
    uow: UnitOfWork, *, channel: str, user_id: int, owner_id: int, now: datetime
) -> datetime | None:
    """Until when this person may not answer for this owner; None: they may."""
    since = now - ATTEMPT_WINDOW
    by_user = await uow.link_attempts.failures_by_user(channel, user_id, since)
    for_owner = await uow.link_attempts.failures_for_owner(owner_id, since)
    ends = [e for e in (locked_until(by_user, now), locked_until(for_owner, now)) if e]
    return max(ends) if ends else None


async def can_prove(uow: UnitOfWork, owner: Owner) -> bool:
    """Whether the owner has a VIN on file to prove against."""
    assert owner.id is not None
    return any(v.vin for v in await uow.vehicles.of_owner(owner.id))


async def prove_by_vin_tail(
    uow: UnitOfWork, account: Account, *, phone: str, answer: str, now: datetime
) -> ProofResult:
    """Check the answer against the VINs of the number's owner, count it, and link the
    chat when it matches. Refused without counting while locked out."""
    owner = await uow.owners.by_phone(phone)
    if owner is None or owner.erased_at is not None or owner.id is None:
        return ProofResult(ProofOutcome.GONE)
    await uow.owners.lock(owner.id)  # concurrent answers about one owner count in turn
    channel, user_id = account.channel, account.user_id
    until = await lockout(uow, channel=channel, user_id=user_id, owner_id=owner.id, now=now)
    if until is not None:
        return ProofResult(ProofOutcome.LOCKED, locked_until=until)
    vehicles = await uow.vehicles.of_owner(owner.id)
    if not any(v.vin for v in vehicles):
        return ProofResult(ProofOutcome.NO_VIN)
    matched = vin_tail_matches(answer, (v.vin for v in vehicles))
    uow.link_attempts.add(LinkAttempt(channel, user_id, owner.id, matched, now))
    await uow.flush()
    if matched:
        link_account(account, owner, now)
        return ProofResult(ProofOutcome.LINKED, owner=owner)
    since = now - ATTEMPT_WINDOW
    by_user = await uow.link_attempts.failures_by_user(channel, user_id, since)
    for_owner = await uow.link_attempts.failures_for_owner(owner.id, since)
    left = min(attempts_left(by_user, now), attempts_left(for_owner, now))
    if left == 0:
        until = await lockout(uow, channel=channel, user_id=user_id, owner_id=owner.id, now=now)
        return ProofResult(ProofOutcome.LOCKED, locked_until=until)
    return ProofResult(ProofOutcome.WRONG, attempts_left=left)


@dataclass(frozen=True)
class TypedPhone:
    """A number someone typed: valid or not, and whose it is, if anyone's."""

    phone: str | None  # E.164; None when it is no valid number
    market: str | None = None  # the market the number belongs to, if we serve it
    owner: Owner | None = None  # the owner on file with this number


async def read_typed_phone(
    uow: UnitOfWork, reference: Reference, text: str, region: str
) -> TypedPhone:
    """The number typed (local numbers read as `region`'s) and the owner it belongs to."""
    try:
        e164 = normalize_phone(text, region)
    except PhoneError:
        return TypedPhone(None)
    found = region_of(e164)
    market = found if found in reference.markets else None
    owner = await uow.owners.by_phone(e164)
    if owner is not None and owner.erased_at is not None:
        owner = None
    return TypedPhone(e164, market, owner)
