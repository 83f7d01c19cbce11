"""A table module: the schema. Alembic migrations in `storage/migrations` must produce
exactly this (a test compares them on SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    text,
)

from bot.domain.announcements import AnnouncementStatus, PostStatus
from bot.domain.booking import BookingStatus, RecallState, VisitSource
from bot.domain.care import Category, OutboxStatus, Rule
from bot.domain.club_events import RsvpStatus
from bot.domain.clubs import Interest, MemberStatus
from bot.domain.loyalty import EntryKind, RedemptionStatus, SpendKind, Tier
from bot.domain.owners import ConsentCategory, OwnerSource
from bot.domain.questions import Author
from bot.domain.referrals import NoReward, Source, Stage
from bot.domain.staff import Role
from bot.domain.stories import ExpertQuestionStatus, SessionStatus, StoryStatus
from storage.types import BigId, EnumText, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

dealers = Table(
    "dealers",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("market", String(2), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("city", String(100), nullable=False),
    Column("address", String(300), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("staff_chat_id", BigInteger, nullable=True),
)

owners = Table(
    "owners",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("market", String(2), nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False, default=""),
    Column("phone", String(20), nullable=True, unique=True),
    Column("locale", String(16), nullable=True),
    Column("locale_on_file", String(16), nullable=True),
    Column("birthday", Date, nullable=True, index=True),
    Column("timezone", String(64), nullable=True),
    # Current consent, for set-based queries; the history is in consent_records.
    Column("consent_service", Boolean, nullable=True),
    Column("consent_marketing", Boolean, nullable=True),
    Column("send_from_hour", SmallInteger, nullable=False),
    Column("send_until_hour", SmallInteger, nullable=False),
    Column("source", EnumText(OwnerSource, 16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("erased_at", UtcDateTime, nullable=True),
    # The channel care messages go to (telegram, whatsapp, line); NULL: the last used.
    Column("preferred_channel", String(16), nullable=True),
)

vehicles = Table(
    "vehicles",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("vin", String(17), nullable=True, unique=True),
    Column("model", String(16), nullable=False),
    Column("model_year", SmallInteger, nullable=True),
    Column("delivery_date", Date, nullable=True),
    Column("mileage_km", Integer, nullable=True),
    Column("mileage_recorded_on", Date, nullable=True),
    Column("mileage_source", String(8), nullable=True),  # "owner", "dealer" or "import"
    # The highest reading a dealer recorded: an owner's correction stays above it.
    Column("dealer_mileage_km", Integer, nullable=True),
    Column("dealer_mileage_on", Date, nullable=True),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=True),
    Column("insurance_renewal_on", Date, nullable=True),
    Column("registration_renewal_on", Date, nullable=True),
    # The care planner selects vehicles by these dates, set-based.
    Index("ix_vehicles_delivery_date", "delivery_date"),
    Index("ix_vehicles_insurance_renewal_on", "insurance_renewal_on"),
    Index("ix_vehicles_registration_renewal_on", "registration_renewal_on"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("owner_id", ForeignKey("owners.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("language_code", String(35), nullable=False, default=""),
    Column("locale", String(16), nullable=True),
    Column("start_payload", String(64), nullable=False, default=""),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("linked_at", UtcDateTime, nullable=True, index=True),
    Column("unreachable_at", UtcDateTime, nullable=True),
    # When the person last wrote (to the minute): the channel used last, WhatsApp's window.
    Column("last_seen_at", UtcDateTime, nullable=True),
    UniqueConstraint("channel", "user_id"),
)

consent_records = Table(
    "consent_records",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("category", EnumText(ConsentCategory, 16), nullable=False),
    Column("granted", Boolean, nullable=False),
    Column("wording_version", String(32), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("channel", String(16), primary_key=True),
    Column("chat_id", BigInteger, primary_key=True),
    Column("user_id", BigInteger, primary_key=True),
    Column("state", String(64), nullable=False, default=""),
    Column("data", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=True),
)

# Each platform update is processed once: its id is recorded in the same transaction
# as its effects (docs/design.md, "Updates are processed once").
processed_updates = Table(
    "processed_updates",
    metadata,
    Column("channel", String(16), primary_key=True),
    Column("update_id", String(128), primary_key=True),
    Column("processed_at", UtcDateTime, nullable=False),
    Index("ix_processed_updates_processed_at", "processed_at"),
)

# Telegram updates received by some worker and not handled yet, for per-chat order
# across workers (storage/chat_turns.py); a row lives while its update waits or runs.
update_inbox = Table(
    "update_inbox",
    metadata,
    Column("channel", String(16), primary_key=True),
    Column("chat_id", BigInteger, primary_key=True),
    Column("update_id", BigInteger, primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
)

staff = Table(
    "staff",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("role", EnumText(Role, 16), nullable=False),
    Column("name", String(100), nullable=False),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("market", String(8), nullable=True),  # a market manager's market
    UniqueConstraint("channel", "user_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("actor", String(64), nullable=False),
    Column("action", String(48), nullable=False),
    Column("target", String(64), nullable=False, index=True),
    Column("reason", String(500), nullable=False),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("details", JSON, nullable=False),
)

# --- loyalty (bot/domain/loyalty.py) ---------------------------------------------------

loyalty_accounts = Table(
    "loyalty_accounts",
    metadata,
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), primary_key=True),
    Column("tier", EnumText(Tier, 16), nullable=False, index=True),
    Column("tier_since", UtcDateTime, nullable=False),
    Column("review_due_at", UtcDateTime, nullable=False, index=True),
    Column("demotion_notice_at", UtcDateTime, nullable=True),
)

point_lots = Table(
    "point_lots",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("points", Integer, nullable=False),
    Column("remaining", Integer, nullable=False),
    Column("source", String(24), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("rule", String(48), nullable=False),
    Column("earned_at", UtcDateTime, nullable=False),
    Column("available_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("actor", String(64), nullable=False),
    # A replayed event never pays twice.
    UniqueConstraint("source", "source_id", "rule", name="uq_point_lots_award"),
    CheckConstraint("remaining >= 0 AND remaining <= points", name="remaining_within_points"),
    Index("ix_point_lots_owner_expiry", "owner_id", "expires_at"),
    Index("ix_point_lots_expiry_open", "expires_at", "remaining"),
)

point_spends = Table(
    "point_spends",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("points", Integer, nullable=False),
    Column("kind", EnumText(SpendKind, 16), nullable=False),
    Column("request_key", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("refunded_at", UtcDateTime, nullable=True),
    # A second tap on "confirm" spends once.
    UniqueConstraint("owner_id", "request_key", name="uq_point_spends_request"),
)

spend_allocations = Table(
    "spend_allocations",
    metadata,
    Column("spend_id", ForeignKey("point_spends.id", ondelete="CASCADE"), primary_key=True),
    Column("lot_id", ForeignKey("point_lots.id", ondelete="CASCADE"), primary_key=True),
    Column("points", Integer, nullable=False),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("kind", EnumText(EntryKind, 16), nullable=False),
    Column("points", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("source", String(24), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("rule", String(48), nullable=False),
    Column("lot_id", ForeignKey("point_lots.id"), nullable=True),
    Column("spend_id", ForeignKey("point_spends.id"), nullable=True),
    Column("reverses_id", ForeignKey("ledger_entries.id"), nullable=True),
    Column("reason", String(500), nullable=False),
    Column("actor", String(64), nullable=False),
    Index("ix_ledger_entries_owner_created", "owner_id", "created_at"),
    Index("ix_ledger_entries_created", "created_at"),
)

status_awards = Table(
    "status_awards",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("points", Integer, nullable=False),
    Column("source", String(24), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("rule", String(48), nullable=False),
    Column("earned_at", UtcDateTime, nullable=False),
    Column("reversed_at", UtcDateTime, nullable=True),
    UniqueConstraint("source", "source_id", "rule", name="uq_status_awards_award"),
    Index("ix_status_awards_owner_earned", "owner_id", "earned_at"),
)

reward_stock = Table(
    "reward_stock",
    metadata,
    Column("market", String(2), primary_key=True),
    Column("reward_key", String(32), primary_key=True),
    Column("stock", Integer, nullable=True),
    CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
)

redemptions = Table(
    "redemptions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("market", String(2), nullable=False),
    Column("reward_key", String(32), nullable=False),
    Column("points", Integer, nullable=False),
    Column("spend_id", ForeignKey("point_spends.id"), nullable=False),
    Column("status", EnumText(RedemptionStatus, 16), nullable=False),
    Column("request_key", String(64), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime, nullable=True),
    Column("code", String(24), nullable=True, unique=True),
    Column("receipt", String(24), nullable=True, unique=True),
    Column("used_at", UtcDateTime, nullable=True),
    Column("used_by", String(64), nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
    UniqueConstraint("owner_id", "request_key", name="uq_redemptions_request"),
)

# --- care messages (bot/domain/care.py) ----------------------------------------------

# Planned messages. The unique key (owner, rule, occurrence) makes planning idempotent:
# the planner may run twice, or on two machines, and plans nothing twice.
outbox = Table(
    "outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    # No foreign key: every row is queued from a join on owners, and owners are never
    # deleted (erasure blanks them); the check cost a third of a large plan's inserts.
    Column("owner_id", BigId, nullable=False),
    Column("rule", EnumText(Rule, 32), nullable=False),
    Column("occurrence", String(64), nullable=False),
    Column("category", EnumText(Category, 16), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("payload", JSON, nullable=False),
    Column("status", EnumText(OutboxStatus, 16), nullable=False),
    Column("attempts", SmallInteger, nullable=False),
    Column("lease_until", UtcDateTime, nullable=True),
    # The claim that holds the lease: a settle counts only while it is still this one.
    Column("lease_token", String(32), nullable=True),
    Column("last_error", String(300), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    UniqueConstraint("owner_id", "rule", "occurrence", name="uq_outbox_dedupe"),
    Index("ix_outbox_status_due", "status", "due_at"),
    # The frequency caps: an owner's messages sent in a window, by category. This and
    # the next are partial, so the planner's inserts of unsent rows don't pay for them.
    Index(
        "ix_outbox_owner_sent",
        "owner_id",
        "category",
        "sent_at",
        postgresql_where=text("sent_at IS NOT NULL"),
        sqlite_where=text("sent_at IS NOT NULL"),
    ),
    # Messages sent in a window, by rule (the planner's survey nudges and win-back
    # touches).
    Index(
        "ix_outbox_rule_sent",
        "rule",
        "sent_at",
        postgresql_where=text("sent_at IS NOT NULL"),
        sqlite_where=text("sent_at IS NOT NULL"),
    ),
)

# The incremental care planner: triggers (storage/care/changes.py) append the owner of
# every changed row; a run moves them to care_pending and plans those owners in full.
care_changes = Table(
    "care_changes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", BigInteger, nullable=False),
)

care_pending = Table(
    "care_pending",
    metadata,
    Column("owner_id", BigInteger, primary_key=True, autoincrement=False),
    # The owner's country, so a statement for some countries reads only their owners.
    Column("market", String(2), nullable=False),
    Index("ix_care_pending_market", "market", "owner_id"),
)

# Each vehicle's next service date as the planner's statements compute it, kept by the
# planner (refreshed for changed owners), so an index finds who a window reaches.
care_service_due = Table(
    "care_service_due",
    metadata,
    Column("vehicle_id", BigInteger, primary_key=True, autoincrement=False),
    Column("due_on", Date, nullable=False, index=True),
)

care_plan_state = Table(
    "care_plan_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("planned_at", UtcDateTime, nullable=False),
    Column("fingerprint", String(64), nullable=False),
)

# Screens that must arrive (staff cards, alerts, leads, notices to someone other than
# the person who wrote), rendered and written in the transaction of the change they
# tell of, delivered by the relay (bot/scheduler/relay.py).
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("screens", JSON, nullable=False),
    Column("status", EnumText(OutboxStatus, 16), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("attempts", SmallInteger, nullable=False),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("lease_token", String(32), nullable=True),
    Column("last_error", String(300), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Index("ix_deliveries_status_due", "status", "due_at"),
)

# A chat that moved (a Telegram group upgraded to a supergroup gets a new id): sends to
# the old id go to the new one. Staff chat ids stay as the reference data says.
chat_moves = Table(
    "chat_moves",
    metadata,
    Column("channel", String(16), primary_key=True),
    Column("old_chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("new_chat_id", BigInteger, nullable=False),
    Column("moved_at", UtcDateTime, nullable=False),
)

# --- service booking --------------------------------------------------------------

bookings = Table(
    "bookings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=False),
    Column("services", JSON, nullable=False),
    Column("starts_at", UtcDateTime, nullable=False, index=True),
    Column("ends_at", UtcDateTime, nullable=False, index=True),
    Column("bay", SmallInteger, nullable=False),
    Column("transport", String(16), nullable=False),
    Column("notes", String(500), nullable=False),
    Column("status", EnumText(BookingStatus, 16), nullable=False),
    Column("proposed", Boolean, nullable=False),
    # The confirm token of the chat flow: a second tap finds the booking it made.
    Column("request_key", String(32), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_bookings_dealer_code_starts_at", "dealer_code", "starts_at"),
)

booking_changes = Table(
    "booking_changes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("booking_id", ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("from_status", EnumText(BookingStatus, 16), nullable=True),
    Column("to_status", EnumText(BookingStatus, 16), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("reason", String(500), nullable=False),
)

# No double booking on any database (docs/design.md, Bookings): each booking reserves its
# slot units, and the unique constraint makes the database itself refuse the loser of a race.
slot_reservations = Table(
    "slot_reservations",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=False),
    Column("bay", SmallInteger, nullable=False),
    Column("unit_start", UtcDateTime, nullable=False),
    Column("booking_id", ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, index=True),
    UniqueConstraint("dealer_code", "bay", "unit_start"),
    Index("ix_slot_reservations_dealer_code_unit_start", "dealer_code", "unit_start"),
)

service_visits = Table(
    "service_visits",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=False),
    Column("visited_on", Date, nullable=False, index=True),
    Column("mileage_km", Integer, nullable=True),
    Column("invoice_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("services", JSON, nullable=False),
    Column(
        "booking_id",
        ForeignKey("bookings.id", ondelete="SET NULL"),
        nullable=True,
        unique=True,
    ),
    Column("source", EnumText(VisitSource, 16), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False, index=True),
)

# Safety recalls by VIN, as the manufacturer publishes them; `vehicle_id` links the
# vehicles we know (a VIN imported later finds its recalls by VIN).
vehicle_recalls = Table(
    "vehicle_recalls",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("vin", String(17), nullable=False),
    Column("campaign_code", String(32), nullable=False),
    Column("title", String(300), nullable=False),
    Column("titles", JSON, nullable=False),
    Column("published_on", Date, nullable=False),
    Column("state", EnumText(RecallState, 8), nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("imported_at", UtcDateTime, nullable=False),
    UniqueConstraint("vin", "campaign_code"),
)

# --- referrals (bot/domain/referrals.py) -------------------------------------------------

referral_codes = Table(
    "referral_codes",
    metadata,
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("referrer_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("market", String(2), nullable=False),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=False),
    Column("friend_name", String(100), nullable=False),
    Column("friend_phone", String(20), nullable=True),
    Column("source", EnumText(Source, 8), nullable=False),
    Column("model", String(16), nullable=True),
    Column("stage", EnumText(Stage, 24), nullable=False),
    Column("furthest", EnumText(Stage, 24), nullable=False),
    # Rank of `furthest` in the funnel (0 = lead ... 5 = delivered): the funnel report
    # counts "reached at least this stage" with one comparison.
    Column("progress", SmallInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("stage_at", UtcDateTime, nullable=True),
    Column("consent_at", UtcDateTime, nullable=True),
    Column("no_reward", EnumText(NoReward, 24, empty_is_none=True), nullable=False),
    Column("friend_account_id", ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("rewarded_at", UtcDateTime, nullable=True),
    Column("owner_told", EnumText(Stage, 24), nullable=False),
    CheckConstraint("progress >= 0 AND progress <= 5", name="progress_in_funnel"),
    Index("ix_referrals_referrer_created", "referrer_id", "created_at"),
    Index("ix_referrals_phone_created", "friend_phone", "created_at"),
    Index("ix_referrals_dealer_stage", "dealer_code", "stage"),
    Index("ix_referrals_market_created", "market", "created_at"),
)

# Who opened whose link: the first link a person opens wins (the unique key decides a
# race), and it becomes a lead when they share their phone within 90 days.
referral_attributions = Table(
    "referral_attributions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("referrer_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("attributed_at", UtcDateTime, nullable=False),
    Column("referral_id", ForeignKey("referrals.id", ondelete="SET NULL"), nullable=True),
    UniqueConstraint("channel", "user_id", name="uq_referral_attributions_user"),
)

referral_stage_changes = Table(
    "referral_stage_changes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "referral_id",
        ForeignKey("referrals.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("from_stage", EnumText(Stage, 24, empty_is_none=True), nullable=False),
    Column("to_stage", EnumText(Stage, 24), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("note", String(200), nullable=False),
)


# Answers to the post-visit survey (one per visit): NPS and the dealer's follow-up.
survey_answers = Table(
    "survey_answers",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "visit_id",
        ForeignKey("service_visits.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=False),
    Column("score", SmallInteger, nullable=False),
    Column("comment", String(1000), nullable=False),
    Column("answered_at", UtcDateTime, nullable=False, index=True),
    CheckConstraint("score >= 0 AND score <= 10", name="score_0_to_10"),
)

# The console's last screen with buttons, per chat, so `#N` presses it from a new
# console process (a piped script carrying a conversation across runs).
console_screens = Table(
    "console_screens",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("message_id", Integer, nullable=False),
    Column("buttons", JSON, nullable=False),  # [[code or URL, label], ...] in `#N` order
    Column("shown_at", UtcDateTime, nullable=False),
)

# A platform's string ids (LINE's "U4af4980629...") as the ints flows use: the row id
# for a user, its negative for a group (bot/services/ports/channels.py).
channel_addresses = Table(
    "channel_addresses",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("address", String(64), nullable=False),
    Column("is_group", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("gone_at", UtcDateTime, nullable=True),  # the bot left the group
    UniqueConstraint("channel", "address"),
)

# Files served by URL (/media/<token>) to platforms that fetch them (LINE).
media_files = Table(
    "media_files",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("filename", String(128), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)

# Answers to "the last 6 characters of your VIN" (bot/domain/linking.py): kept so a
# lockout holds across restarts and workers.
link_attempts = Table(
    "link_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("succeeded", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False, index=True),
    Index("ix_link_attempts_channel_user_id", "channel", "user_id"),
)

# Ask the dealer (bot/domain/questions.py): an owner's question thread with a dealer.
# The thread outlives /forget (anonymous, for first-response times); its messages don't.
dealer_questions = Table(
    "dealer_questions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=False, index=True),
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="SET NULL"), nullable=True),
    Column("locale", String(16), nullable=False),
    Column("asked_at", UtcDateTime, nullable=False, index=True),
    Column("first_answer_at", UtcDateTime, nullable=True),
    Column("last_message_at", UtcDateTime, nullable=False),
)

question_messages = Table(
    "question_messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "question_id",
        ForeignKey("dealer_questions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("author", EnumText(Author, 8), nullable=False),
    Column("staff_id", ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
    Column("text", String(1500), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
)

# --- owner clubs (bot/domain/clubs.py) ---------------------------------------------------

clubs = Table(
    "clubs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("market", String(2), nullable=False),
    Column("languages", String(64), nullable=False),
    Column("owners_only", Boolean, nullable=False),
    Column("model", String(16), nullable=True),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=True),
    Column("interest", EnumText(Interest, 16), nullable=True),
    Column("linked_by", String(64), nullable=False),
    Column("linked_at", UtcDateTime, nullable=False),
    Column("unlinked_at", UtcDateTime, nullable=True),
    UniqueConstraint("channel", "chat_id"),
)

club_members = Table(
    "club_members",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("club_id", ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("owner_id", ForeignKey("owners.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("status", EnumText(MemberStatus, 16), nullable=False),
    Column("joined_at", UtcDateTime, nullable=False),
    Column("flagged_at", UtcDateTime, nullable=True),
    UniqueConstraint("club_id", "user_id"),
)

club_events = Table(
    "club_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("market", String(2), nullable=False),
    Column("club_id", ForeignKey("clubs.id", ondelete="SET NULL"), nullable=True),
    Column("model", String(16), nullable=True),
    Column("starts_at", UtcDateTime, nullable=False, index=True),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("place", String(200), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("co_creators_first", Boolean, nullable=False),
    Column("texts", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("cancelled_at", UtcDateTime, nullable=True),
    CheckConstraint("capacity > 0", name="capacity_positive"),
)

event_rsvps = Table(
    "event_rsvps",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", ForeignKey("club_events.id", ondelete="CASCADE"), nullable=False),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", EnumText(RsvpStatus, 16), nullable=False),
    Column("co_creator", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("checkin_code", String(16), nullable=False, unique=True),
    Column("attended_at", UtcDateTime, nullable=True),
    UniqueConstraint("event_id", "owner_id"),
    Index("ix_event_rsvps_event_status", "event_id", "status"),
)

# --- announcements (bot/domain/announcements.py) -------------------------------------------

announcements = Table(
    "announcements",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("market", String(2), nullable=True),
    Column("texts", JSON, nullable=False),
    Column("audience", JSON, nullable=False),
    Column("buttons", JSON, nullable=False),
    Column("photo", String(256), nullable=True),
    Column("send_at_local", String(16), nullable=True),
    Column("pin", Boolean, nullable=False),
    Column("status", EnumText(AnnouncementStatus, 16), nullable=False, index=True),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("edited_at", UtcDateTime, nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
)

# One group's copy: the message id is kept to edit (a correction) and pin it.
announcement_posts = Table(
    "announcement_posts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "announcement_id",
        ForeignKey("announcements.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("club_id", ForeignKey("clubs.id", ondelete="SET NULL"), nullable=True),
    Column("channel", String(16), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("locales", String(64), nullable=False),
    Column("status", EnumText(PostStatus, 16), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("message_id", BigInteger, nullable=True),
    Column("pinned", Boolean, nullable=False),
    Column("needs_edit", Boolean, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("lease_token", String(32), nullable=True),
    Column("last_error", String(300), nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    UniqueConstraint("announcement_id", "channel", "chat_id"),
    Index("ix_announcement_posts_due", "status", "due_at"),
)

# --- owners' stories and expert Q&A (bot/domain/stories.py) ---------------------------
# What owners wrote goes with /forget (the rows are deleted); the loyalty award keeps
# only the story's number.

stories = Table(
    "stories",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("dealer_code", ForeignKey("dealers.code"), nullable=False),
    Column("market", String(2), nullable=False),
    Column("locale", String(16), nullable=False),
    Column("text", String(1500), nullable=False),
    Column("photos", JSON, nullable=False),
    Column("consented_at", UtcDateTime, nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("status", EnumText(StoryStatus, 16), nullable=False),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decided_by", String(64), nullable=True),
    Column("club_id", ForeignKey("clubs.id", ondelete="SET NULL"), nullable=True),
)

expert_sessions = Table(
    "expert_sessions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("club_id", ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("topic", String(120), nullable=False),
    Column("expert", String(80), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("status", EnumText(SessionStatus, 16), nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("posted_at", UtcDateTime, nullable=True),
)

expert_questions = Table(
    "expert_questions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "session_id",
        ForeignKey("expert_sessions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("locale", String(16), nullable=False),
    Column("text", String(500), nullable=False),
    Column("asked_at", UtcDateTime, nullable=False),
    Column("status", EnumText(ExpertQuestionStatus, 16), nullable=False),
    Column("answer", String(1500), nullable=True),
    Column("answered_by", String(64), nullable=True),
    Column("answered_at", UtcDateTime, nullable=True),
)

# The survey the day after an event: one answer per seat (rsvp_id is unique).
event_feedback = Table(
    "event_feedback",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", ForeignKey("club_events.id", ondelete="CASCADE"), nullable=False),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column(
        "rsvp_id", ForeignKey("event_rsvps.id", ondelete="CASCADE"), nullable=False, unique=True
    ),
    Column("rating", SmallInteger, nullable=False),
    Column("comment", String(1000), nullable=False),
    Column("answered_at", UtcDateTime, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
)
