"""The README's walkthrough is true: its commands, run as written (in a scratch folder),
print every line its output excerpts show."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

BLOCK = re.compile(r"```(bash)?\n(.*?)```", re.S)


def walkthrough() -> tuple[list[str], list[str]]:
    """The walkthrough's commands, and the lines of its output excerpts."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme[readme.index("## Walkthrough") : readme.index("## What it does")]
    commands: list[str] = []
    shown: list[str] = []
    for kind, body in BLOCK.findall(section):
        lines = body.strip("\n").splitlines()
        if kind == "bash":
            commands.extend(line.split("   #")[0].strip() for line in lines)
        else:
            shown.extend(line for line in lines if line.strip() not in ("", "…"))
    return commands, shown


@pytest.mark.slow
def test_the_readme_walkthrough_prints_what_the_readme_shows(tmp_path: Path) -> None:
    commands, shown = walkthrough()
    assert len(commands) >= 9
    assert shown
    ownerbot = str(Path(sys.executable).parent / "ownerbot")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TELEGRAM_BOT_TOKEN", "OWNERBOT_TELEGRAM_BOT_TOKEN")
    }
    printed = []
    for command in commands:
        if command.startswith("export "):
            name, value = command.removeprefix("export ").split("=", 1)
            env[name] = value
            continue
        ran = subprocess.run(  # the README's own shell lines
            command.replace(".venv/bin/ownerbot", ownerbot).replace(
                " examples/", f" {PROJECT_ROOT}/examples/"
            ),
            shell=True,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert ran.returncode == 0, (command, ran.stderr)
        printed.append(ran.stdout)
    output = "\n".join(printed)
    assert [line for line in shown if line not in output] == []
    assert (tmp_path / "attachments" / "service-2.ics").exists()
