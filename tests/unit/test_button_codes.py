"""Typed button codes pack within Telegram's limit and refuse what they did not issue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.codes import MAX_CODE_BYTES, BadCode, ButtonCode, route_key
from handlers.states import FlowData, StaleState


class Colour(StrEnum):
    RED = "r"
    BLUE = "b"


@dataclass(frozen=True)
class Sample(ButtonCode, prefix="test:sample"):
    item: int
    colour: Colour
    key: str
    on: bool
    day: date
    at: datetime


@dataclass(frozen=True)
class Bare(ButtonCode, prefix="test:bare"):
    pass


SAMPLE = Sample(
    7, Colour.BLUE, "TH-01", True, date(2026, 12, 14), datetime(2026, 12, 14, 3, 30, tzinfo=UTC)
)


def test_a_code_packs_after_its_prefix_and_unpacks_to_the_same_value() -> None:
    raw = SAMPLE.pack()
    assert raw == "test:sample:7:b:TH-01:1:20261214:202612140330"
    assert Sample.unpack(raw) == SAMPLE
    assert route_key(raw) == "test:sample"


def test_a_code_without_fields_is_its_prefix() -> None:
    assert Bare().pack() == "test:bare"
    assert Bare.unpack("test:bare") == Bare()


@pytest.mark.parametrize(
    "raw",
    [
        "test:sample:7:b:TH-01:1:20261214",  # a field missing
        "test:sample:7:b:TH-01:1:20261214:202612140330:x",  # one too many
        "test:sample:-7:b:TH-01:1:20261214:202612140330",  # not an id
        "test:sample:99999999999999999999:b:TH-01:1:20261214:202612140330",  # too big
        "test:sample:7:g:TH-01:1:20261214:202612140330",  # no such colour
        "test:sample:7:b:TH-01:2:20261214:202612140330",  # not a flag
        "test:sample:7:b:TH-01:1:20261332:202612140330",  # no such day
        "test:bare:7:b:TH-01:1:20261214:202612140330",  # another code's prefix
        "test:sample:7:b:TH 01:1:20261214:202612140330",  # a character codes never carry
    ],
)
def test_a_forged_or_stale_code_is_refused(raw: str) -> None:
    with pytest.raises(BadCode):
        Sample.unpack(raw)


def test_packing_refuses_a_code_over_telegrams_limit() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Sample(7, Colour.RED, "K" * MAX_CODE_BYTES, False, date(2026, 1, 1), SAMPLE.at).pack()


def test_two_codes_cannot_claim_one_prefix() -> None:
    with pytest.raises(ValueError, match="declared twice"):

        @dataclass(frozen=True)
        class Again(ButtonCode, prefix="test:bare"):
            pass


def test_a_prefix_must_name_a_flow_and_an_action() -> None:
    with pytest.raises(ValueError, match="flow:action"):

        @dataclass(frozen=True)
        class Vague(ButtonCode, prefix="vague"):
            pass


@given(st.text(max_size=80))
def test_route_key_never_fails_other_than_with_bad_code(raw: str) -> None:
    try:
        key = route_key(raw)
    except BadCode:
        return
    assert key.count(":") == 1


@dataclass
class Draft(FlowData):
    vehicle: int
    services: list[str] = field(default_factory=list)
    colour: Colour | None = None
    start: datetime | None = None
    note: str = ""


def test_flow_data_survives_its_json_round_trip() -> None:
    draft = Draft(7, ["oil", "brakes"], Colour.RED, SAMPLE.at, "call me")
    assert Draft.from_json(draft.to_json()) == draft


def test_flow_data_takes_defaults_for_fields_not_yet_gathered() -> None:
    assert Draft.from_json({"vehicle": 3}) == Draft(3)


@pytest.mark.parametrize(
    "data",
    [
        {},  # a required field missing
        {"vehicle": "7"},  # a string where a number belongs
        {"vehicle": True},  # a flag is not a number
        {"vehicle": 7, "services": "oil"},
        {"vehicle": 7, "colour": "green"},
        {"vehicle": 7, "start": "2026-12-14T03:30:00"},  # naive
    ],
)
def test_flow_data_that_no_longer_fits_is_stale(data: dict[str, object]) -> None:
    with pytest.raises(StaleState):
        Draft.from_json(data)
