"""Booking buttons and steps checked against the conversation they arrive in: stale
buttons, forged codes, spent tokens and data an older version wrote."""

from __future__ import annotations

from bot.app import App
from bot.channels.console import CHANNEL
from bot.domain.booking import BookingStatus
from bot.domain.text import isolate
from handlers.codes.booking import CancelBooking, ConfirmMove, SkipNotes
from handlers.codes.roadside import TradeInPhotosDone
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_LONDON, book_visit, bookings_of, linked, sent_to

DEMO_BERLIN = "+4915112345678"  # Lukas, German, an upcoming confirmed booking (demo)
LONDON_STAFF_CHAT = -1001000000701


def last_line(chat: Chat) -> str:
    return chat.transcript.splitlines()[-1]


async def test_a_booking_button_pressed_after_leaving_the_booking_is_no_longer_valid(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.say("/menu")
    await chat.tap("draft:drop")  # the menu offers to continue; the owner discards it
    for stale in ("bk:svok", "bk:nt", "bk:tr:wait", "bk:day:20261201"):
        await chat.press_code(stale)
        assert "no longer valid" in last_line(chat), stale
    await chat.press_code(SkipNotes())
    assert "no longer valid" in last_line(chat)
    assert await bookings_of(app, DEMO_LONDON) == []


async def test_a_second_tap_on_move_it_is_already_done_and_moves_the_visit_once(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_BERLIN)
    [booking] = await bookings_of(app, DEMO_BERLIN)
    await chat.say("/bookings")
    await chat.tap(f"bk:rs:{booking.id}")
    await chat.tap("bk:day:", 1)
    await chat.tap("bk:tm:")
    [move] = chat.codes("bk:mv:")
    await chat.tap("bk:mv:")
    [moved] = await bookings_of(app, DEMO_BERLIN)
    screens = await chat.press_code(move)
    assert [s.toast for s in screens] == ["Already done."]
    [still] = await bookings_of(app, DEMO_BERLIN)
    assert still.starts_at == moved.starts_at != booking.starts_at
    await chat.press_code(ConfirmMove("0123456789abcdef"))  # a token never issued
    assert "no longer valid" in last_line(chat)


async def test_a_cancellation_reason_never_offered_is_no_longer_valid(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_BERLIN)
    [booking] = await bookings_of(app, DEMO_BERLIN)
    await chat.press_code(f"bk:cxr:{booking.id}:bored")
    assert "no longer valid" in last_line(chat)
    [still] = await bookings_of(app, DEMO_BERLIN)
    assert still.status == BookingStatus.CONFIRMED


async def test_an_owner_cancelling_in_their_own_words_is_quoted_to_the_desk(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await book_visit(chat, center="GB-LON-01")
    [booking] = await bookings_of(app, DEMO_LONDON)
    await chat.press_code(CancelBooking(booking.id or 0))
    await chat.press("Another reason")
    assert "Please write the reason" in chat.text
    screens = await chat.say("The   car was  sold")
    [card] = sent_to(screens, LONDON_STAFF_CHAT)
    assert f"Reason: {isolate('The car was sold')}" in card.text
    [cancelled] = await bookings_of(app, DEMO_LONDON)
    assert cancelled.status == BookingStatus.CANCELLED


async def test_booking_data_an_older_version_wrote_starts_over_politely(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(user_id=6400, lang="en"), DEMO_LONDON)
    async with app.database.uow() as uow:
        conversation = await uow.conversations.load(CHANNEL, chat.chat_id, 6400)
        conversation.state = "bk.notes"
        conversation.data = {"vehicle": "the blue one", "transport": 3}
        await uow.commit()
    await chat.say("Please check the brakes")
    assert "Sorry, I didn't catch that" in chat.text
    assert "went wrong" not in chat.transcript
    await chat.say("/book")
    assert chat.codes("bk:km"), "booking works again"


async def test_a_trade_in_button_outside_a_valuation_is_no_longer_valid(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.press_code(TradeInPhotosDone())
    assert "no longer valid" in last_line(chat)
    await chat.press_code("tv:km")
    assert "no longer valid" in last_line(chat)
