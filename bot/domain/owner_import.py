"""Validation of one row of a dealer-management export of owners and vehicles.

Every problem is reported with the column and a reason a person can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.domain.odometer import MAX_MILEAGE_KM
from bot.domain.phone import PhoneError, PhoneProblem, normalize_phone
from bot.domain.reference import Reference
from bot.domain.vin import VinError, VinProblem, validate_vin
from bot.i18n import locale_from_language_code

REQUIRED_COLUMNS = (
    "phone",
    "first_name",
    "last_name",
    "language",
    "market",
    "birthday",
    "vin",
    "model",
    "model_year",
    "delivery_date",
    "mileage_km",
    "dealer_code",
)


@dataclass(frozen=True)
class OwnerRow:
    line: int
    phone: str
    first_name: str
    last_name: str
    locale: str | None
    market: str
    birthday: date | None
    vin: str
    model: str
    model_year: int | None
    delivery_date: date | None
    mileage_km: int | None
    dealer_code: str | None


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


_PHONE_REASONS = {
    PhoneProblem.EMPTY: "phone number is missing",
    PhoneProblem.NOT_A_NUMBER: "is not a phone number",
    PhoneProblem.INVALID: "is not a valid number for the market",
    PhoneProblem.WRONG_REGION: "belongs to another country",
}
_VIN_REASONS = {
    VinProblem.LENGTH: "must have 17 characters",
    VinProblem.FORBIDDEN_LETTER: "contains I, O or Q, which VINs never use",
    VinProblem.BAD_CHARACTER: "contains a character other than A-Z and 0-9",
    VinProblem.CHECK_DIGIT: "check digit (9th character) does not match",
}


class _Row:
    """Collects the errors of one row while its fields are parsed."""

    def __init__(self, line: int, raw: Mapping[str, str | None]) -> None:
        self.line = line
        self.raw = raw
        self.errors: list[RowError] = []

    def text(self, column: str) -> str:
        return (self.raw.get(column) or "").strip()

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))

    def date(self, column: str, today: date, earliest: date) -> date | None:
        value = self.text(column)
        if not value:
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a date as YYYY-MM-DD")
            return None
        if not earliest <= parsed <= today:
            self.fail(column, f"{value} is outside {earliest.isoformat()}..{today.isoformat()}")
            return None
        return parsed

    def integer(self, column: str, low: int, high: int) -> int | None:
        value = self.text(column).replace(" ", "").replace("_", "")
        if not value:
            return None
        if not value.isdigit():
            self.fail(column, f"{value!r} is not a whole number")
            return None
        number = int(value)
        if not low <= number <= high:
            self.fail(column, f"{number} is outside {low}..{high}")
            return None
        return number


def parse_owner_row(
    line: int, raw: Mapping[str, str | None], reference: Reference, today: date
) -> OwnerRow | list[RowError]:
    row = _Row(line, raw)
    market_code = row.text("market").upper()
    market = reference.markets.get(market_code)
    if market is None:
        row.fail(
            "market", f"unknown market {market_code!r}" if market_code else "market is missing"
        )

    phone = ""
    try:
        phone = normalize_phone(row.text("phone"), market.phone_region if market else None)
    except PhoneError as error:
        row.fail("phone", _PHONE_REASONS[error.problem])

    first_name = row.text("first_name")
    if not first_name:
        row.fail("first_name", "first name is missing")
    elif len(first_name) > 100:
        row.fail("first_name", "longer than 100 characters")
    last_name = row.text("last_name")
    if len(last_name) > 100:
        row.fail("last_name", "longer than 100 characters")

    locale = None
    if row.text("language"):
        locale = locale_from_language_code(row.text("language"))
        if locale is None:
            row.fail("language", f"language {row.text('language')!r} is not shipped")

    vin = ""
    try:
        vin = validate_vin(
            row.text("vin"), check_digit_required=bool(market and market.vin_check_digit)
        )
    except VinError as error:
        row.fail("vin", _VIN_REASONS[error.problem])

    model = _model_code(row.text("model"), reference)
    if model is None:
        row.fail("model", f"unknown model {row.text('model')!r}")

    dealer_code = row.text("dealer_code") or None
    if dealer_code is not None:
        dealer = reference.dealers.get(dealer_code)
        if dealer is None:
            row.fail("dealer_code", f"unknown dealer {dealer_code!r}")
        elif market is not None and dealer.market != market.code:
            row.fail("dealer_code", f"dealer {dealer_code} is not in market {market.code}")

    birthday = row.date("birthday", today, date(today.year - 110, 1, 1))
    delivery_date = row.date("delivery_date", today, date(1990, 1, 1))
    model_year = row.integer("model_year", 1990, today.year + 1)
    mileage = row.integer("mileage_km", 0, MAX_MILEAGE_KM)

    if row.errors or market is None or model is None:
        return row.errors
    return OwnerRow(
        line=line,
        phone=phone,
        first_name=first_name,
        last_name=last_name,
        locale=locale,
        market=market.code,
        birthday=birthday,
        vin=vin,
        model=model,
        model_year=model_year,
        delivery_date=delivery_date,
        mileage_km=mileage,
        dealer_code=dealer_code,
    )


def _model_code(value: str, reference: Reference) -> str | None:
    """The model a file names by its code, its name or an alias (models.toml)."""
    return next((code for code, model in reference.models.items() if model.named(value)), None)
