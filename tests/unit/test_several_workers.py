"""`ownerbot run --workers N` starts only where several workers can keep their promises
(PostgreSQL, a webhook, Redis) and says clearly what is missing otherwise; its workers
share one port and one webhook secret."""

from __future__ import annotations

import sys

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from bot.cli import cli
from bot.commands import workers
from bot.commands.workers import why_not_several, worker_environment
from bot.config import Settings

PG = "postgresql+asyncpg://ownerbot@db.example/ownerbot"
TOKEN = SecretStr("123456:abc")


def test_several_workers_are_refused_on_sqlite_with_what_to_do_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", "sqlite+aiosqlite:///ownerbot.db")
    ran = CliRunner().invoke(cli, ["run", "--workers", "2"])
    assert ran.exit_code == 2
    assert "--workers needs PostgreSQL" in ran.output
    assert "SQLite serves one process" in ran.output


def test_several_workers_need_the_webhook_because_only_one_process_may_long_poll() -> None:
    problem = why_not_several(
        Settings(database_url=PG, telegram_bot_token=TOKEN, redis_url="redis://r/0")
    )
    assert problem is not None
    assert "--workers needs webhook mode (OWNERBOT_WEBHOOK_URL)" in problem


def test_several_workers_need_redis_to_share_telegrams_limits() -> None:
    problem = why_not_several(
        Settings(database_url=PG, telegram_bot_token=TOKEN, webhook_url="https://bot.example/tg")
    )
    assert problem is not None
    assert "--workers needs Redis (OWNERBOT_REDIS_URL)" in problem


def test_postgresql_a_webhook_and_redis_are_enough_for_several_workers() -> None:
    settings = Settings(
        database_url=PG,
        telegram_bot_token=TOKEN,
        webhook_url="https://bot.example/tg",
        redis_url="redis://r/0",
    )
    assert why_not_several(settings) is None


def test_every_worker_listens_on_the_shared_port_and_names_the_same_secret() -> None:
    env = worker_environment("one-secret")
    assert env["OWNERBOT_WEBHOOK_REUSE_PORT"] == "true"
    assert env["OWNERBOT_WEBHOOK_SECRET"] == "one-secret"


def test_workers_that_keep_dying_at_start_are_stopped_instead_of_restarted_forever(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "executable", "/bin/false")  # dies at once, every time
    monkeypatch.setattr(workers, "RESTART_AFTER", 0.01)
    settings = Settings(database_url=PG, webhook_secret=SecretStr("s"), redis_url="redis://r/0")
    assert workers.run_workers(2, settings) == 1
