"""The catalog check (`ownerbot i18n check`) on single entries."""

from __future__ import annotations

from babel.messages.catalog import Message

from bot.i18n_check import _check_message, tag_problem


def problems(source: str, translation: str, context: str | None = None) -> list[str]:
    return list(_check_message("de", Message(source, translation, context=context)))


def test_tags_in_the_source_order_and_nesting_pass() -> None:
    assert problems("<b>{name}</b> has <i>{n}</i>", "<b>{name}</b> hat <i>{n}</i>") == []


def test_tags_in_another_order_are_refused() -> None:
    assert problems("<b>{name}</b> has <i>{n}</i>", "<i>{n}</i> hat <b>{name}</b>") == [
        "HTML tags in another order or nesting than the source"
    ]


def test_tags_nested_differently_are_refused() -> None:
    assert problems("<b>Hi</b> <i>{name}</i>", "<b>Hallo <i>{name}</i></b>") == [
        "HTML tags in another order or nesting than the source"
    ]


def test_crossed_tags_are_refused() -> None:
    assert problems("<b><i>{name}</i></b>", "<b><i>{name}</b></i>") == [
        "HTML tags badly nested: </b> closes nothing open at that point"
    ]
    assert tag_problem("<b>open") == "<b> is never closed"


def test_service_names_must_fit_a_button_with_their_marks() -> None:
    assert problems("EV battery check", "Elektrikli araç batarya kontrolü", "service") == [
        "service label of 37 characters shown on a button (limit 32)"
    ]
    assert problems("EV battery check", "EV batarya kontrolü", "service") == []
