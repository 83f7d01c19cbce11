"""Exceptions flows raise to refuse politely instead of answering."""

from __future__ import annotations

from handlers.codes import BadCode


class NotYours(Exception):
    """A button names something that belongs to someone else (a forged or stale code)."""


__all__ = ["BadCode", "NotYours"]
