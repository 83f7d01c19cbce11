"""Translated names of what the booking feature shows: service operations, transport
options, booking statuses and cancellation reasons.

One module lists them all, so `make i18n` extracts every one (the catalogue in
`bot/data/services.toml` only has codes).
"""

from __future__ import annotations

from bot.domain.text import isolate
from bot.i18n import Translator
from handlers.codes.booking import CancelReason


def operation_name(t: Translator, code: str) -> str:
    names = {
        "maintenance": t.pgettext("service", "Regular maintenance"),
        "first_service": t.pgettext("service", "First service"),
        "inspection": t.pgettext("service", "Annual inspection"),
        "brakes": t.pgettext("service", "Brake check"),
        "tyres": t.pgettext("service", "Tyre change"),
        "aircon": t.pgettext("service", "Air-con service"),
        "ev_battery": t.pgettext("service", "EV battery check"),
        "recall": t.pgettext("service", "Safety recall repair"),
    }
    return names.get(code, code)


def operation_keywords(t: Translator, code: str) -> tuple[str, ...]:
    """Everyday words owners type for a service ("oil change" for regular
    maintenance), besides its name."""
    # TRANSLATORS: words an owner may type to ask for this service, separated by commas.
    # Add the everyday words people use where you live; they are never shown.
    keywords = {
        "maintenance": t.pgettext("service keywords", "oil, oil change, engine oil, filter"),
        "first_service": t.pgettext("service keywords", "first, first check"),
        "inspection": t.pgettext("service keywords", "inspection, annual check, MOT"),
        "brakes": t.pgettext("service keywords", "brake, brakes, brake pads"),
        "tyres": t.pgettext("service keywords", "tyre, tyres, tire, tires, wheels"),
        "aircon": t.pgettext("service keywords", "air-con, air conditioning, AC"),
        "ev_battery": t.pgettext("service keywords", "battery, EV battery"),
        "recall": t.pgettext("service keywords", "recall"),
    }
    words = keywords.get(code, "").replace("、", ",").replace("،", ",")  # CJK, Arabic commas
    return tuple(word.strip() for word in words.split(",") if word.strip())


def transport_label(t: Translator, code: str) -> str:
    """Button labels for how the owner gets on with their day."""
    labels = {
        "wait": t.pgettext("button", "☕ I'll wait at the center"),
        "courtesy_car": t.pgettext("button", "🚗 Courtesy car"),
        "pickup": t.pgettext("button", "🚚 Pick-up and delivery"),
    }
    return labels.get(code, code)


def status_name(t: Translator, status: str) -> str:
    names = {
        "requested": t.pgettext("booking status", "waiting for the center to confirm"),
        "confirmed": t.pgettext("booking status", "confirmed"),
        "arrived": t.pgettext("booking status", "car at the center"),
        "completed": t.pgettext("booking status", "completed"),
        "no_show": t.pgettext("booking status", "missed"),
        "cancelled": t.pgettext("booking status", "cancelled"),
    }
    return names.get(status, status)


def cancel_reason_label(t: Translator, reason: CancelReason) -> str:
    labels = {
        CancelReason.PLANS: t.pgettext("button", "My plans changed"),
        CancelReason.ELSEWHERE: t.pgettext("button", "Serviced elsewhere"),
        CancelReason.FIXED: t.pgettext("button", "No longer needed"),
        CancelReason.OTHER: t.pgettext("button", "Another reason…"),
    }
    return labels[reason]


def cancellation_reason(t: Translator, reason: str) -> str:
    """A cancellation's stored reason as staff read it: a chosen one translated, or the
    owner's own words."""
    try:
        return cancel_reason_label(t, CancelReason(reason))
    except ValueError:
        return isolate(reason)
