"""Care messages of belonging to the owners' club: the welcome, the first weeks' tips,
birthdays."""

from __future__ import annotations

from bot.services.loyalty import statement
from handlers.care_messages.env import CareEnv, menu_row, points_row, screen
from handlers.points import points_text
from handlers.types import Screen


async def welcome(env: CareEnv) -> list[Screen] | None:
    t = env.t
    text = "\n".join(
        [
            t._(
                "Welcome to the {brand} owners' club, {name}! Here is what I can do for you:",
                brand=env.reference.brand,
                name=env.owner.display_name,
            ),
            t._("⭐ /points: your points, tier and rewards"),
            t._("🔧 /book: book a service visit in a minute"),
            t._("🤝 /refer: invite a friend and earn points"),
            t._("🆘 Roadside assistance, day and night: {phone}", phone=env.market.roadside_phone),
        ]
    )
    return screen(text, menu_row(t))


async def tips_day_7(env: CareEnv) -> list[Screen] | None:
    t = env.t
    return screen(
        t._(
            "One week together, {name}! A tip: check the tyre pressure once a month while the "
            "tyres are cold. The right values are on the sticker inside the driver's door.",
            name=env.owner.display_name,
        ),
        menu_row(t),
    )


async def tips_day_30(env: CareEnv) -> list[Screen] | None:
    t = env.t
    summary = await statement.summary(env.uow, env.reference, env.owner, env.now)
    return screen(
        t._(
            "A month in the club! You earn points for every service visit, for answering "
            "surveys and for friends you bring along. Right now you have {points}.",
            points=points_text(t, summary.balance + summary.pending_total),
        ),
        points_row(t),
    )


async def birthday(env: CareEnv) -> list[Screen] | None:
    t = env.t
    return screen(
        t._(
            "Happy birthday, {name}! 🎂 Everyone at {brand} wishes you a wonderful year and "
            "many happy journeys.",
            name=env.owner.display_name,
            brand=env.reference.brand,
        ),
        points_row(t),
    )
