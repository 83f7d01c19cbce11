"""Where onboarding can stand: waiting for the phone, then registering a new owner.

Registration gathers one answer per step; each step's data class extends the one
before it, so a handler reads exactly what its step guarantees.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.states import FlowData


class OnboardingStep(StrEnum):
    PHONE = "onboard.phone"
    # A linked chat shared a number of another membership (PhoneShared): switch?
    SWITCH = "onboard.switch"
    # A typed number of a known owner (PhoneShared): waiting for the VIN's last characters.
    PROVE = "onboard.prove"


@dataclass
class PhoneRequest(FlowData):
    invited: bool = False  # came through a friend's link: a dealer will call


class RegistrationStep(StrEnum):
    FRIEND = "reg.friend"  # an invited friend: registering is optional
    MARKET = "reg.market"
    NAME = "reg.name"
    VIN = "reg.vin"
    MODEL = "reg.model"
    DELIVERY = "reg.delivery"


@dataclass
class PhoneShared(FlowData):
    phone: str
    phone_market: str | None  # the market the number belongs to, offered first


@dataclass
class MarketChosen(PhoneShared):
    market: str


@dataclass
class NameGiven(MarketChosen):
    first_name: str
    last_name: str


@dataclass
class VinGiven(NameGiven):
    vin: str


@dataclass
class ModelChosen(VinGiven):
    model: str
