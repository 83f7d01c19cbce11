"""The one rule that turns screens into LINE messages, against LINE's limits; and
the SDK's own models take every message we build."""

from __future__ import annotations

from linebot.v3.messaging import PushMessageRequest

from bot.channels.line.rendering import (
    QUICK_REPLY_LIMIT,
    TEXT_LIMIT,
    Links,
    batches,
    render,
    split_text,
)
from handlers.types import Attachment, Button, RequestButton, RequestKind, Screen


def choices(n: int, label: str = "Option") -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(f"{label} {i}", code=f"t:c:{i}"),) for i in range(n))


def test_a_few_short_choices_are_quick_replies_on_the_last_message() -> None:
    [message] = render([(Screen("<b>Pick</b> one", buttons=choices(3)), Links())])
    assert message["text"] == "Pick one"
    items = message["quickReply"]["items"]
    assert [i["action"]["data"] for i in items] == ["t:c:0", "t:c:1", "t:c:2"]
    assert all(i["action"]["type"] == "postback" for i in items)


def test_more_than_thirteen_choices_become_flex_bubbles_of_eight() -> None:
    messages = render([(Screen("Pick", buttons=choices(QUICK_REPLY_LIMIT + 4)), Links())])
    assert [m["type"] for m in messages] == ["text", "flex"]
    carousel = messages[1]["contents"]
    assert carousel["type"] == "carousel"
    sizes = [len(b["body"]["contents"]) for b in carousel["contents"]]
    assert sizes == [8, 8, 1]


def test_a_long_label_or_a_link_goes_to_flex_where_labels_fit() -> None:
    long = (Button("A label that is much longer than twenty", code="t:c:1"),)
    link = (Button("Open", url="https://example.com"),)
    for buttons in (long, link):
        messages = render([(Screen("Pick", buttons=(buttons,)), Links())])
        assert messages[-1]["type"] == "flex"
        assert "quickReply" not in messages[-1]


def test_choices_on_a_message_that_others_follow_are_flex_so_they_stay() -> None:
    messages = render([(Screen("First", buttons=choices(2)), Links()), (Screen("Second"), Links())])
    assert [m["type"] for m in messages] == ["text", "flex", "text"]


def test_a_location_request_is_a_quick_reply_location_action() -> None:
    screen = Screen("Where are you?", keyboard=((RequestButton("📍 Here", RequestKind.LOCATION),),))
    [message] = render([(screen, Links())])
    assert message["quickReply"]["items"][0]["action"] == {"type": "location", "label": "📍 Here"}


def test_long_text_is_split_at_paragraphs_within_five_thousand_characters() -> None:
    paragraphs = ["x" * 3000, "y" * 3000, "z" * 12000]
    parts = split_text("\n\n".join(paragraphs))
    assert all(len(p) <= TEXT_LIMIT for p in parts)
    assert parts[0] == "x" * 3000
    assert parts[1] == "y" * 3000
    assert "".join(parts[2:]) == "z" * 12000


def test_images_and_documents_are_shown_by_url() -> None:
    qr = Attachment("voucher.png", b"png", kind="photo", caption="Show this")
    ics = Attachment("booking.ics", b"ics")
    url = "https://bot.example.test/media/tok/voucher.png"
    image, caption = render([(Screen("", attachment=qr), Links(attachment=url))])
    assert image == {"type": "image", "originalContentUrl": url, "previewImageUrl": url}
    assert caption["text"] == "Show this"
    [document] = render([(Screen("", attachment=ics), Links(attachment="https://b/x.ics"))])
    assert document["text"] == "📎 booking.ics\nhttps://b/x.ics"


def test_requests_carry_at_most_five_messages() -> None:
    messages = [{"type": "text", "text": str(n)} for n in range(11)]
    assert [len(b) for b in batches(messages)] == [5, 5, 1]


def test_the_sdk_takes_every_kind_of_message_we_build() -> None:
    screens = [
        (Screen("Pick", buttons=choices(20)), Links()),
        (Screen("", attachment=Attachment("qr.png", b"", kind="photo")), Links("https://b/q.png")),
        (Screen("Where?", keyboard=((RequestButton("Here", RequestKind.LOCATION),),)), Links()),
    ]
    for batch in batches(render(screens)):
        request = PushMessageRequest.from_dict({"to": "U1", "messages": batch})
        assert len(request.messages) == len(batch)
