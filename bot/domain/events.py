"""Domain events: facts one feature announces and others react to, in the same
transaction (a completed visit earns points; a referral stage pays a reward).

Services append events to `uow.events`; committing the unit of work hands them to the
subscribed handlers (`bot.services.bus.MessageBus`) before the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.loyalty import Tier
from bot.domain.referrals import StageRewards


@dataclass(frozen=True)
class DomainEvent:
    """The base of every domain event: what a unit of work collects and its bus hands on."""


@dataclass(frozen=True)
class VisitCompleted(DomainEvent):
    """A service visit was completed and invoiced at a dealer."""

    visit_id: int
    owner_id: int
    vehicle_id: int
    dealer_code: str
    invoice_minor: int  # the amount the owner paid, in minor units of `currency`
    currency: str
    completed_at: datetime
    booking_id: int | None = None  # the booking it completed, if it was booked


@dataclass(frozen=True)
class VisitRefunded(DomainEvent):
    """A completed visit was refunded or its invoice cancelled."""

    visit_id: int
    owner_id: int
    refunded_at: datetime


@dataclass(frozen=True)
class TierPromoted(DomainEvent):
    owner_id: int
    old_tier: Tier
    new_tier: Tier
    at: datetime


@dataclass(frozen=True)
class TierDemotionNotice(DomainEvent):
    """The yearly review found the owner below their tier; demotion after the grace."""

    owner_id: int
    tier: Tier
    demote_on: datetime
    at: datetime


@dataclass(frozen=True)
class TierDemoted(DomainEvent):
    owner_id: int
    old_tier: Tier
    new_tier: Tier
    at: datetime


@dataclass(frozen=True)
class ReferralStageReached(DomainEvent):
    """A referral reached a stage outside any chat (the CRM import), so nobody has told
    its owner yet. Several changes to one referral in one import are one event: the
    stage it ended at, with what all of them paid or took back."""

    referral_id: int
    owner_id: int  # the owner who recommended the friend
    stage: str
    at: datetime
    rewards: StageRewards  # what the changes paid or took back


@dataclass(frozen=True)
class WelcomeGiftPaid(DomainEvent):
    """A referred friend, already an owner, got the welcome gift outside any chat."""

    referral_id: int
    owner_id: int  # the friend
    points: int
    at: datetime
