"""The console channel: talk to the bot in a terminal, or script whole conversations.

Input lines: a message (`hello`, `/points`), `#N` to press button N of the last
screen, `@contact +66812345678 [USER_ID]` to share a contact (your own unless a user
id is given), `@location 13.75,100.50`, `@photo FILE_ID` to send a photo,
`@now 2027-03-01T09:00+07:00` to move the clock (scripts only). Buttons are printed as
`[N] label`.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TextIO

from bot.channels.text import html_to_text, message_lines
from bot.clock import FixedClock
from handlers.types import (
    ChatKind,
    Contact,
    Event,
    EventKind,
    Location,
    Screen,
)

CHANNEL = "console"


class Handles(Protocol):
    async def handle(self, event: Event) -> Sequence[Screen]: ...


class ConsoleChannel:
    def __init__(
        self,
        dispatcher: Handles,
        *,
        user_id: int,
        language_code: str = "",
        first_name: str = "",
        clock: FixedClock | None = None,
        out: TextIO | None = None,
        echo: bool = False,
        group_chat_id: int | None = None,
    ) -> None:
        """`group_chat_id` speaks in a group (a dealer's staff chat) instead of the
        private chat with the bot."""
        self.dispatcher = dispatcher
        self.user_id = user_id
        self.chat_id = group_chat_id if group_chat_id is not None else user_id
        self.chat_kind = ChatKind.PRIVATE if group_chat_id is None else ChatKind.GROUP
        self.language_code = language_code
        self.first_name = first_name
        self.clock = clock
        self.out = out if out is not None else sys.stdout  # as it is now, not at import
        self.echo = echo
        # Update ids must be unique across runs on the same database.
        self._run = secrets.token_hex(4)
        self._seq = 0
        self._buttons: list[tuple[str, str]] = []  # (code or url, label) of the last screen
        self._message_id = 0

    async def run(self, lines: Iterable[str]) -> None:
        for raw in lines:
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            if self.echo:
                self._print(f"> {line}")
            await self.say(line)

    async def say(self, line: str) -> Sequence[Screen]:
        event = self._event_for(line.strip())
        if event is None:
            return []
        screens = await self.dispatcher.handle(event)
        for screen in screens:
            self.show(screen)
        return screens

    @property
    def button_labels(self) -> list[str]:
        """Labels of the last screen's buttons; `#N` presses label N (1-based)."""
        return [label for _target, label in self._buttons]

    @property
    def button_codes(self) -> list[str]:
        """Callback codes (or URLs) of the last screen's buttons, in `#N` order."""
        return [target for target, _label in self._buttons]

    def _next_id(self) -> str:
        self._seq += 1
        return f"{self._run}-{self._seq}"

    def _base(self, kind: EventKind, **fields: object) -> Event:
        return Event(
            channel=CHANNEL,
            update_id=self._next_id(),
            user_id=self.user_id,
            chat_id=self.chat_id,
            kind=kind,
            chat_kind=self.chat_kind,
            language_code=self.language_code,
            first_name=self.first_name,
            **fields,  # type: ignore[arg-type]
        )

    def _event_for(self, line: str) -> Event | None:
        if line.startswith("#") and line[1:].isdigit():
            return self._press(int(line[1:]))
        if line.startswith("@contact"):
            parts = line.split()
            if len(parts) < 2:
                self._print("! usage: @contact +66812345678 [USER_ID]")
                return None
            owner_of = int(parts[2]) if len(parts) > 2 else self.user_id
            return self._base(EventKind.CONTACT, contact=Contact(parts[1], owner_of))
        if line.startswith("@location"):
            try:
                lat, lon = (float(x) for x in line.split(maxsplit=1)[1].split(","))
            except (IndexError, ValueError):
                self._print("! usage: @location 13.75,100.50")
                return None
            return self._base(EventKind.LOCATION, location=Location(lat, lon))
        if line.startswith("@photo"):
            parts = line.split()
            return self._base(EventKind.PHOTO, photo_id=parts[1] if len(parts) > 1 else "photo")
        if line.startswith("@now"):
            if self.clock is None:
                self._print("! @now needs the console started with --now")
                return None
            self.clock.set(datetime.fromisoformat(line.split(maxsplit=1)[1]))
            return None
        if line.startswith("/"):
            head, _, args = line[1:].partition(" ")
            return self._base(
                EventKind.COMMAND, command=head.split("@")[0].lower(), text=args.strip()
            )
        return self._base(EventKind.TEXT, text=line)

    def _press(self, number: int) -> Event | None:
        if not 1 <= number <= len(self._buttons):
            self._print(f"! no button {number} on the last screen")
            return None
        target, _label = self._buttons[number - 1]
        if target.startswith("http"):
            self._print(f"(opens {target})")
            return None
        return self._base(EventKind.BUTTON, button=target, message_id=self._message_id)

    def show(self, screen: Screen) -> None:
        """Print a screen; buttons of screens for this chat become pressable (`#N`)."""
        if screen.toast:
            self._print(f"({html_to_text(screen.toast)})")
        lines = message_lines(screen)
        if not lines:
            return
        elsewhere = screen.chat_id is not None and screen.chat_id != self.chat_id
        if elsewhere:
            self._print(f"[to chat {screen.chat_id}]")
        for line in lines:
            self._print(line)
        if elsewhere:
            return  # buttons in another chat are not ours to press
        if screen.buttons:
            self._message_id += 1
            self._buttons = []
            for row in screen.buttons:
                cells = []
                for button in row:
                    self._buttons.append((button.url or button.code, button.label))
                    cells.append(f"[{len(self._buttons)}] {button.label}")
                self._print("  " + "   ".join(cells))
        if screen.keyboard:
            labels = " | ".join(b.label for row in screen.keyboard for b in row)
            self._print(f"  ⌨ {labels}")
        self._print("")

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)
