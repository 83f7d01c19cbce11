"""Every channel renders every field of a Screen: the Bot API calls a screen takes
(through a recording port), and what the console prints for it."""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.channels.console import ConsoleChannel
from bot.channels.console_transport import ConsoleTransport
from bot.channels.telegram.errors import Failure, FailureKind
from bot.channels.telegram.port import CommandList, Markup
from bot.channels.telegram.rendering import sends
from handlers.types import Attachment, Button, Event, Screen

CHAT = 42
BUTTONS = ((Button("OK", "x:ok"),),)


class RecordingPort:
    """The sending half of a TelegramPort: records each call as (method, details)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object, Markup | None]] = []

    async def send_text(self, chat_id: int, text: str, markup: Markup | None) -> None:
        self.calls.append(("sendMessage", text, markup))

    async def send_file(self, chat_id: int, attachment: Attachment, markup: Markup | None) -> None:
        self.calls.append(("sendFile", attachment.filename, markup))

    async def send_photo(self, chat_id: int, file_id: str, markup: Markup | None) -> None:
        self.calls.append(("sendPhoto", file_id, markup))

    async def send_album(self, chat_id: int, file_ids: Sequence[str]) -> None:
        self.calls.append(("sendMediaGroup", tuple(file_ids), None))

    async def get_username(self) -> str:
        return "bot"

    async def delete_webhook(self) -> None: ...
    async def set_webhook(self, url: str, secret: str) -> None: ...
    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: Markup | None
    ) -> None: ...
    async def post(self, chat_id: int, text: str, photo: str | None, markup: Markup | None) -> int:
        return 0

    async def edit_post(
        self, chat_id: int, message_id: int, text: str, photo: bool, markup: Markup | None
    ) -> None: ...
    async def pin(self, chat_id: int, message_id: int) -> None: ...
    async def answer_callback(self, callback_id: str, text: str) -> None: ...
    async def settle_join_request(self, chat_id: int, user_id: int, approve: bool) -> None:
        self.calls.append(("approve" if approve else "decline", user_id, None))

    async def bot_rights(self, chat_id: int) -> tuple[str, ...]:
        return ()

    async def set_commands(self, language_code: str | None, commands: CommandList) -> None: ...

    def classify(self, error: Exception) -> Failure:
        return Failure(FailureKind.REJECTED)

    def with_paid_broadcast(self) -> RecordingPort:
        return self


async def rendered(screen: Screen) -> list[tuple[str, object, Markup | None]]:
    port = RecordingPort()
    for send in sends(port, CHAT, screen):
        await send.call()
    return port.calls


async def test_a_force_reply_rides_on_the_text_and_is_not_an_inline_markup() -> None:
    [(method, text, markup)] = await rendered(Screen("Amount?", force_reply=True))
    assert (method, text) == ("sendMessage", "Amount?")
    assert markup == Markup(force_reply=True)
    assert not markup.inline, "an edit can't ask for a reply: it is sent as a new message"


async def test_photos_follow_the_text_as_albums_of_at_most_ten() -> None:
    photos = tuple(f"p{n}" for n in range(12))
    calls = await rendered(Screen("Lead", buttons=BUTTONS, photos=photos))
    assert [c[0] for c in calls] == ["sendMessage", "sendMediaGroup", "sendMediaGroup"]
    assert calls[0][2] == Markup(buttons=BUTTONS), "the buttons stay on the text"
    assert calls[1][1] == photos[:10]
    assert calls[2][1] == photos[10:]


async def test_a_lone_photo_is_sent_as_a_photo_and_an_eleventh_too() -> None:
    assert await rendered(Screen("", photos=("front",), buttons=BUTTONS)) == [
        ("sendPhoto", "front", Markup(buttons=BUTTONS))
    ]
    eleven = await rendered(Screen("Lead", photos=tuple(f"p{n}" for n in range(11))))
    assert [c[0] for c in eleven] == ["sendMessage", "sendMediaGroup", "sendPhoto"]


async def test_the_markup_rides_on_the_attachment_after_the_text() -> None:
    doc = Attachment("data.json", b"{}")
    calls = await rendered(Screen("Your data", buttons=BUTTONS, attachment=doc))
    assert calls == [
        ("sendMessage", "Your data", None),
        ("sendFile", "data.json", Markup(buttons=BUTTONS)),
    ]


class _Silent:
    async def handle(self, event: Event) -> list[Screen]:
        return []


def test_the_console_shows_the_reply_request_and_the_photos() -> None:
    out = io.StringIO()
    console = ConsoleChannel(_Silent(), user_id=7, out=out)
    console.show(Screen("Amount?", force_reply=True))
    console.show(Screen("Lead", chat_id=-100, photos=("front-123", "dash-456")))
    assert out.getvalue().splitlines() == [
        "Amount?",
        "(reply to this message)",
        "",
        "[to chat -100]",
        "Lead",
        "[photo: front-123]",
        "[photo: dash-456]",
        "",
    ]


async def test_care_messages_on_the_console_show_attachments_photos_and_reply_requests() -> None:
    out = io.StringIO()
    screen = Screen(
        "Hello",
        attachment=Attachment("visit.ics", b"BEGIN"),
        photos=("car",),
        force_reply=True,
    )
    await ConsoleTransport(out).deliver(9, [screen])
    assert out.getvalue().splitlines() == [
        "[to chat 9]",
        "Hello",
        "📎 visit.ics (5 bytes)",
        "[photo: car]",
        "(reply to this message)",
        "",
    ]
