"""Button codes of referrals (handlers/referrals*)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class ReferralsHome(ButtonCode, prefix="ref:home"):
    pass
