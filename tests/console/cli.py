"""`ownerbot` as a person runs it: its own process, a script piped to stdin, stdout
and stderr read apart."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.app import App
from bot.config import PROJECT_ROOT


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def database_url_of(app: App) -> str:
    """The URL another process opens the test app's SQLite database with."""
    return f"sqlite+aiosqlite:///{app.database.engine.url.database}"


async def ownerbot(*args: str, script: str, database_url: str, cwd: Path) -> Ran:
    """Run `ownerbot ARGS` with `script` on stdin, without a Telegram token, in `cwd`
    (so no .env of the project is read)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TELEGRAM_BOT_TOKEN", "OWNERBOT_TELEGRAM_BOT_TOKEN")
    }
    env.update(
        OWNERBOT_DATABASE_URL=database_url,
        OWNERBOT_CARE_SCHEDULER="false",
        PYTHONPATH=str(PROJECT_ROOT),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(script.encode()), timeout=180)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())
