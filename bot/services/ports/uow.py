"""The unit of work: one transaction, the repositories inside it, and its domain events."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from bot.domain.events import DomainEvent
from bot.services.ports.announcements import AnnouncementPostRepository, AnnouncementRepository
from bot.services.ports.bookings import (
    BookingHistory,
    BookingRepository,
    RecallRepository,
    SlotReservations,
    VisitRepository,
)
from bot.services.ports.care import CarePlanner, OutboxRepository, SurveyAnswerRepository
from bot.services.ports.channels import AddressBook, LinkAttempts, MediaShelf
from bot.services.ports.club_events import (
    ClubEventRepository,
    EventFeedbackRepository,
    RsvpRepository,
)
from bot.services.ports.clubs import ClubMemberRepository, ClubRepository
from bot.services.ports.deliveries import ChatMoves, DeliveryRepository
from bot.services.ports.loyalty import (
    LedgerRepository,
    LoyaltyAccountRepository,
    PointLotRepository,
    PointSpendRepository,
    RedemptionRepository,
    RewardStockRepository,
    StatusAwardRepository,
)
from bot.services.ports.owner_imports import OwnerImportStore
from bot.services.ports.owners import (
    AccountRepository,
    ConsentRepository,
    ConversationRepository,
    OwnerRepository,
    VehicleRepository,
)
from bot.services.ports.platform import ConsoleScreenRepository, DealerDirectory, UpdateLog
from bot.services.ports.questions import QuestionRepository
from bot.services.ports.referrals import (
    Attributions,
    ReferralCodes,
    ReferralFacts,
    ReferralFunnel,
    ReferralRepository,
    StageHistory,
)
from bot.services.ports.reports import KpiRepository
from bot.services.ports.staff import AuditLog, StaffRepository
from bot.services.ports.stories import (
    ExpertQuestionRepository,
    ExpertSessionRepository,
    StoryRepository,
)


class UnitOfWork(Protocol):
    owners: OwnerRepository
    vehicles: VehicleRepository
    owner_imports: OwnerImportStore
    accounts: AccountRepository
    consents: ConsentRepository
    conversations: ConversationRepository
    updates: UpdateLog
    dealers: DealerDirectory
    staff: StaffRepository
    audit: AuditLog
    loyalty_accounts: LoyaltyAccountRepository
    point_lots: PointLotRepository
    point_spends: PointSpendRepository
    ledger: LedgerRepository
    status_awards: StatusAwardRepository
    reward_stock: RewardStockRepository
    redemptions: RedemptionRepository
    outbox: OutboxRepository
    deliveries: DeliveryRepository
    chat_moves: ChatMoves
    survey_answers: SurveyAnswerRepository
    care_planner: CarePlanner
    kpi: KpiRepository
    bookings: BookingRepository
    booking_changes: BookingHistory
    reservations: SlotReservations
    visits: VisitRepository
    recalls: RecallRepository
    referrals: ReferralRepository
    referral_facts: ReferralFacts
    stage_changes: StageHistory
    referral_codes: ReferralCodes
    attributions: Attributions
    referral_funnel: ReferralFunnel
    console_screens: ConsoleScreenRepository
    addresses: AddressBook
    media: MediaShelf
    link_attempts: LinkAttempts
    questions: QuestionRepository
    clubs: ClubRepository
    club_members: ClubMemberRepository
    club_events: ClubEventRepository
    rsvps: RsvpRepository
    announcements: AnnouncementRepository
    announcement_posts: AnnouncementPostRepository
    stories: StoryRepository
    expert_sessions: ExpertSessionRepository
    expert_questions: ExpertQuestionRepository
    event_feedback: EventFeedbackRepository
    events: list[DomainEvent]  # raised in this unit of work; commit() publishes them

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None:
        """Hand every pending event to its subscribers (they may raise more), then commit."""
        ...

    async def rollback(self) -> None: ...
    async def flush(self) -> None:
        """Send pending changes to the database; added objects get their ids."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class EventPublisher(Protocol):
    """What a unit of work publishes its events through (bot.services.bus.MessageBus)."""

    async def publish(self, uow: UnitOfWork) -> None: ...
