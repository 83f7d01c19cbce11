"""Validation of a manufacturer's safety-recall file: one row per (VIN, campaign).

Columns: `vin`, `campaign_code`, `title` (English), `published_on` (YYYY-MM-DD), and
optionally `status` (open or closed) and localized titles `title_<language>` for any
shipped language (`title_th`, `title_pt-BR`, `title_zh_Hans`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.domain.booking import RecallState
from bot.domain.owner_import import RowError
from bot.domain.vin import VinError, validate_vin
from bot.i18n import locale_from_language_code

RECALL_COLUMNS = ("vin", "campaign_code", "title", "published_on")
OPTIONAL_COLUMNS = ("status",)
MAX_TITLE = 300
_CAMPAIGN = re.compile(r"^[A-Z0-9][A-Z0-9._\-/]{1,31}$")
_EARLIEST = date(1990, 1, 1)


@dataclass(frozen=True)
class RecallRow:
    line: int
    vin: str
    campaign_code: str
    title: str
    published_on: date
    titles: dict[str, str] = field(default_factory=dict)
    state: RecallState | None = None  # None: keep what we have (new rows are open)


def title_columns(header: Sequence[str]) -> tuple[dict[str, str], list[RowError]]:
    """Map `title_xx` columns to shipped locales; unknown languages are header errors."""
    columns: dict[str, str] = {}
    errors: list[RowError] = []
    for name in header:
        if not name.startswith("title_"):
            continue
        locale = locale_from_language_code(name.removeprefix("title_"))
        if locale is None:
            errors.append(RowError(1, name, "is not a title in a shipped language"))
        else:
            columns[name] = locale
    return columns, errors


def parse_recall_row(
    line: int, raw: Mapping[str, str | None], titles: Mapping[str, str], today: date
) -> RecallRow | list[RowError]:
    errors: list[RowError] = []

    def text(column: str) -> str:
        return (raw.get(column) or "").strip()

    vin = ""
    try:
        vin = validate_vin(text("vin"), check_digit_required=False)
    except VinError:
        errors.append(RowError(line, "vin", f"{text('vin')!r} is not a valid VIN"))
    campaign = text("campaign_code").upper()
    if not _CAMPAIGN.match(campaign):
        errors.append(
            RowError(line, "campaign_code", f"{text('campaign_code')!r} is not a campaign code")
        )
    title = " ".join(text("title").split())
    if not title:
        errors.append(RowError(line, "title", "title is missing"))
    elif len(title) > MAX_TITLE:
        errors.append(RowError(line, "title", f"longer than {MAX_TITLE} characters"))
    published: date | None = None
    try:
        published = date.fromisoformat(text("published_on"))
    except ValueError:
        errors.append(
            RowError(line, "published_on", f"{text('published_on')!r} is not a date as YYYY-MM-DD")
        )
    if published is not None and not _EARLIEST <= published <= today:
        errors.append(RowError(line, "published_on", f"{published} is in the future or too old"))
    state: RecallState | None = None
    if text("status"):
        try:
            state = RecallState(text("status").lower())
        except ValueError:
            errors.append(RowError(line, "status", f"{text('status')!r} is not open or closed"))
    localized: dict[str, str] = {}
    for column, locale in titles.items():
        value = " ".join(text(column).split())
        if len(value) > MAX_TITLE:
            errors.append(RowError(line, column, f"longer than {MAX_TITLE} characters"))
        elif value:
            localized[locale] = value
    if errors or published is None:
        return errors
    return RecallRow(line, vin, campaign, title, published, localized, state)
