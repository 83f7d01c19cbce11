"""One screen as WhatsApp messages, by the channel's one rule: reply buttons or list
pages, text cut at paragraphs, links, media, location and contact requests; our HTML
as WhatsApp's formatting."""

from __future__ import annotations

from bot.channels.text import split_paragraphs
from bot.channels.whatsapp.formatting import whatsapp_text
from bot.channels.whatsapp.rendering import messages_for, mime_type
from handlers.types import Attachment, Button, RequestButton, RequestKind, Screen, Template


def buttons(*labels: str) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(label, code=f"x:y:{i}"),) for i, label in enumerate(labels))


def test_up_to_three_short_buttons_are_reply_buttons_under_the_text() -> None:
    [message] = messages_for(Screen("Pick one", buttons("Yes", "No", "Later")))
    interactive = message.message["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "Pick one"}
    assert [b["reply"] for b in interactive["action"]["buttons"]] == [
        {"id": "x:y:0", "title": "Yes"},
        {"id": "x:y:1", "title": "No"},
        {"id": "x:y:2", "title": "Later"},
    ]


def test_a_title_over_20_characters_turns_the_buttons_into_a_list() -> None:
    [message] = messages_for(Screen("Pick", buttons("Yes", "A label much longer than twenty")))
    interactive = message.message["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert rows[1]["title"] == "A label much longer tha…"
    assert len(rows[1]["title"]) <= 24
    assert rows[1]["description"] == "A label much longer than twenty"


def test_more_than_ten_choices_go_as_list_pages_of_ten() -> None:
    labels = [f"Day {i}" for i in range(1, 24)]
    pages = [m.message["interactive"] for m in messages_for(Screen("When?", buttons(*labels)))]
    assert [len(p["action"]["sections"][0]["rows"]) for p in pages] == [10, 10, 3]
    assert pages[0]["body"]["text"] == "When?"
    assert pages[1]["body"]["text"] == "⋯ 2/3"
    ids = [r["id"] for p in pages for r in p["action"]["sections"][0]["rows"]]
    assert ids == [f"x:y:{i}" for i in range(23)], "every choice, once, in order"


def test_long_text_is_cut_between_paragraphs_and_the_buttons_ride_on_the_last_piece() -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(12)]
    text = "\n\n".join(paragraphs)
    messages = [m.message for m in messages_for(Screen(text, buttons("OK")))]
    *texts, last = messages
    assert all(m["type"] == "text" and len(m["text"]["body"]) <= 4096 for m in texts)
    assert texts[0]["text"]["body"].startswith("Paragraph 0:")
    assert all(m["text"]["body"].rstrip().endswith("word") for m in texts)
    assert last["type"] == "interactive"
    assert len(last["interactive"]["body"]["text"]) <= 1024
    shown = [m["text"]["body"] for m in texts] + [last["interactive"]["body"]["text"]]
    assert " ".join(shown).split() == text.split(), "nothing lost, nothing added"


def test_split_paragraphs_cuts_lines_then_words_when_a_paragraph_is_too_long() -> None:
    assert split_paragraphs("one two three", 7) == ["one two", "three"]
    assert split_paragraphs("a\nb\n\nc", 3) == ["a\nb", "c"]
    assert split_paragraphs("", 10) == []


def test_a_lone_link_button_is_a_call_to_action_and_other_links_go_in_the_text() -> None:
    [cta] = messages_for(Screen("Our site", ((Button("Open", url="https://x.example"),),)))
    assert cta.message["interactive"]["type"] == "cta_url"
    assert cta.message["interactive"]["action"]["parameters"] == {
        "display_text": "Open",
        "url": "https://x.example",
    }
    screen = Screen(
        "Share", ((Button("Share", url="https://s.example"), Button("Go", code="a:b")),)
    )
    [message] = messages_for(screen)
    assert message.message["interactive"]["type"] == "button"
    assert "Share: https://s.example" in message.message["interactive"]["body"]["text"]


def test_a_contact_request_is_dropped_and_a_location_request_asks_for_a_location() -> None:
    keyboard = (
        (RequestButton("📱 Share my phone number", RequestKind.CONTACT),),
        (RequestButton("📍 Send location", RequestKind.LOCATION),),
        (RequestButton("Skip"),),
    )
    messages = [m.message for m in messages_for(Screen("Where are you?", keyboard=keyboard))]
    kinds = [m["interactive"]["type"] for m in messages]
    assert kinds == ["location_request_message", "button"]
    assert messages[0]["interactive"]["body"]["text"] == "Where are you?"
    assert messages[0]["interactive"]["action"] == {"name": "send_location"}
    assert messages[1]["interactive"]["action"]["buttons"][0]["reply"] == {
        "id": "txt:Skip",
        "title": "Skip",
    }
    assert "📱" not in str(messages)


def test_files_are_uploaded_as_media_and_photos_sent_by_their_media_id() -> None:
    qr = Attachment("voucher.png", b"\x89PNG...", kind="photo", caption="<b>Your code</b>")
    ics = Attachment("service-7.ics", b"BEGIN:VCALENDAR", caption="Add it")
    (photo,) = messages_for(Screen("", attachment=qr))
    assert photo.upload is qr
    assert photo.message == {"type": "image", "image": {"caption": "*Your code*"}}
    text, document, album = messages_for(Screen("Booked", attachment=ics, photos=("m1",)))
    assert text.message["text"]["body"] == "Booked"
    assert document.message["document"] == {"caption": "Add it", "filename": "service-7.ics"}
    assert mime_type(ics) == "text/plain", "WhatsApp takes no text/calendar"
    assert mime_type(qr) == "image/png"
    assert album.message == {"type": "image", "image": {"id": "m1"}}


def test_a_template_goes_alone_instead_of_the_screen() -> None:
    template = Template("care_birthday_1", "zh_Hans", ("伟", "Aurora"))
    [message] = messages_for(Screen("生日快乐", buttons("⭐"), template=template))
    assert message.message == {
        "type": "template",
        "template": {
            "name": "care_birthday_1",
            "language": {"code": "zh_CN"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "伟"},
                        {"type": "text", "text": "Aurora"},
                    ],
                }
            ],
        },
    }


def test_html_becomes_whatsapp_formatting() -> None:
    assert whatsapp_text("<b>Bold</b> and <i>it</i>") == "*Bold* and _it_"
    assert whatsapp_text("<b> padded </b>!") == " *padded* !"
    assert whatsapp_text("<code>AB12</code>") == "```AB12```"
    assert whatsapp_text('<a href="https://a.example">site</a>') == "site (https://a.example)"
    assert whatsapp_text("Tom &amp; Jerry &lt;3") == "Tom & Jerry <3"
    assert whatsapp_text("<b>outer <i>inner</i></b>") == "*outer _inner_*"
