"""Untyped `prefix:action:arg...` codes, being replaced by typed `ButtonCode`s.

TRANSITION ONLY: delete this module once no flow imports it.

Codes come back from the client and may be forged: parse them strictly and re-check
every id against the person who pressed the button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.codes import MAX_CODE_BYTES, BadCode

_PART = re.compile(r"^[A-Za-z0-9_.+\-]*$")


@dataclass(frozen=True)
class Code:
    prefix: str
    action: str
    args: tuple[str, ...]

    def int_arg(self, index: int) -> int:
        try:
            value = int(self.args[index])
        except (IndexError, ValueError) as exc:
            raise BadCode(f"argument {index} is not an id") from exc
        if value < 0 or value > 2**63 - 1:
            raise BadCode("id out of range")
        return value

    def arg(self, index: int) -> str:
        try:
            return self.args[index]
        except IndexError as exc:
            raise BadCode(f"missing argument {index}") from exc


def make_code(prefix: str, action: str, *args: object) -> str:
    parts = [prefix, action, *(str(a) for a in args)]
    for part in parts:
        if ":" in part or not _PART.match(part):
            raise ValueError(f"code part {part!r} has characters codes may not carry")
    code = ":".join(parts)
    if len(code.encode()) > MAX_CODE_BYTES:
        raise ValueError(f"button code over {MAX_CODE_BYTES} bytes: {code!r}")
    return code


def parse_code(raw: str) -> Code:
    if not raw or len(raw.encode()) > MAX_CODE_BYTES:
        raise BadCode("empty or oversized code")
    parts = raw.split(":")
    if len(parts) < 2 or not all(_PART.match(p) for p in parts) or not parts[0]:
        raise BadCode("malformed code")
    return Code(parts[0], parts[1], tuple(parts[2:]))
