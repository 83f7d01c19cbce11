"""Button codes of /start, registration, consent and the language picker
(handlers/onboarding.py, registration.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.owners import ConsentCategory
from handlers.codes import ButtonCode


@dataclass(frozen=True)
class RegisterMyCar(ButtonCode, prefix="reg:begin"):
    """A friend who came through an invitation already drives one of our cars."""


@dataclass(frozen=True)
class RegistrationMarket(ButtonCode, prefix="reg:market"):
    market: str


@dataclass(frozen=True)
class UseTelegramName(ButtonCode, prefix="reg:tgname"):
    pass


@dataclass(frozen=True)
class RegistrationModel(ButtonCode, prefix="reg:model"):
    model: str


@dataclass(frozen=True)
class NoDeliveryDate(ButtonCode, prefix="reg:nodate"):
    pass


@dataclass(frozen=True)
class ConsentAnswer(ButtonCode, prefix="cs:ans"):
    category: ConsentCategory
    granted: bool


@dataclass(frozen=True)
class ChooseLanguage(ButtonCode, prefix="lang:set"):
    locale: str


@dataclass(frozen=True)
class SwitchOwner(ButtonCode, prefix="link:switch"):
    """The answer to "switch this chat to the membership of the number you shared?"."""

    switch: bool
