"""What the several-workers tests (tests/pg/test_workers_pg.py) and bench/scale.py share:
real `ownerbot run` worker processes against the fake Bot API, Telegram updates posted
to a chosen worker, an outbox full of due messages, and the busiest window of sends."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import tables

ROOT = Path(__file__).resolve().parent.parent
SECRET = "several-workers-secret"
HOOK = "/telegram/hook"


@dataclass
class Worker:
    """One `ownerbot run` process serving Telegram's webhook on its own port."""

    port: int
    process: asyncio.subprocess.Process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{HOOK}"

    async def post(self, http: aiohttp.ClientSession, update: dict[str, Any]) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(self.url, json=update, headers=headers) as response:
            await response.read()
            return response.status

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


def worker_env(
    database_url: str, api_base: str, token: str, port: int, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OWNERBOT_", "TELEGRAM_"))}
    env |= {
        "OWNERBOT_DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": token,
        "OWNERBOT_TELEGRAM_API_BASE": api_base,
        "OWNERBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}{HOOK}",
        "OWNERBOT_WEBHOOK_SECRET": SECRET,
        "OWNERBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "OWNERBOT_WEBHOOK_PORT": str(port),
        "OWNERBOT_CARE_SCHEDULER": "false",
        "OWNERBOT_SEED_DEMO_IF_EMPTY": "false",
        "OWNERBOT_LOG_LEVEL": "WARNING",
    }
    return env | extra


async def start_worker(env: dict[str, str], within: float = 60.0) -> Worker:
    """Start a worker and wait until its webhook answers (a wrong secret gets 401)."""
    port = int(env["OWNERBOT_WEBHOOK_PORT"])
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env
    )
    worker = Worker(port, process)
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"worker on port {port} exited with {process.returncode}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.post(worker.url, json={}) as response:
                    if response.status == 401:
                        return worker
            await asyncio.sleep(0.1)
    await worker.stop()
    raise TimeoutError(f"worker on port {port} did not start within {within} s")


def text_update(update_id: int, user_id: int, text: str, message_id: int = 1) -> dict[str, Any]:
    """A private text message as Telegram posts it to a webhook."""
    person = {"id": user_id, "is_bot": False, "first_name": "Tap", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "from": person,
            "chat": {"id": user_id, "type": "private", "first_name": "Tap"},
            "date": int(time.time()),
            "text": text,
        },
    }


async def queue_due_messages(engine: AsyncEngine, count: int, first_id: int, now: datetime) -> None:
    """`count` owners, each with a Telegram chat (its id = the owner's) and one welcome
    message due now: the per-chat limit never binds, the bot-wide one does."""
    owners = [
        {
            "id": first_id + n,
            "market": "GB",
            "first_name": "Scale",
            "last_name": "",
            "phone": f"+4478{first_id + n:08d}",
            "consent_service": True,
            "consent_marketing": True,
            "send_from_hour": 0,
            "send_until_hour": 24,
            "source": "import",
            "created_at": now,
        }
        for n in range(count)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(tables.owners), owners)
        await connection.execute(
            insert(tables.accounts),
            [
                {
                    "channel": "telegram",
                    "user_id": row["id"],
                    "chat_id": row["id"],
                    "owner_id": row["id"],
                    "language_code": "en",
                    "start_payload": "",
                    "first_seen_at": now,
                    "linked_at": now,
                }
                for row in owners
            ],
        )
        await connection.execute(
            insert(tables.outbox),
            [
                {
                    "owner_id": row["id"],
                    "rule": "welcome",
                    "occurrence": "scale",
                    "category": "service",
                    "due_at": now,
                    "payload": {},
                    "status": "pending",
                    "attempts": 0,
                    "last_error": "",
                    "created_at": now,
                }
                for row in owners
            ],
        )


def busiest_window(times: Sequence[float], seconds: float = 1.0) -> int:
    """The most events in any window of `seconds` (a sliding window, not buckets)."""
    ordered = sorted(times)
    most = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most
