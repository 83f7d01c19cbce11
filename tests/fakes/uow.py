"""A unit of work in memory for service tests: the repositories of owners, staff,
bookings, referrals, the points ledger, the outbox and survey answers behave like the
SQL ones for what the services use (ids on flush, the unique keys and CHECK
constraints, the orderings), and committing publishes the domain events through the
app's real bus. The care planner's statements and the reports are SQL and not faked:
a test that needs them runs on a database (the `empty_app` fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any, NoReturn, Self

from bot.app import build_bus
from bot.clock import FixedClock
from bot.domain.events import DomainEvent
from bot.domain.reference import Reference
from bot.services import ports
from bot.services.bus import MessageBus
from tests.fakes.announcement_repos import (
    FakeAnnouncementPostRepository,
    FakeAnnouncementRepository,
)
from tests.fakes.booking_repos import (
    FakeBookingHistory,
    FakeBookingRepository,
    FakeRecallRepository,
    FakeSlotReservations,
    FakeVisitRepository,
)
from tests.fakes.care_repos import FakeOutbox, FakeSurveyAnswers
from tests.fakes.club_event_repos import (
    FakeClubEventRepository,
    FakeEventFeedbackRepository,
    FakeRsvpRepository,
)
from tests.fakes.club_repos import FakeClubMemberRepository, FakeClubRepository
from tests.fakes.loyalty_repos import (
    FakeLedger,
    FakeLoyaltyAccounts,
    FakePointLots,
    FakePointSpends,
    FakeRedemptions,
    FakeRewardStock,
    FakeStatusAwards,
)
from tests.fakes.owner_repos import (
    FakeAccountRepository,
    FakeConsentRepository,
    FakeConversationRepository,
    FakeOwnerRepository,
    FakeVehicleRepository,
)
from tests.fakes.question_repos import FakeQuestions
from tests.fakes.referral_repos import (
    FakeAttributions,
    FakeReferralCodes,
    FakeReferralFacts,
    FakeReferralRepository,
    FakeStageHistory,
)
from tests.fakes.staff_repos import FakeAuditLog, FakeStaffRepository
from tests.fakes.store import Store
from tests.fakes.story_repos import FakeExpertQuestions, FakeExpertSessions, FakeStories


class NotFaked:
    """Stands in for a repository the fakes don't cover; any use says so."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> NoReturn:
        raise NotImplementedError(
            f"uow.{self._name}.{attribute} is not faked: run this test on a database"
        )


def _not_faked(name: str) -> Any:
    return NotFaked(name)


class FakeDatabase:
    """What `Database` is to the SQL units of work: the store they share, and the bus
    they publish through."""

    def __init__(self, bus: MessageBus) -> None:
        self.store = Store()
        self.bus = bus

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, self.bus)


@dataclass
class FakeApp:
    """The parts of `bot.app.App` service tests use, over a fake database: helpers
    written for `App` (tests.conftest.Services) take either."""

    reference: Reference
    clock: FixedClock
    bus: MessageBus
    database: FakeDatabase

    @classmethod
    def build(cls, reference: Reference, clock: FixedClock) -> FakeApp:
        bus = build_bus(reference, clock)  # the features' real subscribers
        return cls(reference, clock, bus, FakeDatabase(bus))


class FakeUnitOfWork:
    def __init__(self, store: Store, publisher: ports.EventPublisher) -> None:
        self.store = store
        self._publisher = publisher
        self.owners: ports.OwnerRepository = FakeOwnerRepository(store)
        self.vehicles: ports.VehicleRepository = FakeVehicleRepository(store)
        self.owner_imports: ports.OwnerImportStore = _not_faked("owner_imports")
        self.accounts: ports.AccountRepository = FakeAccountRepository(store)
        self.consents: ports.ConsentRepository = FakeConsentRepository(store)
        self.conversations: ports.ConversationRepository = FakeConversationRepository(store)
        self.staff: ports.StaffRepository = FakeStaffRepository(store)
        self.audit: ports.AuditLog = FakeAuditLog(store)
        self.bookings: ports.BookingRepository = FakeBookingRepository(store)
        self.booking_changes: ports.BookingHistory = FakeBookingHistory(store)
        self.reservations: ports.SlotReservations = FakeSlotReservations(store)
        self.visits: ports.VisitRepository = FakeVisitRepository(store)
        self.recalls: ports.RecallRepository = FakeRecallRepository(store)
        self.referrals: ports.ReferralRepository = FakeReferralRepository(store)
        self.referral_facts: ports.ReferralFacts = FakeReferralFacts(store)
        self.stage_changes: ports.StageHistory = FakeStageHistory(store)
        self.referral_codes: ports.ReferralCodes = FakeReferralCodes(store)
        self.attributions: ports.Attributions = FakeAttributions(store)
        self.updates: ports.UpdateLog = _not_faked("updates")
        self.dealers: ports.DealerDirectory = _not_faked("dealers")
        self.loyalty_accounts: ports.LoyaltyAccountRepository = FakeLoyaltyAccounts(store)
        self.point_lots: ports.PointLotRepository = FakePointLots(store)
        self.point_spends: ports.PointSpendRepository = FakePointSpends(store)
        self.ledger: ports.LedgerRepository = FakeLedger(store)
        self.status_awards: ports.StatusAwardRepository = FakeStatusAwards(store)
        self.reward_stock: ports.RewardStockRepository = FakeRewardStock(store)
        self.redemptions: ports.RedemptionRepository = FakeRedemptions(store)
        self.outbox: ports.OutboxRepository = FakeOutbox(store)
        self.deliveries: ports.DeliveryRepository = _not_faked("deliveries")
        self.chat_moves: ports.ChatMoves = _not_faked("chat_moves")
        self.survey_answers: ports.SurveyAnswerRepository = FakeSurveyAnswers(store)
        self.care_planner: ports.CarePlanner = _not_faked("care_planner")
        self.kpi: ports.KpiRepository = _not_faked("kpi")
        self.referral_funnel: ports.ReferralFunnel = _not_faked("referral_funnel")
        self.console_screens: ports.ConsoleScreenRepository = _not_faked("console_screens")
        self.addresses: ports.AddressBook = _not_faked("addresses")
        self.media: ports.MediaShelf = _not_faked("media")
        self.link_attempts: ports.LinkAttempts = _not_faked("link_attempts")
        self.questions: ports.QuestionRepository = FakeQuestions(store)
        self.clubs: ports.ClubRepository = FakeClubRepository(store)
        self.club_members: ports.ClubMemberRepository = FakeClubMemberRepository(store)
        self.club_events: ports.ClubEventRepository = FakeClubEventRepository(store)
        self.rsvps: ports.RsvpRepository = FakeRsvpRepository(store)
        self.announcements: ports.AnnouncementRepository = FakeAnnouncementRepository(store)
        self.announcement_posts: ports.AnnouncementPostRepository = FakeAnnouncementPostRepository(
            store
        )
        self.stories: ports.StoryRepository = FakeStories(store)
        self.expert_sessions: ports.ExpertSessionRepository = FakeExpertSessions(store)
        self.expert_questions: ports.ExpertQuestionRepository = FakeExpertQuestions(store)
        self.event_feedback: ports.EventFeedbackRepository = FakeEventFeedbackRepository(store)
        self.events: list[DomainEvent] = []
        self.commits = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.store.discard_pending()

    async def commit(self) -> None:
        await self._publisher.publish(self)
        self.store.flush()
        self.commits += 1

    async def rollback(self) -> None:
        """Forgets what was added since the last flush. Changes to objects already
        loaded stay (the fake has no snapshots): tests of rollbacks use a database."""
        self.store.discard_pending()
        self.events.clear()

    async def flush(self) -> None:
        self.store.flush()


def _conforms(database: FakeDatabase) -> ports.UnitOfWorkFactory:
    return database.uow  # mypy checks the fake against the port, repository by repository
