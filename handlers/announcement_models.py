"""The announcement wizard's model filter: every model is in at first; a tap takes one
out or puts it back, and the reach is counted again (handlers/announcements.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.reference import Reference
from bot.i18n import Translator
from handlers.codes import button
from handlers.codes.announcements import AnnounceModel
from handlers.types import Button

MODELS_A_ROW = 3


def model_rows(reference: Reference, chosen: Sequence[str]) -> list[list[Button]]:
    """A button a model, ✅ when its owners are in (none chosen: all of them)."""
    buttons = [
        button(f"{'✅' if not chosen or code in chosen else '▫️'} {model.name}", AnnounceModel(code))
        for code, model in reference.models.items()
    ]
    return [buttons[i : i + MODELS_A_ROW] for i in range(0, len(buttons), MODELS_A_ROW)]


def toggled(reference: Reference, chosen: Sequence[str], model: str) -> list[str] | None:
    """The models after a tap on `model` (empty: every model); None when none would be
    left, or the model is unknown."""
    every = list(reference.models)
    if model not in every:
        return None
    kept = set(chosen or every) ^ {model}
    if not kept:
        return None
    return [] if len(kept) == len(every) else [code for code in every if code in kept]


def reach_line(
    t: Translator, reference: Reference, chosen: Sequence[str], clubs: str, owners: str
) -> str:
    if not chosen:
        return t._("Reaches {clubs} and {owners} (every model).", clubs=clubs, owners=owners)
    names = ", ".join(reference.models[code].name for code in chosen)
    return t._(
        "Reaches {clubs} and {owners} ({models} only).", clubs=clubs, owners=owners, models=names
    )
