"""Validation of one row of a CRM export of referral stage changes.

Which referral a row means, and whether the move is allowed, depends on the database
and on the rows before it: bot/services/referral_import.py checks that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.owner_import import RowError
from bot.domain.phone import PhoneError, normalize_phone
from bot.domain.reference import Reference
from bot.domain.referrals import Stage
from bot.domain.vin import VinError, validate_vin

KEY_COLUMNS = ("referral_id", "friend_phone")  # at least one of them
REQUIRED_COLUMNS = ("stage", "changed_at")
OPTIONAL_COLUMNS = ("market", "vin", "note")

# What CRM exports call the stages, besides our own names.
_STAGE_ALIASES = {
    "new": Stage.LEAD,
    "test_drive": Stage.TEST_DRIVE_BOOKED,
    "test_drive_scheduled": Stage.TEST_DRIVE_BOOKED,
    "test_drive_completed": Stage.TEST_DRIVE_DONE,
    "ordered": Stage.ORDER,
    "won": Stage.DELIVERED,
    "cancelled": Stage.ORDER_CANCELLED,
    "canceled": Stage.ORDER_CANCELLED,
    "order_canceled": Stage.ORDER_CANCELLED,
}


@dataclass(frozen=True)
class StageRow:
    line: int
    referral_id: int | None
    friend_phone: str | None  # E.164
    stage: Stage
    changed_at: datetime | date  # naive times are read in the dealer's zone later
    vin: str | None = None
    note: str = ""

    def moment(self, zone: ZoneInfo) -> datetime:
        """When it happened, as an aware time (a bare date: the start of that day)."""
        if isinstance(self.changed_at, datetime):
            if self.changed_at.tzinfo is None:
                return self.changed_at.replace(tzinfo=zone)
            return self.changed_at
        return datetime.combine(self.changed_at, time(0, 0), tzinfo=zone)


def header_problems(header: list[str]) -> list[str]:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not any(c in header for c in KEY_COLUMNS):
        missing.append(" or ".join(KEY_COLUMNS))
    return missing


def parse_stage(value: str) -> Stage | None:
    key = "_".join(value.strip().lower().replace("-", " ").split())
    try:
        return Stage(key)
    except ValueError:
        return _STAGE_ALIASES.get(key)


def parse_stage_row(
    line: int, raw: Mapping[str, str | None], reference: Reference
) -> StageRow | list[RowError]:
    errors: list[RowError] = []

    def text(column: str) -> str:
        return (raw.get(column) or "").strip()

    def fail(column: str, reason: str) -> None:
        errors.append(RowError(line, column, reason))

    referral_id: int | None = None
    if text("referral_id"):
        if text("referral_id").isdigit() and 0 < int(text("referral_id")) < 2**63:
            referral_id = int(text("referral_id"))
        else:
            fail("referral_id", f"{text('referral_id')!r} is not a referral number")

    region = None
    if text("market"):
        market = reference.markets.get(text("market").upper())
        if market is None:
            fail("market", f"unknown market {text('market')!r}")
        else:
            region = market.phone_region
    phone: str | None = None
    if text("friend_phone"):
        try:
            phone = normalize_phone(text("friend_phone"), region)
        except PhoneError:
            fail(
                "friend_phone",
                "is not a phone number (local numbers need the market column)",
            )
    elif referral_id is None and not any(e.column == "referral_id" for e in errors):
        fail("referral_id", "referral_id or friend_phone is needed")

    stage = parse_stage(text("stage"))
    if stage is None:
        known = ", ".join(s.value for s in Stage)
        fail("stage", f"unknown stage {text('stage')!r} (one of: {known})")

    changed_at: datetime | date | None = None
    value = text("changed_at")
    if not value:
        fail("changed_at", "changed_at is missing")
    else:
        try:
            changed_at = (
                datetime.fromisoformat(value) if "T" in value or " " in value else None
            ) or date.fromisoformat(value)
        except ValueError:
            fail("changed_at", f"{value!r} is not a date (YYYY-MM-DD) or ISO 8601 time")

    vin = None
    if text("vin"):
        try:
            vin = validate_vin(text("vin"), check_digit_required=False)
        except VinError:
            fail("vin", f"{text('vin')!r} is not a valid VIN")

    note = text("note")
    if len(note) > 200:
        fail("note", "longer than 200 characters")

    if errors or stage is None or changed_at is None:
        return errors
    return StageRow(line, referral_id, phone, stage, changed_at, vin, note)
