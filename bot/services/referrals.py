"""Referrals: personal links, friend leads and stage moves.

Each function works inside the caller's unit of work and never commits. What a stage
pays, and what the owner sees of it, is in bot.services.referral_rewards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.owners import Account, Owner
from bot.domain.phone import region_of
from bot.domain.reference import Dealer, Reference
from bot.domain.referrals import (
    FunnelRow,
    LeadFacts,
    Move,
    NoReward,
    Referral,
    Refusal,
    Source,
    Stage,
    StageChange,
    attribution_valid,
    check_move,
    code_from_payload,
    new_code,
    no_reward_at_lead,
    refusal,
    rewards_crossed,
)
from bot.services.ports import UnitOfWork
from bot.services.referral_rewards import (
    StageMove,
    friend_perk,
    is_staff,
    pay_stage,
    referral_id_of,
    withdraw_on_cancel,
)
from bot.services.staff import audit


class Refused(Exception):
    """The lead can't be recorded (see bot.domain.referrals.refusal)."""

    def __init__(self, why: Refusal) -> None:
        super().__init__(why.value)
        self.why = why


class UnknownReferral(Exception):
    pass


# --- the personal link --------------------------------------------------------------------


async def code_for(uow: UnitOfWork, owner_id: int, now: datetime) -> str:
    """The owner's code, created on first use; the same code ever after."""
    existing = await uow.referral_codes.code_of(owner_id)
    while existing is None:
        # A racing request may store its code first; then that one is the owner's.
        await uow.referral_codes.insert(owner_id, new_code(), now)
        existing = await uow.referral_codes.code_of(owner_id)
    return existing.code


class Opened(StrEnum):
    NOT_A_REFERRAL = "not_a_referral"
    UNKNOWN = "unknown"  # no such code, or its owner is gone
    OWN_LINK = "own_link"
    MEMBER = "member"  # the person is already a linked owner: nothing to attribute
    ATTRIBUTED = "attributed"  # recorded now (or the same owner's link again)
    EARLIER = "earlier"  # another owner's link was opened first: that one counts


@dataclass(frozen=True)
class LinkOpened:
    outcome: Opened
    link_owner: Owner | None = None  # whose link was opened


async def open_link(uow: UnitOfWork, account: Account, payload: str, now: datetime) -> LinkOpened:
    """/start ref_<code>: remember who invited this person; the first referrer wins."""
    code = code_from_payload(payload)
    if code is None:
        return LinkOpened(Opened.NOT_A_REFERRAL)
    found = await uow.referral_codes.by_code(code)
    link_owner = await uow.owners.get(found.owner_id) if found else None
    if link_owner is None or link_owner.id is None or link_owner.erased_at is not None:
        return LinkOpened(Opened.UNKNOWN)
    if account.owner_id == link_owner.id or any(
        a.channel == account.channel and a.user_id == account.user_id
        for a in await uow.accounts.of_owner(link_owner.id)
    ):
        return LinkOpened(Opened.OWN_LINK, link_owner)
    if account.owner_id is not None:
        return LinkOpened(Opened.MEMBER, link_owner)
    await uow.attributions.attribute(account.channel, account.user_id, link_owner.id, now)
    attribution = await uow.attributions.of_user(account.channel, account.user_id)
    first = attribution is not None and attribution.referrer_id == link_owner.id
    return LinkOpened(Opened.ATTRIBUTED if first else Opened.EARLIER, link_owner)


# --- leads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FriendForm:
    """A friend the owner submits in chat; the flow has validated every field."""

    name: str
    phone: str  # E.164, in the owner's market
    model: str | None
    dealer_code: str
    consent: bool  # the owner confirmed the friend agreed to be contacted


@dataclass(frozen=True)
class NewLead:
    referral: Referral
    referrer: Owner
    dealer: Dealer

    @property
    def no_reward(self) -> NoReward | None:
        return self.referral.no_reward


async def submissions_refused(
    uow: UnitOfWork, reference: Reference, referrer: Owner, now: datetime
) -> Refusal | None:
    """Checked before the owner starts typing: is today's limit reached?"""
    assert referrer.id is not None
    submitted = await uow.referral_facts.submitted_since(
        referrer.id, _start_of_day(reference, referrer, now)
    )
    probe = LeadFacts(
        source=Source.CHAT, friend_phone="", referrer_phone=None, submitted_today=submitted
    )
    return refusal(probe)


async def submit_friend(
    uow: UnitOfWork,
    reference: Reference,
    referrer: Owner,
    form: FriendForm,
    *,
    channel: str,
    actor: str,
    now: datetime,
) -> NewLead:
    """Record a friend the owner recommends. Raises Refused."""
    if not form.consent:
        raise ValueError("a friend is recorded only with their consent")
    dealer = reference.dealers[form.dealer_code]
    if dealer.market != referrer.market:
        raise ValueError("the dealer must be in the owner's market")
    facts = await _lead_facts(
        uow, reference, referrer, Source.CHAT, form.phone, channel=channel, now=now
    )
    refused = refusal(facts)
    if refused is not None:
        raise Refused(refused)
    referral = await _record(
        uow,
        Referral(
            referrer_id=referral_id_of(referrer),
            market=dealer.market,
            dealer_code=dealer.code,
            friend_name=form.name[:100],
            friend_phone=form.phone,
            source=Source.CHAT,
            created_at=now,
            stage_at=now,
            model=form.model,
            consent_at=now,
            no_reward=no_reward_at_lead(facts, now),
        ),
        actor=actor,
    )
    return NewLead(referral, referrer, dealer)


@dataclass(frozen=True)
class LinkLead:
    lead: NewLead | None = None
    refused: Refusal | None = None


async def lead_from_link(
    uow: UnitOfWork,
    reference: Reference,
    account: Account,
    *,
    phone: str,
    friend_name: str,
    now: datetime,
) -> LinkLead:
    """The person who opened an owner's link shared their phone: the attribution becomes
    a lead (if it is still valid and was not used before)."""
    attribution = await uow.attributions.of_user(account.channel, account.user_id)
    if (
        attribution is None
        or attribution.referral_id is not None
        or not attribution_valid(attribution.attributed_at, now)
    ):
        return LinkLead()
    referrer = await uow.owners.get(attribution.referrer_id)
    if referrer is None or referrer.erased_at is not None:
        return LinkLead()
    facts = await _lead_facts(
        uow,
        reference,
        referrer,
        Source.LINK,
        phone,
        channel=account.channel,
        friend_user_id=account.user_id,
        now=now,
    )
    refused = refusal(facts)
    if refused is not None:
        return LinkLead(refused=refused)
    dealer = await _dealer_for(uow, reference, referrer, phone)
    referral = await _record(
        uow,
        Referral(
            referrer_id=referral_id_of(referrer),
            market=dealer.market,
            dealer_code=dealer.code,
            friend_name=(friend_name.strip() or "—")[:100],
            friend_phone=phone,
            source=Source.LINK,
            created_at=now,
            stage_at=now,
            consent_at=now,  # they shared their number after reading that a dealer calls
            no_reward=no_reward_at_lead(facts, now),
            friend_account_id=account.id,
        ),
        actor=f"{account.channel}:{account.user_id}",
    )
    attribution.referral_id = referral.id
    return LinkLead(lead=NewLead(referral, referrer, dealer))


async def _lead_facts(
    uow: UnitOfWork,
    reference: Reference,
    referrer: Owner,
    source: Source,
    phone: str,
    *,
    channel: str,
    now: datetime,
    friend_user_id: int | None = None,
) -> LeadFacts:
    owner_id = referral_id_of(referrer)
    accounts = await uow.accounts.of_owner(owner_id)
    friend = await uow.owners.by_phone(phone)
    return LeadFacts(
        source=source,
        friend_phone=phone,
        referrer_phone=referrer.phone,
        friend_user_id=friend_user_id,
        referrer_user_ids=frozenset(a.user_id for a in accounts if a.channel == channel),
        submitted_today=await uow.referral_facts.submitted_since(
            owner_id, _start_of_day(reference, referrer, now)
        ),
        friend_is_owner=friend is not None and friend.erased_at is None,
        previous_lead_at=await uow.referral_facts.latest_lead_at(phone),
        referrer_is_staff=await is_staff(uow, referrer),
    )


async def _record(uow: UnitOfWork, referral: Referral, *, actor: str) -> Referral:
    uow.referrals.add(referral)
    await uow.flush()
    assert referral.id is not None
    uow.stage_changes.add(
        StageChange(
            referral_id=referral.id,
            from_stage=None,
            to_stage=Stage.LEAD,
            changed_at=referral.created_at,
            recorded_at=referral.created_at,
            actor=actor,
        )
    )
    return referral


async def _dealer_for(uow: UnitOfWork, reference: Reference, referrer: Owner, phone: str) -> Dealer:
    """Where a friend from a link is sent: a dealer of the market their number belongs
    to (the owner's market if we don't serve it); the owner's own dealer if it is there."""
    region = region_of(phone)
    market = region if region in reference.markets else referrer.market
    dealers = sorted(reference.dealers_in(market), key=lambda d: d.code) or sorted(
        reference.dealers_in(referrer.market), key=lambda d: d.code
    )
    for vehicle in await uow.vehicles.of_owner(referral_id_of(referrer)):
        own = reference.dealers.get(vehicle.dealer_code or "")
        if own is not None and own.market == dealers[0].market:
            return own
    return dealers[0]


# --- stages -------------------------------------------------------------------------------


async def move_stage(
    uow: UnitOfWork,
    reference: Reference,
    referral_id: int,
    target: Stage,
    *,
    actor: str,
    at: datetime,
    now: datetime,
    vin: str | None = None,
    note: str = "",
) -> StageMove:
    """Move a referral to `target` (at `at`, when it happened), pay what the stage earns.

    Locks the referral first: two staff tapping "delivered" at once queue here, and the
    second finds the referral delivered already.
    """
    referral = await uow.referrals.lock(referral_id)
    if referral is None:
        raise UnknownReferral(referral_id)
    before, reached = referral.current, referral.reached
    outcome = check_move(before, reached, target)
    move = StageMove(referral, outcome, before, before)
    if outcome is not Move.ADVANCE:
        return move
    referral.move_to(target, at)
    move.after = target
    move.change = StageChange(
        referral_id=referral_id,
        from_stage=before,
        to_stage=target,
        changed_at=at,
        recorded_at=now,
        actor=actor,
        note=note[:200],
    )
    uow.stage_changes.add(move.change)
    await uow.flush()  # its id: an Undo button names the change it undoes
    audit(uow, actor, "referral.stage", f"referral:{referral_id}", note, now, stage=target.value)
    if target is Stage.ORDER_CANCELLED:
        await withdraw_on_cancel(uow, reference, referral, before, at, move)
        return move
    await pay_stage(
        uow, reference, referral, rewards_crossed(reached, referral.reached), at, vin, move
    )
    if target is Stage.DELIVERED:
        move.friend_perk = await friend_perk(uow, reference, referral, at)
    return move


# --- numbers ------------------------------------------------------------------------------


async def funnel(
    uow: UnitOfWork, *, market: str | None, since: datetime | None, now: datetime
) -> Sequence[FunnelRow]:
    return await uow.referral_funnel.funnel(market=market, since=since, now=now)


# --- helpers ------------------------------------------------------------------------------


def _start_of_day(reference: Reference, owner: Owner, now: datetime) -> datetime:
    zone = ZoneInfo(owner.timezone or reference.market(owner.market).timezone)
    local = now.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
