"""What the services need from storage, one module per aggregate. `storage` implements
these; tests fake them (tests/fakes)."""

from bot.services.ports.announcements import AnnouncementPostRepository, AnnouncementRepository
from bot.services.ports.bookings import (
    BookingHistory,
    BookingRepository,
    RecallRepository,
    SlotReservations,
    VisitRepository,
)
from bot.services.ports.care import CarePlanner, OutboxRepository, SurveyAnswerRepository
from bot.services.ports.channels import AddressBook, LinkAttempts, MediaShelf, StoredFile
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
from bot.services.ports.platform import (
    ChatTurns,
    ConsoleScreenRepository,
    DealerDirectory,
    ShownButtons,
    UpdateLog,
)
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
from bot.services.ports.uow import EventPublisher, UnitOfWork, UnitOfWorkFactory

__all__ = [
    "AccountRepository",
    "AddressBook",
    "AnnouncementPostRepository",
    "AnnouncementRepository",
    "Attributions",
    "AuditLog",
    "BookingHistory",
    "BookingRepository",
    "CarePlanner",
    "ChatMoves",
    "ChatTurns",
    "ClubEventRepository",
    "ClubMemberRepository",
    "ClubRepository",
    "ConsentRepository",
    "ConsoleScreenRepository",
    "ConversationRepository",
    "DealerDirectory",
    "DeliveryRepository",
    "EventFeedbackRepository",
    "EventPublisher",
    "ExpertQuestionRepository",
    "ExpertSessionRepository",
    "KpiRepository",
    "LedgerRepository",
    "LinkAttempts",
    "LoyaltyAccountRepository",
    "MediaShelf",
    "OutboxRepository",
    "OwnerImportStore",
    "OwnerRepository",
    "PointLotRepository",
    "PointSpendRepository",
    "QuestionRepository",
    "RecallRepository",
    "RedemptionRepository",
    "ReferralCodes",
    "ReferralFacts",
    "ReferralFunnel",
    "ReferralRepository",
    "RewardStockRepository",
    "RsvpRepository",
    "ShownButtons",
    "SlotReservations",
    "StaffRepository",
    "StageHistory",
    "StatusAwardRepository",
    "StoredFile",
    "StoryRepository",
    "SurveyAnswerRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UpdateLog",
    "VehicleRepository",
    "VisitRepository",
]
