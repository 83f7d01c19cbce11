"""The unit of work: one transaction per update or job. It commits; repositories don't."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.domain.events import DomainEvent
from bot.services import ports
from storage.care.outbox import SqlOutboxRepository
from storage.care.planner import SqlCarePlanner
from storage.care.surveys import SqlSurveyAnswerRepository
from storage.db import WriteGate, is_sqlite
from storage.kpi_repository import SqlKpiRepository
from storage.locks import held_alone
from storage.loyalty.accounts import SqlLoyaltyAccountRepository, SqlStatusAwardRepository
from storage.loyalty.journal import SqlLedgerRepository, SqlPointSpendRepository
from storage.loyalty.lots import SqlPointLotRepository
from storage.loyalty.rewards import SqlRedemptionRepository, SqlRewardStockRepository
from storage.mapping import map_domain
from storage.repositories.announcements import (
    SqlAnnouncementPostRepository,
    SqlAnnouncementRepository,
)
from storage.repositories.bookings import (
    SqlBookingHistory,
    SqlBookingRepository,
    SqlRecallRepository,
    SqlSlotReservations,
    SqlVisitRepository,
)
from storage.repositories.channels import SqlAddressBook, SqlLinkAttempts, SqlMediaShelf
from storage.repositories.club_events import (
    SqlClubEventRepository,
    SqlEventFeedbackRepository,
    SqlRsvpRepository,
)
from storage.repositories.clubs import SqlClubMemberRepository, SqlClubRepository
from storage.repositories.deliveries import SqlChatMoves, SqlDeliveries
from storage.repositories.owner_imports import SqlOwnerImportStore
from storage.repositories.owners import (
    SqlAccountRepository,
    SqlConsentRepository,
    SqlConversationRepository,
    SqlOwnerRepository,
    SqlVehicleRepository,
)
from storage.repositories.platform import SqlConsoleScreens, SqlDealerDirectory, SqlUpdateLog
from storage.repositories.questions import SqlQuestionRepository
from storage.repositories.referrals import (
    SqlAttributions,
    SqlReferralCodes,
    SqlReferralFacts,
    SqlReferralFunnel,
    SqlReferralRepository,
    SqlStageHistory,
)
from storage.repositories.staff import SqlAuditLog, SqlStaffRepository
from storage.repositories.stories import (
    SqlExpertQuestionRepository,
    SqlExpertSessionRepository,
    SqlStoryRepository,
)


class SqlUnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gate: WriteGate | None,
        publisher: ports.EventPublisher,
    ) -> None:
        self._sessions = sessions
        self._gate = gate
        self._publisher = publisher

    async def __aenter__(self) -> Self:
        if self._gate is not None:
            await self._gate.__aenter__()
        self.session = self._sessions()
        self.owners: ports.OwnerRepository = SqlOwnerRepository(self.session)
        self.vehicles: ports.VehicleRepository = SqlVehicleRepository(self.session)
        self.owner_imports: ports.OwnerImportStore = SqlOwnerImportStore(self.session)
        self.accounts: ports.AccountRepository = SqlAccountRepository(self.session)
        self.consents: ports.ConsentRepository = SqlConsentRepository(self.session)
        self.conversations: ports.ConversationRepository = SqlConversationRepository(self.session)
        self.updates: ports.UpdateLog = SqlUpdateLog(self.session)
        self.dealers: ports.DealerDirectory = SqlDealerDirectory(self.session)
        self.staff: ports.StaffRepository = SqlStaffRepository(self.session)
        self.audit: ports.AuditLog = SqlAuditLog(self.session)
        self.loyalty_accounts: ports.LoyaltyAccountRepository = SqlLoyaltyAccountRepository(
            self.session
        )
        self.point_lots: ports.PointLotRepository = SqlPointLotRepository(self.session)
        self.point_spends: ports.PointSpendRepository = SqlPointSpendRepository(self.session)
        self.ledger: ports.LedgerRepository = SqlLedgerRepository(self.session)
        self.status_awards: ports.StatusAwardRepository = SqlStatusAwardRepository(self.session)
        self.reward_stock: ports.RewardStockRepository = SqlRewardStockRepository(self.session)
        self.redemptions: ports.RedemptionRepository = SqlRedemptionRepository(self.session)
        self.outbox: ports.OutboxRepository = SqlOutboxRepository(self.session)
        self.deliveries: ports.DeliveryRepository = SqlDeliveries(self.session)
        self.chat_moves: ports.ChatMoves = SqlChatMoves(self.session)
        self.survey_answers: ports.SurveyAnswerRepository = SqlSurveyAnswerRepository(self.session)
        self.care_planner: ports.CarePlanner = SqlCarePlanner(self.session)
        self.kpi: ports.KpiRepository = SqlKpiRepository(self.session)
        self.bookings: ports.BookingRepository = SqlBookingRepository(self.session)
        self.booking_changes: ports.BookingHistory = SqlBookingHistory(self.session)
        self.reservations: ports.SlotReservations = SqlSlotReservations(self.session)
        self.visits: ports.VisitRepository = SqlVisitRepository(self.session)
        self.recalls: ports.RecallRepository = SqlRecallRepository(self.session)
        self.referrals: ports.ReferralRepository = SqlReferralRepository(self.session)
        self.referral_facts: ports.ReferralFacts = SqlReferralFacts(self.session)
        self.stage_changes: ports.StageHistory = SqlStageHistory(self.session)
        self.referral_codes: ports.ReferralCodes = SqlReferralCodes(self.session)
        self.attributions: ports.Attributions = SqlAttributions(self.session)
        self.referral_funnel: ports.ReferralFunnel = SqlReferralFunnel(self.session)
        self.console_screens: ports.ConsoleScreenRepository = SqlConsoleScreens(self.session)
        self.addresses: ports.AddressBook = SqlAddressBook(self.session)
        self.media: ports.MediaShelf = SqlMediaShelf(self.session)
        self.link_attempts: ports.LinkAttempts = SqlLinkAttempts(self.session)
        self.questions: ports.QuestionRepository = SqlQuestionRepository(self.session)
        self.clubs: ports.ClubRepository = SqlClubRepository(self.session)
        self.club_members: ports.ClubMemberRepository = SqlClubMemberRepository(self.session)
        self.club_events: ports.ClubEventRepository = SqlClubEventRepository(self.session)
        self.rsvps: ports.RsvpRepository = SqlRsvpRepository(self.session)
        self.announcements: ports.AnnouncementRepository = SqlAnnouncementRepository(self.session)
        self.announcement_posts: ports.AnnouncementPostRepository = SqlAnnouncementPostRepository(
            self.session
        )
        self.stories: ports.StoryRepository = SqlStoryRepository(self.session)
        self.expert_sessions: ports.ExpertSessionRepository = SqlExpertSessionRepository(
            self.session
        )
        self.expert_questions: ports.ExpertQuestionRepository = SqlExpertQuestionRepository(
            self.session
        )
        self.event_feedback: ports.EventFeedbackRepository = SqlEventFeedbackRepository(
            self.session
        )
        self.events: list[DomainEvent] = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            # Closing rolls back whatever was not committed; unlike rollback() it
            # leaves loaded objects readable after the unit of work.
            await self.session.close()
        finally:
            if self._gate is not None:
                await self._gate.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        await self._publisher.publish(self)
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def flush(self) -> None:
        await self.session.flush()


class Database:
    """Owns the engine; hands out units of work."""

    def __init__(self, engine: AsyncEngine, publisher: ports.EventPublisher) -> None:
        map_domain()
        self.engine = engine
        self.publisher = publisher
        self.sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self.gate = WriteGate() if is_sqlite(str(engine.url)) else None

    @property
    def concurrent_writers(self) -> bool:
        """Whether transactions can write side by side (PostgreSQL; SQLite has one writer)."""
        return self.gate is None

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, self.gate, self.publisher)

    def alone(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Whether this process may run `name` with no other process running it."""
        return held_alone(self.engine, name)

    async def dispose(self) -> None:
        await self.engine.dispose()
