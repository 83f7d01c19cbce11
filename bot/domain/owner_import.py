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


class OwnerRowParser:
    """Parses the rows of one file against the reference data as of `today`.

    A large export repeats the same markets, models, languages and dates on every row
    (and a phone on each of an owner's cars): each distinct value is looked up once.
    """

    def __init__(self, reference: Reference, today: date) -> None:
        self.reference = reference
        self.today = today
        self._models = _model_codes(reference)
        self._earliest_birthday = date(today.year - 110, 1, 1)
        self._phones: dict[tuple[str, str | None], str | PhoneProblem] = {}
        self._locales: dict[str, str | None] = {}
        self._dates: dict[str, date | None] = {}

    def parse(self, line: int, raw: Mapping[str, str | None]) -> OwnerRow | list[RowError]:
        row = _Row(line, raw)
        today = self.today
        market_code = row.text("market").upper()
        market = self.reference.markets.get(market_code)
        if market is None:
            row.fail(
                "market",
                f"unknown market {market_code!r}" if market_code else "market is missing",
            )

        phone = self._phone(row.text("phone"), market.phone_region if market else None)
        if isinstance(phone, PhoneProblem):
            row.fail("phone", _PHONE_REASONS[phone])
            phone = ""

        first_name = row.text("first_name")
        if not first_name:
            row.fail("first_name", "first name is missing")
        elif len(first_name) > 100:
            row.fail("first_name", "longer than 100 characters")
        last_name = row.text("last_name")
        if len(last_name) > 100:
            row.fail("last_name", "longer than 100 characters")

        locale = None
        language = row.text("language")
        if language:
            locale = self._locale(language)
            if locale is None:
                row.fail("language", f"language {language!r} is not shipped")

        vin = ""
        try:
            vin = validate_vin(
                row.text("vin"), check_digit_required=bool(market and market.vin_check_digit)
            )
        except VinError as error:
            row.fail("vin", _VIN_REASONS[error.problem])

        model_name = row.text("model")
        model = self._models.get(model_name.casefold())
        if model is None:
            row.fail("model", f"unknown model {model_name!r}")

        dealer_code = row.text("dealer_code") or None
        if dealer_code is not None:
            dealer = self.reference.dealers.get(dealer_code)
            if dealer is None:
                row.fail("dealer_code", f"unknown dealer {dealer_code!r}")
            elif market is not None and dealer.market != market.code:
                row.fail("dealer_code", f"dealer {dealer_code} is not in market {market.code}")

        birthday = self._date(row, "birthday", self._earliest_birthday)
        delivery_date = self._date(row, "delivery_date", _EARLIEST_DELIVERY)
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

    def _phone(self, text: str, region: str | None) -> str | PhoneProblem:
        key = (text, region)
        found = self._phones.get(key)
        if found is None:
            try:
                found = normalize_phone(text, region)
            except PhoneError as error:
                found = error.problem
            self._phones[key] = found
        return found

    def _locale(self, language: str) -> str | None:
        if language not in self._locales:
            self._locales[language] = locale_from_language_code(language)
        return self._locales[language]

    def _date(self, row: _Row, column: str, earliest: date) -> date | None:
        """A day between `earliest` and today, as YYYY-MM-DD; None when empty or wrong
        (the row then has the error)."""
        value = row.text(column)
        if not value:
            return None
        key = f"{earliest}:{value}"
        if key in self._dates:
            parsed = self._dates[key]
            if parsed is not None:
                return parsed
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            row.fail(column, f"{value!r} is not a date as YYYY-MM-DD")
            return None
        if not earliest <= parsed <= self.today:
            row.fail(column, f"{value} is outside {earliest.isoformat()}..{self.today.isoformat()}")
            self._dates[key] = None
            return None
        self._dates[key] = parsed
        return parsed


_EARLIEST_DELIVERY = date(1990, 1, 1)


def parse_owner_row(
    line: int, raw: Mapping[str, str | None], reference: Reference, today: date
) -> OwnerRow | list[RowError]:
    """One row on its own (a file's rows go through one `OwnerRowParser`)."""
    return OwnerRowParser(reference, today).parse(line, raw)


def _model_codes(reference: Reference) -> dict[str, str]:
    """The model a file names by its code, its name or an alias (models.toml), whatever
    the case; a name two models share belongs to the first, as `VehicleModel.named`
    would find it."""
    codes: dict[str, str] = {}
    for code, model in reference.models.items():
        for name in (model.code, model.name, *model.aliases):
            codes.setdefault(name.casefold(), code)
    return codes
