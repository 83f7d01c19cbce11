"""Logging with a correlation id per update and personal data masked."""

from __future__ import annotations

import logging
import re
import secrets
import sys
from contextvars import ContextVar

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="-")

# Phone numbers, VINs and e-mail addresses must never reach a log line whole.
_PHONE = re.compile(r"(?<![\w])(\+?\d[\d \-]{6,}\d)(?![\w])")
_VIN = re.compile(r"\b([A-HJ-NPR-Z0-9]{3})[A-HJ-NPR-Z0-9]{10}([A-HJ-NPR-Z0-9]{4})\b")
_EMAIL = re.compile(r"\b([\w.+-])[\w.+-]*@([\w-]+\.[\w.-]+)\b")


def mask_personal_data(text: str) -> str:
    text = _EMAIL.sub(r"\1***@\2", text)
    text = _VIN.sub(r"\1**********\2", text)
    return _PHONE.sub(lambda m: _mask_digits(m.group(1)), text)


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


def configure_logging(level: str = "INFO") -> None:
    """Log lines go to stderr, always: stdout is the console's conversation (and a
    script's output), which a log line must never interrupt."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiogram.event", "httpx", "apscheduler.executors.default", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
