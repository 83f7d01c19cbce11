"""Owners, their vehicles, their chat accounts and their consents.

Plain dataclasses; `storage` maps them onto tables (imperative mapping), so the rules
here never see the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any


class ConsentCategory(StrEnum):
    SERVICE = "service"  # reminders, booking updates, surveys
    MARKETING = "marketing"  # offers, news, win-back, birthday perks


# Bump when the wording a person agrees to changes; each record keeps the version.
CONSENT_WORDING_VERSION = {
    ConsentCategory.SERVICE: "service-2026-11",
    ConsentCategory.MARKETING: "marketing-2026-11",
}


class OwnerSource(StrEnum):
    CHAT = "chat"  # registered in chat
    IMPORT = "import"  # the dealer system's export


DEFAULT_SEND_FROM_HOUR = 9
DEFAULT_SEND_UNTIL_HOUR = 20


@dataclass(eq=False)
class Owner:
    market: str
    first_name: str
    created_at: datetime
    last_name: str = ""
    phone: str | None = None  # E.164; None once erased
    locale: str | None = None  # the owner's explicit choice in chat
    locale_on_file: str | None = None  # the language the dealer recorded
    birthday: date | None = None
    timezone: str | None = None  # None: the market's zone
    consent_service: bool | None = None  # None: not asked yet
    consent_marketing: bool | None = None
    send_from_hour: int = DEFAULT_SEND_FROM_HOUR
    send_until_hour: int = DEFAULT_SEND_UNTIL_HOUR
    source: OwnerSource = OwnerSource.CHAT
    erased_at: datetime | None = None
    preferred_channel: str | None = None  # where care messages go; None: the last used
    id: int | None = None

    @property
    def consent_asked(self) -> bool:
        return self.consent_service is not None and self.consent_marketing is not None

    @property
    def display_name(self) -> str:
        """How the bot addresses the owner: the first name, except that a name
        written in Chinese characters is said whole (陈伟)."""
        if self._chinese_name:
            return self.full_name
        return self.first_name or "—"

    @property
    def full_name(self) -> str:
        """For staff: "Lukas Becker"; a Chinese name family name first, "陈伟"."""
        if self._chinese_name:
            return f"{self.last_name}{self.first_name}"
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def _chinese_name(self) -> bool:
        return _han(self.first_name) and _han(self.last_name)

    def consents_to(self, category: ConsentCategory) -> bool:
        if category is ConsentCategory.SERVICE:
            return bool(self.consent_service)
        return bool(self.consent_marketing)

    def record_consent(
        self, category: ConsentCategory, granted: bool, channel: str, now: datetime
    ) -> ConsentRecord:
        if self.id is None:
            raise ValueError("owner must be stored before recording consent")
        if category is ConsentCategory.SERVICE:
            self.consent_service = granted
        else:
            self.consent_marketing = granted
        return ConsentRecord(
            owner_id=self.id,
            category=category,
            granted=granted,
            wording_version=CONSENT_WORDING_VERSION[category],
            channel=channel,
            recorded_at=now,
        )

    def erase(self, now: datetime) -> None:
        """Forget who this person is; keep the row for anonymous aggregates."""
        self.first_name = ""
        self.last_name = ""
        self.phone = None
        self.birthday = None
        self.locale = None
        self.locale_on_file = None
        self.consent_service = False
        self.consent_marketing = False
        self.erased_at = now


@dataclass(eq=False)
class Vehicle:
    owner_id: int
    model: str
    vin: str | None
    model_year: int | None = None
    delivery_date: date | None = None
    mileage_km: int | None = None
    mileage_recorded_on: date | None = None
    mileage_source: str | None = None  # a ReadingSource; None: recorded before we kept it
    dealer_mileage_km: int | None = None  # the highest dealer reading: owners stay above it
    dealer_mileage_on: date | None = None
    dealer_code: str | None = None
    insurance_renewal_on: date | None = None  # when known, renewal reminders follow
    registration_renewal_on: date | None = None
    id: int | None = None


@dataclass(eq=False)
class Account:
    """A person's identity on one chat channel (a Telegram user, a console user)."""

    channel: str
    user_id: int
    chat_id: int
    first_seen_at: datetime
    language_code: str = ""
    locale: str | None = None  # chosen before the account was linked to an owner
    owner_id: int | None = None
    start_payload: str = ""  # the deep-link payload of the first /start
    linked_at: datetime | None = None  # when the chat was linked to its owner
    unreachable_at: datetime | None = None  # the person blocked the bot
    last_seen_at: datetime | None = None  # their last message, to the minute
    id: int | None = None


@dataclass(eq=False)
class ConsentRecord:
    owner_id: int
    category: ConsentCategory
    granted: bool
    wording_version: str
    channel: str
    recorded_at: datetime
    id: int | None = None


class ReadingSource(StrEnum):
    """Who gave a vehicle's current odometer reading (see bot.domain.odometer)."""

    OWNER = "owner"  # typed in chat, on the day it was kept
    DEALER = "dealer"  # at a service visit, on the visit's day
    IMPORT = "import"  # the dealer system's export: authoritative, but of no known day


# A half-finished flow (a booking, a recommendation, a registration) waits this long
# after its last answer; then it is put away and the chat starts afresh.
DRAFT_LIFETIME = timedelta(hours=24)


@dataclass(eq=False)
class Conversation:
    """Where a chat stands in a multi-step flow; survives restarts and other workers."""

    channel: str
    chat_id: int
    user_id: int
    state: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    def abandoned(self, now: datetime) -> bool:
        """Left unanswered for longer than DRAFT_LIFETIME (a state from before times
        were kept has no age, and waits)."""
        return (
            bool(self.state)
            and self.updated_at is not None
            and now - self.updated_at > DRAFT_LIFETIME
        )

    def put_away(self, now: datetime) -> None:
        self.state = ""
        self.data = {}
        self.updated_at = now


def _han(text: str) -> bool:
    """Written in Chinese characters (CJK unified ideographs)."""
    return bool(text) and all("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)
