"""Maps the plain domain dataclasses onto the tables (SQLAlchemy imperative mapping),
so services work with domain objects and the unit of work persists their changes."""

from __future__ import annotations

from sqlalchemy.orm import registry

from bot.domain.announcements import Announcement, AnnouncementPost
from bot.domain.booking import Booking, BookingChange, ServiceVisit, VehicleRecall
from bot.domain.care import OutboxMessage, SurveyAnswer
from bot.domain.club_events import ClubEvent, EventFeedback, Rsvp
from bot.domain.clubs import Club, ClubMember
from bot.domain.deliveries import DurableMessage
from bot.domain.linking import LinkAttempt
from bot.domain.loyalty import (
    LedgerEntry,
    LoyaltyAccount,
    PointLot,
    PointSpend,
    Redemption,
    RewardStock,
    SpendAllocation,
    StatusAward,
)
from bot.domain.owners import Account, ConsentRecord, Conversation, Owner, Vehicle
from bot.domain.questions import DealerQuestion, QuestionMessage
from bot.domain.referrals import Attribution, Referral, ReferralCode, StageChange
from bot.domain.staff import AuditEntry, StaffMember
from bot.domain.stories import ExpertQuestion, ExpertSession, Story
from storage import tables

mapper_registry = registry(metadata=tables.metadata)
_mapped = False


def map_domain() -> None:
    """Idempotent: safe to call from every entry point and test."""
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Owner, tables.owners)
    mapper_registry.map_imperatively(Vehicle, tables.vehicles)
    mapper_registry.map_imperatively(Account, tables.accounts)
    mapper_registry.map_imperatively(ConsentRecord, tables.consent_records)
    mapper_registry.map_imperatively(Conversation, tables.conversations)
    mapper_registry.map_imperatively(LinkAttempt, tables.link_attempts)
    mapper_registry.map_imperatively(StaffMember, tables.staff)
    mapper_registry.map_imperatively(AuditEntry, tables.audit_log)
    mapper_registry.map_imperatively(Club, tables.clubs)
    mapper_registry.map_imperatively(ClubMember, tables.club_members)
    mapper_registry.map_imperatively(ClubEvent, tables.club_events)
    mapper_registry.map_imperatively(Rsvp, tables.event_rsvps)
    mapper_registry.map_imperatively(Announcement, tables.announcements)
    mapper_registry.map_imperatively(AnnouncementPost, tables.announcement_posts)
    mapper_registry.map_imperatively(EventFeedback, tables.event_feedback)
    mapper_registry.map_imperatively(LoyaltyAccount, tables.loyalty_accounts)
    mapper_registry.map_imperatively(PointLot, tables.point_lots)
    mapper_registry.map_imperatively(LedgerEntry, tables.ledger_entries)
    mapper_registry.map_imperatively(PointSpend, tables.point_spends)
    mapper_registry.map_imperatively(SpendAllocation, tables.spend_allocations)
    mapper_registry.map_imperatively(StatusAward, tables.status_awards)
    mapper_registry.map_imperatively(RewardStock, tables.reward_stock)
    mapper_registry.map_imperatively(Redemption, tables.redemptions)
    mapper_registry.map_imperatively(OutboxMessage, tables.outbox)
    mapper_registry.map_imperatively(DurableMessage, tables.deliveries)
    mapper_registry.map_imperatively(SurveyAnswer, tables.survey_answers)
    mapper_registry.map_imperatively(Booking, tables.bookings)
    mapper_registry.map_imperatively(BookingChange, tables.booking_changes)
    mapper_registry.map_imperatively(ServiceVisit, tables.service_visits)
    mapper_registry.map_imperatively(VehicleRecall, tables.vehicle_recalls)
    mapper_registry.map_imperatively(ReferralCode, tables.referral_codes)
    mapper_registry.map_imperatively(Referral, tables.referrals)
    mapper_registry.map_imperatively(Attribution, tables.referral_attributions)
    mapper_registry.map_imperatively(StageChange, tables.referral_stage_changes)
    mapper_registry.map_imperatively(DealerQuestion, tables.dealer_questions)
    mapper_registry.map_imperatively(QuestionMessage, tables.question_messages)
    mapper_registry.map_imperatively(Story, tables.stories)
    mapper_registry.map_imperatively(ExpertSession, tables.expert_sessions)
    mapper_registry.map_imperatively(ExpertQuestion, tables.expert_questions)
    _mapped = True
