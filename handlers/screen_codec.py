"""A `Screen` as JSON and back, for the durable deliveries (a staff card written in the
transaction of the booking it announces, sent later by the relay)."""

from __future__ import annotations

import base64
from typing import Any

from handlers.types import Attachment, Button, RequestButton, RequestKind, Screen, Template


def to_json(screen: Screen) -> dict[str, object]:
    data: dict[str, object] = {"text": screen.text}
    if screen.buttons:
        data["buttons"] = [[[b.label, b.code, b.url] for b in row] for row in screen.buttons]
    if screen.keyboard:
        data["keyboard"] = [[[b.label, b.kind.value] for b in row] for row in screen.keyboard]
    if screen.remove_keyboard:
        data["remove_keyboard"] = True
    if screen.force_reply:
        data["force_reply"] = True
    if screen.attachment is not None:
        a = screen.attachment
        data["attachment"] = {
            "filename": a.filename,
            "data": base64.b64encode(a.data).decode("ascii"),
            "kind": a.kind,
            "caption": a.caption,
        }
    if screen.photos:
        data["photos"] = list(screen.photos)
    if screen.toast:
        data["toast"] = screen.toast
    if screen.template is not None:
        t = screen.template
        data["template"] = {"name": t.name, "locale": t.locale, "parameters": list(t.parameters)}
    return data


def from_json(data: dict[str, Any]) -> Screen:
    attachment = None
    if (a := data.get("attachment")) is not None:
        attachment = Attachment(
            filename=a["filename"],
            data=base64.b64decode(a["data"]),
            kind=a["kind"],
            caption=a["caption"],
        )
    template = None
    if (t := data.get("template")) is not None:
        template = Template(t["name"], t["locale"], tuple(t["parameters"]))
    return Screen(
        text=str(data.get("text", "")),
        buttons=tuple(
            tuple(Button(label, code, url) for label, code, url in row)
            for row in data.get("buttons", [])
        ),
        keyboard=tuple(
            tuple(RequestButton(label, RequestKind(kind)) for label, kind in row)
            for row in data.get("keyboard", [])
        ),
        remove_keyboard=bool(data.get("remove_keyboard", False)),
        force_reply=bool(data.get("force_reply", False)),
        attachment=attachment,
        photos=tuple(data.get("photos", [])),
        toast=str(data.get("toast", "")),
        template=template,
    )
