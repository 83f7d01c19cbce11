"""Refused credentials on every channel become the one outcome that pauses sending
(never a dead letter): Telegram's 401, LINE's 401 (an expired channel access token),
WhatsApp's 190. A group upgraded to a supergroup is a move, not a rejection."""

from __future__ import annotations

import pytest
from linebot.v3.messaging import ApiException

from bot.channels.line.api import LineErrorKind, _classified
from bot.channels.line.outbox import _delivery as line_delivery
from bot.channels.telegram.errors import Failure, FailureKind
from bot.channels.telegram.outbox import _delivery as telegram_delivery
from bot.channels.whatsapp.errors import GraphError
from bot.channels.whatsapp.errors import classify as whatsapp_classify
from bot.scheduler.delivery import Outcome
from bot.services.health import ChannelHealth


def test_telegrams_401_pauses_and_an_upgraded_group_moves() -> None:
    refused = telegram_delivery(Failure(FailureKind.UNAUTHORIZED, description="Unauthorized"))
    assert refused.outcome is Outcome.PAUSED
    moved = telegram_delivery(Failure(FailureKind.MOVED, new_chat_id=-100123))
    assert (moved.outcome, moved.new_chat_id) == (Outcome.MOVED, -100123)


def test_lines_expired_token_pauses() -> None:
    error = _classified(ApiException(status=401, reason="Unauthorized"))
    assert error.kind is LineErrorKind.UNAUTHORIZED
    assert line_delivery(error).outcome is Outcome.PAUSED


def test_whatsapps_expired_token_pauses() -> None:
    error = GraphError(status=401, code=190, message="Error validating access token")
    assert whatsapp_classify(error).outcome is Outcome.PAUSED


def test_the_health_flag_is_raised_once_and_lowered_when_a_send_works(
    caplog: pytest.LogCaptureFixture,
) -> None:
    health = ChannelHealth()
    for _ in range(3):
        health.token_refused("telegram", "401 Unauthorized")
    critical = [r.levelname for r in caplog.records if r.name == "bot.services.health"]
    assert critical == ["CRITICAL"]
    assert health.refused == {"telegram": "401 Unauthorized"}
    health.token_accepted("telegram")
    assert health.refused == {}
