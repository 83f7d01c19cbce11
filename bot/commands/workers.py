"""`ownerbot run --workers N`: N worker processes on one webhook port.

Each worker is a whole `ownerbot run` (its channels, the care scheduler, the relay),
listening on the same port with SO_REUSEPORT, so the kernel spreads Telegram's webhook
calls over them. What several workers need is checked first: PostgreSQL (the updates,
the outbox and the planner's lock are shared there), webhook mode (only one process may
long-poll a bot) and Redis (the sending limits hold for the bot as a whole). The parent
only supervises: it restarts a worker that dies and stops them all on SIGTERM/SIGINT.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from types import FrameType

from bot.config import Settings
from storage.db import is_sqlite

log = logging.getLogger(__name__)

RESTART_AFTER = 1.0  # seconds before a worker that died is started again
# A worker that dies this soon after starting, this many times in a row, has a problem
# a restart will not fix (a port taken, a refused token): stop them all and say so.
QUICK_DEATH = 10.0
QUICK_DEATHS = 5


def why_not_several(settings: Settings) -> str | None:
    """What stops this configuration from running several workers; None when nothing."""
    if is_sqlite(settings.database_url):
        return (
            "--workers needs PostgreSQL (OWNERBOT_DATABASE_URL=postgresql+asyncpg://...): "
            "SQLite serves one process. Run without --workers, or move to PostgreSQL."
        )
    if settings.telegram_bot_token is not None and not settings.webhook_url:
        return (
            "--workers needs webhook mode (OWNERBOT_WEBHOOK_URL): only one process may "
            "long-poll a Telegram bot."
        )
    if not settings.redis_url:
        return (
            "--workers needs Redis (OWNERBOT_REDIS_URL) so that the workers share "
            "Telegram's sending limits instead of each sending 30 messages a second."
        )
    return None


def worker_environment(secret: str) -> dict[str, str]:
    """A worker's environment: the parent's, listening on the shared port, with the
    webhook secret every worker names in its setWebhook."""
    env = dict(os.environ)
    env["OWNERBOT_WEBHOOK_REUSE_PORT"] = "true"
    env["OWNERBOT_WEBHOOK_SECRET"] = secret
    return env


def run_workers(count: int, settings: Settings) -> int:
    """Start `count` workers and look after them until SIGTERM/SIGINT; the exit code."""
    command = [sys.executable, "-m", "bot", "run", "--no-demo"]
    configured = settings.webhook_secret
    secret = configured.get_secret_value() if configured else secrets.token_urlsafe(32)

    started: list[float] = [time.monotonic()] * count
    quick_deaths = [0] * count

    def start(index: int) -> subprocess.Popen[bytes]:
        started[index] = time.monotonic()
        return subprocess.Popen(command, env=worker_environment(secret))

    workers = [start(index) for index in range(count)]
    log.info(
        "%d workers on port %d (pids %s)",
        count,
        settings.webhook_port,
        ", ".join(str(w.pid) for w in workers),
    )
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    given_up = False
    try:
        while not stopping or any(worker.poll() is None for worker in workers):
            for index, worker in enumerate(workers):
                code = worker.poll()
                if code is None or stopping:
                    continue
                log.error("worker %d (pid %d) exited with %d", index, worker.pid, code)
                quick = time.monotonic() - started[index] < QUICK_DEATH
                quick_deaths[index] = quick_deaths[index] + 1 if quick else 0
                if quick_deaths[index] >= QUICK_DEATHS:
                    log.critical("a worker keeps dying at start; stopping (see its log above)")
                    given_up = True
                    stop(signal.SIGTERM, None)
                    break
                time.sleep(RESTART_AFTER)
                if not stopping:
                    workers[index] = start(index)
            time.sleep(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if given_up else max((worker.returncode or 0) for worker in workers)
