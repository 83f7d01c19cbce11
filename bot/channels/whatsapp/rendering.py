"""One screen as WhatsApp messages, within the platform's limits, by one rule:

- the text in messages of at most 4,096 characters, cut between paragraphs;
- callback buttons (and reply-keyboard labels) as up to 3 reply buttons when every
  title fits in 20 characters, else as list messages of up to 10 rows (titles of 24
  characters, the rest of a long label as the row's description), one list message a
  page when there are more; the last piece of text (at most 1,024 characters) is
  their body;
- a lone URL button as a call-to-action message, other URL buttons as links in text;
- a location request as WhatsApp's "send location" message; a contact request is
  dropped (the number is known); removing a keyboard or forcing a reply has no
  counterpart and is ignored;
- the attachment uploaded as media (an image or a document), photos by media id;
- a screen's template (outside the 24-hour window) alone, instead of all the above.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any

from bot.channels.text import split_paragraphs
from bot.channels.whatsapp.formatting import plain, whatsapp_text
from bot.channels.whatsapp.templates import template_message
from handlers.types import Attachment, Button, RequestKind, Screen

TEXT_LIMIT = 4096
BODY_LIMIT = 1024  # an interactive message's body, a media caption
BUTTONS_LIMIT = 3
BUTTON_TITLE_LIMIT = 20
ROWS_LIMIT = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200
LIST_BUTTON = "☰"  # the list's opener: a sign, since the screen carries no word for it
MORE_BODY = "⋯ {page}/{pages}"  # the body of a list's next pages
# A reply-keyboard label comes back as a button reply with this id prefix; the channel
# turns it into the text the label says (as Telegram sends a keyboard label).
TEXT_REPLY = "txt:"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send; `upload`: a file to upload first, its media id put in."""

    message: dict[str, Any]
    upload: Attachment | None = None


@dataclass(frozen=True, slots=True)
class _Option:
    title: str
    reply_id: str


def messages_for(screen: Screen) -> list[Outgoing]:
    if screen.template is not None:
        return [Outgoing(template_message(screen.template))]
    text = whatsapp_text(screen.text or screen.toast)
    options, links = _options(screen)
    wants_location = any(b.kind is RequestKind.LOCATION for row in screen.keyboard for b in row)
    cta = links[0] if len(links) == 1 and not options and not wants_location else None
    if cta is not None and len(plain(cta.label, 99)) > BUTTON_TITLE_LIMIT:
        cta = None
    if cta is None and links:
        text = "\n\n".join([text, *(f"{plain(b.label, 99)}: {b.url}" for b in links)]).strip()
    interactive = bool(options) or wants_location or cta is not None
    pieces = split_paragraphs(text, TEXT_LIMIT)
    body = ""
    if interactive:
        tail = split_paragraphs(pieces.pop(), BODY_LIMIT) if pieces else []
        body = tail.pop() if tail else "⋯"
        pieces.extend(tail)
    out = [Outgoing({"type": "text", "text": {"body": p, "preview_url": False}}) for p in pieces]
    if wants_location:
        out.append(_interactive("location_request_message", body, {"name": "send_location"}))
        body = "⋯"
    if cta is not None:
        action = {
            "name": "cta_url",
            "parameters": {"display_text": plain(cta.label, 20), "url": cta.url},
        }
        out.append(_interactive("cta_url", body, action))
    elif options:
        out.extend(_choices(options, body))
    if screen.attachment is not None:
        out.append(_media(screen.attachment))
    out.extend(Outgoing({"type": "image", "image": {"id": media_id}}) for media_id in screen.photos)
    return out


def _options(screen: Screen) -> tuple[list[_Option], list[Button]]:
    options: list[_Option] = []
    links: list[Button] = []
    seen: set[str] = set()
    for row in screen.buttons:
        for b in row:
            if b.url:
                links.append(b)
            elif b.code and b.code not in seen:
                seen.add(b.code)
                options.append(_Option(b.label, b.code))
    for keys in screen.keyboard:
        for key in keys:
            if key.kind is RequestKind.TEXT:
                reply_id = (TEXT_REPLY + key.label)[:ROW_ID_LIMIT]
                if reply_id not in seen:
                    seen.add(reply_id)
                    options.append(_Option(key.label, reply_id))
    return options, links


def _choices(options: list[_Option], body: str) -> list[Outgoing]:
    """Reply buttons when they fit, else list messages, a page each."""
    if len(options) <= BUTTONS_LIMIT and all(
        len(plain(o.title, 99)) <= BUTTON_TITLE_LIMIT for o in options
    ):
        buttons = [
            {"type": "reply", "reply": {"id": o.reply_id, "title": plain(o.title, 20)}}
            for o in options
        ]
        return [_interactive("button", body, {"buttons": buttons})]
    pages = [options[i : i + ROWS_LIMIT] for i in range(0, len(options), ROWS_LIMIT)]
    out = []
    for number, page in enumerate(pages, start=1):
        text = body if number == 1 else MORE_BODY.format(page=number, pages=len(pages))
        action = {"button": LIST_BUTTON, "sections": [{"rows": [_row(o) for o in page]}]}
        out.append(_interactive("list", text, action))
    return out


def _row(option: _Option) -> dict[str, str]:
    label = plain(option.title, 999)
    row = {"id": option.reply_id, "title": plain(label, ROW_TITLE_LIMIT)}
    if len(label) > ROW_TITLE_LIMIT:
        row["description"] = plain(label, ROW_DESCRIPTION_LIMIT)
    return row


def _interactive(kind: str, body: str, action: dict[str, Any]) -> Outgoing:
    return Outgoing(
        {
            "type": "interactive",
            "interactive": {"type": kind, "body": {"text": body}, "action": action},
        }
    )


def _media(attachment: Attachment) -> Outgoing:
    kind = "image" if attachment.kind == "photo" else "document"
    media: dict[str, Any] = {}
    if attachment.caption:
        media["caption"] = split_paragraphs(whatsapp_text(attachment.caption), BODY_LIMIT)[0]
    if kind == "document":
        media["filename"] = attachment.filename
    return Outgoing({"type": kind, kind: media}, upload=attachment)


# Documents WhatsApp takes besides PDF and office files; other text (an .ics, the
# JSON of /mydata) goes as plain text under its own file name, which phones open by.
_DOCUMENT_TYPES = frozenset({"application/pdf", "text/plain"})
_IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def mime_type(attachment: Attachment) -> str:
    guessed, _ = mimetypes.guess_type(attachment.filename)
    if attachment.kind == "photo":
        return guessed if guessed in _IMAGE_TYPES else "image/png"
    if guessed in _DOCUMENT_TYPES or (guessed or "").startswith("application/vnd."):
        return guessed or "text/plain"
    return "text/plain"
