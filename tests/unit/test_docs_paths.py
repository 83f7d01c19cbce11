"""The docs are true to the repository: every file or module they name in backticks
exists, and nothing in the repository cites a file outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "locales" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP_DIRS = ("bot/", "handlers/", "storage/", "tests/", "docs/", "bench/", "locales/", "examples/")
PATH_IN_BACKTICKS = re.compile(r"`([^`\s]+)`")
MODULE_IN_BACKTICKS = re.compile(r"`((?:bot|handlers|storage|tests|bench)\.[\w.]+)(?:\(\))?`")
# Spelled in pieces so that this file does not cite them itself.
OUTSIDE = ("DESIGN" + ".md", "../" + "shared")


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk it
        return [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [ROOT / name for name in listed]


def test_no_tracked_file_cites_a_file_outside_the_repository() -> None:
    citing = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        citing += [f"{path.relative_to(ROOT)}: {word}" for word in OUTSIDE if word in text]
    assert citing == []


def test_every_path_the_docs_name_exists() -> None:
    missing = []
    for doc in DOCS:
        for match in PATH_IN_BACKTICKS.finditer(doc.read_text(encoding="utf-8")):
            name = match.group(1).rstrip(".,:;").split("::")[0]
            if not name.startswith(TOP_DIRS) or "<" in name:  # a pattern, not a path
                continue
            if not any(ROOT.glob(name)):
                missing.append(f"{doc.name}: {name}")
    assert missing == []


def _module_file(parts: list[str]) -> tuple[Path, list[str]] | None:
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate, parts[cut:]
    return None


def test_every_module_the_docs_name_exists_with_the_name_they_give() -> None:
    missing = []
    for doc in DOCS:
        for match in MODULE_IN_BACKTICKS.finditer(doc.read_text(encoding="utf-8")):
            found = _module_file(match.group(1).split("."))
            if found is None:
                missing.append(f"{doc.name}: {match.group(1)}")
                continue
            module, attributes = found
            source = module.read_text(encoding="utf-8")
            if attributes and not re.search(rf"\b{re.escape(attributes[0])}\b", source):
                missing.append(f"{doc.name}: {match.group(1)}")
    assert missing == []
