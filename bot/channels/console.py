"""The console channel: talk to the bot in a terminal, or script whole conversations.

Input lines: a message (`hello`, `/points`), `#N` to press button N of the chat's last
screen (`#` alone lists them), `@contact +66812345678 [USER_ID]` to share a contact
(your own unless a user id is given), `@location 13.75,100.50`, `@photo FILE_ID` to
send a photo (the path of a picture, to see it again among the saved files),
`@now 2027-03-01T09:00+07:00` to move the clock (scripts only), `@reply #Q12 TEXT` to
answer the bot's message that opens with the tag #Q12 (Telegram's reply). In a group (`--chat`):
`@join` asks to join it as this user, `@joined` joins it, `@bot STATUS [RIGHT ...]`
changes the bot's own membership (`@bot left`, `@bot administrator can_pin_messages`;
until then the bot is an administrator with every right), `@migrate NEW_ID` upgrades it
to a supergroup. Buttons are printed as
`[N] label`, under the chat they were sent to: `#N` in a console speaking in that chat
presses them. With a `ScreenMemory` each chat's last screen outlives the process, so
a piped script can carry a conversation across runs; with an `AttachmentFolder` every
attachment is saved as a file and the console prints where.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TextIO

from bot.channels.console_files import AttachmentFolder
from bot.channels.telegram.updates import ADMIN_RIGHTS
from bot.channels.text import html_to_text, message_lines
from bot.clock import FixedClock
from bot.services.ports import ShownButtons
from handlers.types import (
    ChatKind,
    Contact,
    Event,
    EventKind,
    Location,
    Screen,
)

CHANNEL = "console"
GROUP_LINES = frozenset({"@join", "@joined", "@bot", "@migrate"})


class Handles(Protocol):
    async def handle(self, event: Event) -> Sequence[Screen]: ...


class ScreenMemory(Protocol):
    """Each chat's last screen with buttons, shared by console processes
    (bot/services/console_screens.py keeps it in the database)."""

    async def last(self, chat_id: int) -> ShownButtons | None: ...
    async def remember(self, chat_id: int, shown: ShownButtons) -> None: ...


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
        memory: ScreenMemory | None = None,
        files: AttachmentFolder | None = None,
    ) -> None:
        """`group_chat_id` speaks in a group (a dealer's staff chat) instead of the
        private chat with the bot; `memory` keeps every chat's last screen beyond this
        process; `files` saves attachments."""
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
        self.memory = memory
        self.files = files
        # What the bot holds in the group this console plays (`@bot` changes it).
        self.bot_rights: tuple[str, ...] = ADMIN_RIGHTS
        # The last screen with buttons of every chat this console showed one for.
        self._shown: dict[int, ShownButtons] = {}
        self._unsaved: set[int] = set()

    async def run(self, lines: Iterable[str]) -> None:
        for raw in lines:
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            if self.echo:
                self._print(f"> {line}")
            await self.say(line)

    async def say(self, line: str) -> Sequence[Screen]:
        await self.recall()
        event = self._event_for(line.strip())
        if event is None:
            return []
        screens = await self.dispatcher.handle(event)
        for screen in screens:
            self.show(screen)
        await self._save()
        return screens

    async def recall(self) -> None:
        """Take this chat's last screen from the memory: another process (or a console
        in another chat) may have shown one since."""
        if self.memory is None:
            return
        shown = await self.memory.last(self.chat_id)
        if shown is not None:
            self._shown[self.chat_id] = shown

    async def _save(self) -> None:
        if self.memory is None:
            return
        for chat_id in sorted(self._unsaved):
            await self.memory.remember(chat_id, self._shown[chat_id])
        self._unsaved.clear()

    @property
    def _buttons(self) -> tuple[tuple[str, str], ...]:
        shown = self._shown.get(self.chat_id)
        return shown.buttons if shown else ()

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
        if line == "#":
            self._print(
                "  " + "   ".join(f"[{n}] {label}" for n, label in enumerate(self.button_labels, 1))
                if self._buttons
                else "! no buttons on the last screen"
            )
            return None
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
        if line.startswith("@reply"):
            parts = line.split(maxsplit=2)
            if len(parts) < 3:
                self._print("! usage: @reply #Q12 your answer")
                return None
            return self._base(EventKind.TEXT, text=parts[2], quoted=parts[1])
        if line.startswith("@now"):
            if self.clock is None:
                self._print("! @now needs the console started with --now")
                return None
            self.clock.set(datetime.fromisoformat(line.split(maxsplit=1)[1]))
            return None
        if line.partition(" ")[0] in GROUP_LINES:
            return self._group_event(line)
        if line.startswith("/"):
            head, _, args = line[1:].partition(" ")
            rights = None if self.chat_kind is ChatKind.PRIVATE else self.bot_rights
            return self._base(
                EventKind.COMMAND,
                command=head.split("@")[0].lower(),
                text=args.strip(),
                bot_rights=rights,
            )
        return self._base(EventKind.TEXT, text=line)

    def _group_event(self, line: str) -> Event | None:
        """What happens to the group itself: a join request, a member, the bot."""
        if self.chat_kind is ChatKind.PRIVATE:
            self._print("! @join, @joined, @bot and @migrate need the console in a group (--chat)")
            return None
        head, *rest = line.split()
        if head == "@join":
            return self._base(EventKind.JOIN_REQUEST)
        if head == "@joined":
            return self._base(EventKind.MEMBER_JOINED)
        if head == "@migrate":
            if len(rest) != 1 or not rest[0].lstrip("-").isdigit():
                self._print("! usage: @migrate -100123456789")
                return None
            return self._base(EventKind.CHAT_MIGRATED, migrated_to=int(rest[0]))
        if not rest:
            self._print("! usage: @bot left | @bot administrator [can_invite_users ...]")
            return None
        status, granted = rest[0], tuple(rest[1:])
        self.bot_rights = granted if status == "administrator" else ()
        return self._base(EventKind.BOT_MEMBERSHIP, bot_status=status, bot_rights=self.bot_rights)

    def _press(self, number: int) -> Event | None:
        if not 1 <= number <= len(self._buttons):
            self._print(f"! no button {number} on the last screen")
            return None
        target, _label = self._buttons[number - 1]
        if target.startswith("http"):
            self._print(f"(opens {target})")
            return None
        message_id = self._shown[self.chat_id].message_id
        return self._base(EventKind.BUTTON, button=target, message_id=message_id)

    def show(self, screen: Screen) -> None:
        """Print a screen; its buttons become the last screen of the chat it went to,
        pressable with `#N` in that chat."""
        if screen.toast:
            self._print(f"({html_to_text(screen.toast)})")
        if screen.join_decision is not None:
            decision = screen.join_decision
            verdict = "approved" if decision.approve else "declined"
            self._print(f"(join request of user {decision.user_id} {verdict})")
        lines = message_lines(screen)
        if not lines:
            return
        chat_id = self.chat_id if screen.chat_id is None else screen.chat_id
        elsewhere = chat_id != self.chat_id
        if elsewhere:
            self._print(f"[to chat {screen.chat_id}]")
        for line in lines:
            self._print(line)
        if self.files is not None:
            self._save_files(screen, self.files)
        if screen.buttons:
            self._keep_buttons(chat_id, screen)
        if screen.keyboard and not elsewhere:
            labels = " | ".join(b.label for row in screen.keyboard for b in row)
            self._print(f"  ⌨ {labels}")
        self._print("")

    def _save_files(self, screen: Screen, files: AttachmentFolder) -> None:
        saved = [files.save(screen.attachment)] if screen.attachment is not None else []
        saved.extend(path for photo in screen.photos if (path := files.copy_photo(photo)))
        for path in saved:
            self._print(f"   saved to {path}")

    def _keep_buttons(self, chat_id: int, screen: Screen) -> None:
        rows, pairs = numbered_buttons(screen)
        for row in rows:
            self._print(row)
        before = self._shown.get(chat_id)
        self._shown[chat_id] = ShownButtons((before.message_id if before else 0) + 1, pairs)
        self._unsaved.add(chat_id)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def numbered_buttons(screen: Screen) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    """The screen's button rows as printed (`[1] label   [2] label`), and what `#N`
    presses: (callback code or URL, label) in that order."""
    rows: list[str] = []
    pairs: list[tuple[str, str]] = []
    for row in screen.buttons:
        cells = []
        for button in row:
            pairs.append((button.url or button.code, button.label))
            cells.append(f"[{len(pairs)}] {button.label}")
        rows.append("  " + "   ".join(cells))
    return rows, tuple(pairs)
