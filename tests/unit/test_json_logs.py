"""OWNERBOT_LOG_FORMAT=json: one JSON object a line with the correlation id, personal
data masked as in text logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging, correlation_id


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", "json")
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_json_log_line_carries_the_correlation_id_and_masks_the_phone(
    json_lines: io.StringIO,
) -> None:
    token = correlation_id.set("AB12CD34")
    try:
        logging.getLogger("ownerbot.test").warning("owner %s asked twice", "+66812345678")
    finally:
        correlation_id.reset(token)
    entry = json.loads(json_lines.getvalue())
    assert {k: v for k, v in entry.items() if k != "time"} == {
        "level": "WARNING",
        "logger": "ownerbot.test",
        "correlation_id": "AB12CD34",
        "message": "owner +*********78 asked twice",
    }
    assert entry["time"].endswith("+00:00")


def test_a_traceback_stays_inside_its_json_line_and_is_masked(json_lines: io.StringIO) -> None:
    try:
        raise ValueError("no owner with VIN LAUX1234567000007")
    except ValueError:
        logging.getLogger("ownerbot.test").exception("lookup failed")
    lines = json_lines.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["message"] == "lookup failed"
    assert "ValueError: no owner with VIN LAU**********0007" in entry["exception"]
