"""Conversation shortcuts shared by flow tests."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.config import PROJECT_ROOT
from bot.domain.booking import Booking
from bot.i18n import Catalogs, Translator
from handlers.types import Event, EventKind, Screen
from tests.conftest import Chat

DEMO_BANGKOK = "+66812345678"  # สมชาย, Thai on file, an Aurora X7
DEMO_DUBAI = "+971501234567"  # أحمد, Arabic on file, an Aurora X7
DEMO_SAO_PAULO = "+5511987654321"  # João, Portuguese on file, an Aurora S5
DEMO_LONDON = "+447911123456"  # Oliver, English, an Aurora E3, miles, a Companion
DEMO_MANCHESTER = "+447400123456"  # Emma, English, an Aurora S5, miles, no points
DEMO_MEXICO = "+525512345678"  # María, Spanish, an Aurora X7

_CATALOGS = Catalogs(PROJECT_ROOT / "locales")


def translator(locale: str, market: str) -> Translator:
    """What an owner of `market` reads in `locale`: expected texts in any language."""
    return _CATALOGS.translator(locale, market)


async def linked(
    chat: Chat, phone: str = DEMO_BANGKOK, *, service: bool = True, marketing: bool = True
) -> Chat:
    """Start, share the phone, and answer the consent questions if they are asked
    (demo owners who already answered them are not asked again)."""
    await chat.say("/start")
    await chat.say(f"@contact {phone}")
    for _ in range(2):
        codes = chat.console.button_codes
        if not codes or not codes[0].startswith("cs:"):
            break
        yes = service if codes[0].startswith("cs:ans:service") else marketing
        await chat.say(f"#{1 if yes else 2}")
    return chat


async def register_in_mexico(chat: Chat, phone: str, name: str, vin_stem: str) -> None:
    """/start with an unknown Mexican number and register a new Aurora X7: `name` as
    typed, the VIN from `vin_stem` with its check digit (Mexico checks it)."""
    from bot.domain.vin import with_check_digit

    await chat.say("/start")
    await chat.say(f"@contact {phone}")
    await chat.press("Mexico")
    await chat.say(name)
    await chat.say(with_check_digit(vin_stem))
    if "Which model is it?" in chat.text:  # the VIN's descriptor names no model
        await chat.press("Aurora X7")
    await chat.say("2025-02-14")


async def book_visit(
    chat: Chat,
    *,
    center: str = "",
    near: tuple[float, float] | None = None,
    day: int = 0,
    time: int = 0,
    notes: str = "",
) -> list[Screen]:
    """/book from the start to the confirm button; returns the confirm's screens.
    `near`: share this location and take the nearest center (listed first)."""
    await chat.say("/book")
    if chat.codes("bk:veh:"):
        await chat.tap("bk:veh:")
    await chat.tap("bk:km")
    if not any(label.startswith("✅") for label in chat.console.button_labels):
        await chat.tap("bk:svc:inspection")
    await chat.tap("bk:svok")
    if near is not None:
        await chat.say(f"@location {near[0]},{near[1]}")
    await chat.tap(f"bk:ctr:{center}")
    await chat.tap("bk:day:", day)
    await chat.tap("bk:tm:", time)
    if chat.codes("bk:tr:"):
        await chat.tap("bk:tr:")
    if notes:
        await chat.say(notes)
    else:
        await chat.tap("bk:nt")
    return await chat.tap("bk:ok:")


async def choose_services(chat: Chat, wanted: set[str]) -> None:
    """At the booking's services step, toggle until exactly `wanted` is chosen."""
    for _ in range(10):
        chosen = {
            code.removeprefix("bk:svc:")
            for code, label in zip(
                chat.console.button_codes, chat.console.button_labels, strict=True
            )
            if code.startswith("bk:svc:") and label.startswith("✅")
        }
        differ = sorted(chosen ^ wanted)
        if not differ:
            return
        await chat.tap(f"bk:svc:{differ[0]}")
    raise AssertionError(f"could not choose {wanted}")


def sent_to(screens: list[Screen], chat_id: int) -> list[Screen]:
    return [s for s in screens if s.chat_id == chat_id]


async def bookings_of(app: App, phone: str) -> list[Booking]:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        return list(await uow.bookings.of_owner(owner.id or 0))


async def double_tap(
    app: App, user_id: int, code: str, language_code: str = "en"
) -> list[list[Screen]]:
    """The same button pressed twice at once: two updates, handled concurrently (as two
    webhook workers would)."""
    dispatcher = app.dispatcher()
    taps = [
        Event(
            channel="console",
            update_id=f"double-{user_id}-{n}",
            user_id=user_id,
            chat_id=user_id,
            kind=EventKind.BUTTON,
            button=code,
            message_id=1,
            language_code=language_code,
        )
        for n in range(2)
    ]
    return [list(s) for s in await asyncio.gather(*(dispatcher.handle(e) for e in taps))]


async def walk_to_summary(chat: Chat, services: set[str], center: str = "") -> None:
    """/book with exactly `services` at `center` (the first listed if empty), the first
    free day and time and the first transport option, to the summary before confirming."""
    await chat.say("/book")
    await chat.tap("bk:km")
    await choose_services(chat, services)
    await chat.tap("bk:svok")
    await chat.tap(f"bk:ctr:{center}")
    await chat.tap("bk:day:", 1)
    await chat.tap("bk:tm:")
    if chat.codes("bk:tr:"):
        await chat.tap("bk:tr:")
    await chat.tap("bk:nt")
