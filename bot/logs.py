"""Logging with a correlation id per update and personal data masked."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sys
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import phonenumbers

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="-")

# Phone numbers, VINs and e-mail addresses must never reach a log line whole.
_VIN = re.compile(r"\b([A-HJ-NPR-Z0-9]{3})[A-HJ-NPR-Z0-9]{10}([A-HJ-NPR-Z0-9]{4})\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b([\w.+-])[\w.+-]*@([\w-]+\.[\w.-]+)\b")
# Seven digits or more, whatever stands between them: only then can a phone number be there.
_MAYBE_PHONE = re.compile(r"\d(?:\D{0,3}\d){6,}")
_MIN_PHONE_DIGITS = 7
# What the matcher does not read as a number of any market: long runs of digits.
_DIGIT_RUN = re.compile(r"(?<![\w])(\+?\d[\d \-]{6,}\d)(?![\w])")


@cache
def _regions() -> Sequence[str]:
    """The markets' phone regions: the brand kit's when OWNERBOT_BRAND_DIR names one."""
    from bot.data import DATA_DIR, phone_regions

    shipped = phone_regions(DATA_DIR)
    brand = os.environ.get("OWNERBOT_BRAND_DIR")
    try:
        return tuple(dict.fromkeys((*phone_regions(Path(brand)), *shipped))) if brand else shipped
    except (OSError, ValueError):  # a broken kit is refused at start; mask as shipped
        return shipped


def mask_personal_data(text: str) -> str:
    """`text` with e-mail addresses, VINs (in any case) and phone numbers masked. Phone
    numbers are found by libphonenumber's matcher as written in every market
    (bot/data/markets.toml): "081.234.5678", "(081) 234-5678", "+66 81 234 5678" alike;
    only their last two digits stay."""
    text = _EMAIL.sub(r"\1***@\2", text)
    text = _VIN.sub(r"\1**********\2", text)
    if _MAYBE_PHONE.search(text):
        text = _mask_phones(text, _regions())
        text = _DIGIT_RUN.sub(lambda m: _mask_digits(m.group(1)), text)
    return text


def _mask_phones(text: str, regions: Sequence[str]) -> str:
    """Mask what any region's matcher reads as a phone number of seven digits or more
    (not a short code, nor the four digits a masked VIN keeps); where two regions read
    overlapping numbers ("(701) 123-45-67" and "8 (701) 123-45-67"), their union."""
    spans = sorted(
        (match.start, match.end)
        for region in regions
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        if sum(c.isdigit() for c in match.raw_string) >= _MIN_PHONE_DIGITS
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + _mask_digits(text[start:end]) + text[end:]
    return text


def _mask_digits(number: str) -> str:
    digits = [c for c in number if c.isdigit()]
    keep = 2 if len(digits) > 6 else 0
    return (
        ("+" if number.startswith("+") else "")
        + "*" * (len(digits) - keep)
        + "".join(digits[-keep:] if keep else [])
    )


def new_correlation_id() -> str:
    """Short enough to read out over the phone to a service desk."""
    return secrets.token_hex(4).upper()


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        record.msg = mask_personal_data(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_personal_data(
                logging.Formatter().formatException(record.exc_info)
            )
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line (OWNERBOT_LOG_FORMAT=json), for log collectors: time in
    UTC, level, logger, correlation id, the masked message and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "correlation_id": getattr(record, "correlation_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = mask_personal_data(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    """Log lines go to stderr, always: stdout is the console's conversation (and a
    script's output), which a log line must never interrupt."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextFilter())
    handler.setFormatter(
        JsonFormatter()
        if log_format == "json"
        else logging.Formatter(
            "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiogram.event", "httpx", "apscheduler.executors.default", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
