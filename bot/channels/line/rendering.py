"""Screens as LINE messages, by one rule for every flow.

- Text: our HTML as plain text (LINE has no markup), split at paragraph boundaries
  into messages of at most 5,000 characters.
- Choices on the last message of what goes out at once become quick replies, when
  they fit: at most 13, labels of at most 20 characters, no links. Anything else (more
  choices, longer labels, links, or choices on a message that others follow, where a
  quick reply would vanish) becomes a flex message of buttons: bubbles of 8, carousels
  of 12 bubbles, more carousels beyond that. A keyboard's "share location" is a quick
  reply's location action; its plain buttons send their label as text.
- Images (QR codes, an owner's photos) are image messages by URL; documents (.ics,
  /mydata) are a link in a text message: LINE lets bots send no files. The URLs are
  our own signed-by-randomness /media/<token> addresses (bot/channels/line/media.py).
- A toast, which LINE has no place for, is a short text message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.channels.line.api import Message
from bot.channels.text import html_to_text
from handlers.types import Button, RequestButton, RequestKind, Screen

TEXT_LIMIT = 5000
QUICK_REPLY_LIMIT = 13
QUICK_LABEL_LIMIT = 20
FLEX_LABEL_LIMIT = 40
ALT_TEXT_LIMIT = 400
POSTBACK_DATA_LIMIT = 300
BUTTONS_PER_BUBBLE = 8
BUBBLES_PER_CAROUSEL = 12
MESSAGES_PER_REQUEST = 5  # a reply or a push carries at most five messages


@dataclass(frozen=True)
class Links:
    """Where a screen's files are served (None: no public URL is configured)."""

    attachment: str | None = None
    photos: tuple[str, ...] = field(default_factory=tuple)


def render(screens: Sequence[tuple[Screen, Links]]) -> list[Message]:
    """The messages for screens going to one chat at once, in order."""
    messages: list[Message] = []
    for index, (screen, links) in enumerate(screens):
        last = index == len(screens) - 1
        messages.extend(_screen(screen, links, last=last))
    return messages


def _screen(screen: Screen, links: Links, *, last: bool) -> list[Message]:
    messages: list[Message] = []
    text = screen.text or ("" if screen.attachment is not None else screen.toast)
    messages.extend(_text(part) for part in split_text(html_to_text(text)))
    attachment = screen.attachment
    if attachment is not None:
        caption = html_to_text(attachment.caption)
        if attachment.kind == "photo" and links.attachment:
            messages.append(_image(links.attachment))
            if caption:
                messages.append(_text(caption))
        else:
            where = f"\n{links.attachment}" if links.attachment else ""
            lines = [f"📎 {attachment.filename}{where}", caption]
            messages.append(_text("\n".join(line for line in lines if line)))
    messages.extend(_image(url) for url in links.photos)
    buttons = [b for row in screen.buttons for b in row]
    requests = [r for row in screen.keyboard for r in row if r.kind is not RequestKind.CONTACT]
    quick: list[dict[str, Any]] = [_quick_request(r) for r in requests]
    if buttons and last and _fit_quick_reply(buttons, len(quick)):
        quick = [_quick_button(b) for b in buttons] + quick
    elif buttons:
        messages.extend(_flex(buttons, alt=html_to_text(text) or buttons[0].label))
    if not messages and quick:
        messages.append(_text("…"))
    if quick and messages:
        messages[-1] = {**messages[-1], "quickReply": {"items": quick}}
    return messages


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Messages of at most `limit` characters, cut between paragraphs, else between
    lines, else (one enormous line) anywhere."""
    text = text.strip()
    if not text:
        return []
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        joined = f"{current}\n\n{piece}" if current else piece
        if len(joined) <= limit:
            current = joined
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        line_block = ""
        for line in paragraph.split("\n"):
            while len(line) > limit:
                if line_block:
                    pieces.append(line_block)
                    line_block = ""
                pieces.append(line[:limit])
                line = line[limit:]
            candidate = f"{line_block}\n{line}" if line_block else line
            if len(candidate) <= limit:
                line_block = candidate
            else:
                pieces.append(line_block)
                line_block = line
        if line_block:
            pieces.append(line_block)
    return pieces


def batches(messages: list[Message]) -> list[list[Message]]:
    """Requests of at most five messages each, in order."""
    return [
        messages[i : i + MESSAGES_PER_REQUEST]
        for i in range(0, len(messages), MESSAGES_PER_REQUEST)
    ]


def _fit_quick_reply(buttons: list[Button], taken: int) -> bool:
    return len(buttons) + taken <= QUICK_REPLY_LIMIT and all(
        not b.url and len(b.label) <= QUICK_LABEL_LIMIT for b in buttons
    )


def _text(text: str) -> Message:
    return {"type": "text", "text": text}


def _image(url: str) -> Message:
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": url}


def _action(button: Button, limit: int) -> dict[str, Any]:
    label = _cut(button.label, limit)
    if button.url:
        return {"type": "uri", "label": label, "uri": button.url}
    if len(button.code) > POSTBACK_DATA_LIMIT:
        raise ValueError(f"postback data over {POSTBACK_DATA_LIMIT} characters: {button.code!r}")
    return {
        "type": "postback",
        "label": label,
        "data": button.code,
        "displayText": _cut(button.label, POSTBACK_DATA_LIMIT),
    }


def _quick_button(button: Button) -> dict[str, Any]:
    return {"type": "action", "action": _action(button, QUICK_LABEL_LIMIT)}


def _quick_request(request: RequestButton) -> dict[str, Any]:
    label = _cut(request.label, QUICK_LABEL_LIMIT)
    if request.kind is RequestKind.LOCATION:
        return {"type": "action", "action": {"type": "location", "label": label}}
    return {
        "type": "action",
        "action": {"type": "message", "label": label, "text": request.label},
    }


def _flex(buttons: list[Button], *, alt: str) -> list[Message]:
    bubbles = [
        _bubble(buttons[i : i + BUTTONS_PER_BUBBLE])
        for i in range(0, len(buttons), BUTTONS_PER_BUBBLE)
    ]
    messages: list[Message] = []
    for i in range(0, len(bubbles), BUBBLES_PER_CAROUSEL):
        page = bubbles[i : i + BUBBLES_PER_CAROUSEL]
        contents = page[0] if len(page) == 1 else {"type": "carousel", "contents": page}
        messages.append(
            {"type": "flex", "altText": _cut(alt, ALT_TEXT_LIMIT), "contents": contents}
        )
    return messages


def _bubble(buttons: list[Button]) -> dict[str, Any]:
    return {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                {
                    "type": "button",
                    "style": "secondary",
                    "height": "sm",
                    "action": _action(button, FLEX_LABEL_LIMIT),
                }
                for button in buttons
            ],
        },
    }


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
