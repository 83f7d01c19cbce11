"""The glossary of button codes and conversation steps, written from the code itself.

`make docs` writes it to docs/glossary.md; a test fails when the file is out of date,
so the page always says what the code does.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import typing
from enum import Enum, StrEnum

import handlers.codes
import handlers.states
from handlers.codes import ButtonCode, all_code_types
from handlers.registry import build_router

_HEADER = """\
# Glossary: button codes and conversation steps

Written by `make docs` from `handlers/codes/` and `handlers/states/`; do not edit by hand.

**Button codes** travel in a button's callback data as `flow:action:field:...` (at most 64
bytes on Telegram). Each is a class in `handlers/codes/<flow>.py`; the dispatcher routes a
press by its `flow:action` prefix to the one handler registered with `@router.on(Code)`,
which receives the code decoded and validated. Anything else gets "This button is no
longer valid". Ids in a code are checked against the person who pressed it.

**Conversation steps** say where a chat stands in a flow. Their values are stored with the
conversation (so they never change); each flow keeps what it has gathered in a typed data
class beside its step enum in `handlers/states/<flow>.py`. Every step is *asked again* by
the handler registered with `@router.reask(Step)` (after a language change, "Continue",
or an answer it could not take); text typed at a step without a handler of its own is
read as one of the buttons the step offers (`handlers.typed`). A *draft* is kept when a
command comes in the middle (the owner is asked whether to continue it), a *prompt* is
abandoned.
"""


def _load_all() -> None:
    for package in (handlers.codes, handlers.states):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")


def _type_name(kind: object) -> str:
    if isinstance(kind, type):
        return kind.__name__
    return str(kind).replace("typing.", "")


def _fields(code: type[ButtonCode]) -> str:
    hints = typing.get_type_hints(code)
    names = [
        f"{f.name}: {_type_name(hints[f.name])}"
        for f in dataclasses.fields(code)  # type: ignore[arg-type]
    ]
    return ", ".join(names) or "—"


def _name(handler: object) -> str:
    return f"`{getattr(handler, '__module__', '?')}.{getattr(handler, '__name__', '?')}`"


def _first_line(obj: object) -> str:
    doc = (obj.__doc__ or "").strip()
    return " ".join(doc.split("\n\n")[0].split()) if doc else ""


def render() -> str:
    _load_all()
    router = build_router()
    lines = [_HEADER, "## Button codes", ""]
    by_module: dict[str, list[type[ButtonCode]]] = {}
    for code in all_code_types().values():
        if code.__module__.startswith("handlers.codes."):
            by_module.setdefault(code.__module__, []).append(code)
    for module in sorted(by_module):
        lines += [f"### `{module.replace('.', '/')}.py`", ""]
        lines += ["| code | class | fields | handled by |", "| --- | --- | --- | --- |"]
        for code in sorted(by_module[module], key=lambda c: c.prefix):
            route = router.buttons.get(code.prefix)
            handler = (
                f"`{route.handler.__module__}.{route.handler.__name__}`" if route else "not routed"
            )
            lines.append(f"| `{code.prefix}` | `{code.__name__}` | {_fields(code)} | {handler} |")
        lines.append("")
    lines += ["## Conversation steps", ""]
    for module_info in sorted(pkgutil.iter_modules(handlers.states.__path__), key=lambda m: m.name):
        states = importlib.import_module(f"handlers.states.{module_info.name}")
        steps = [
            obj
            for obj in vars(states).values()
            if isinstance(obj, type)
            and issubclass(obj, StrEnum)
            and obj.__module__ == states.__name__
        ]
        if not steps:
            continue
        lines += [f"### `handlers/states/{module_info.name}.py`", ""]
        for enum in steps:
            lines.append(f"**`{enum.__name__}`** — {_first_line(enum)}".rstrip(" —"))
            lines.append("")
            lines += [
                "| stored value | step | listened to by | asked again by | kind |",
                "| --- | --- | --- | --- | --- |",
            ]
            for member in typing.cast(list[Enum], list(enum)):
                state_route = router.states.get(str(member.value))
                handler = _name(state_route.handler) if state_route else "typed: its buttons"
                reask = router.reasks.get(str(member.value))
                again = _name(reask.handler) if reask else "—"
                kind = "draft" if reask and reask.draft else "prompt"
                lines.append(
                    f"| `{member.value}` | `{member.name}` | {handler} | {again} | {kind} |"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
