"""Care messages along a car's life: warranty end, inspection, insurance and
registration renewals, anniversaries, and the trade-in offer for older cars."""

from __future__ import annotations

from datetime import date

from bot.domain.care import Rule
from bot.services.care import add_years
from handlers.care_messages.env import CareEnv, book_row, menu_row, screen
from handlers.codes import button
from handlers.codes.roadside import ValueThisCar
from handlers.codes.test_drive import AskTestDrive
from handlers.types import Screen


async def warranty_expiry(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or vehicle.delivery_date is None:
        return None
    model = env.reference.models.get(vehicle.model)
    if model is None:
        return None
    ends = add_years(vehicle.delivery_date, model.warranty_years)
    t = env.t
    return screen(
        t._(
            "The factory warranty of your {model} ends on {date}. A check-up before then "
            "means anything we find is repaired under warranty.",
            model=env.model_name(vehicle),
            date=t.date(ends),
        ),
        book_row(t),
    )


async def inspection_due(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or vehicle.delivery_date is None:
        return None
    anniversary = next_anniversary(vehicle.delivery_date, env.today)
    t = env.t
    return screen(
        t._(
            "The periodic inspection of your {model} is due around {date}. We can check the "
            "car beforehand, so it passes the first time.",
            model=env.model_name(vehicle),
            date=t.date(anniversary),
        ),
        book_row(t),
    )


async def renewal(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None:
        return None
    t = env.t
    if env.message.rule == Rule.INSURANCE_RENEWAL:
        day = vehicle.insurance_renewal_on
        text = t._(
            "The insurance of your {model} renews on {date}. Your dealer can offer you a "
            "renewal with genuine parts and repairs at our service centers.",
            model=env.model_name(vehicle),
            date=t.date(day) if day else "",
        )
    else:
        day = vehicle.registration_renewal_on
        text = t._(
            "The registration of your {model} must be renewed by {date}.",
            model=env.model_name(vehicle),
            date=t.date(day) if day else "",
        )
    if day is None or day < env.today:
        return None
    return screen(text, menu_row(t))


async def anniversary(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or vehicle.delivery_date is None:
        return None
    years = env.today.year - vehicle.delivery_date.year
    if years < 1:
        return None
    t = env.t
    return screen(
        t.ngettext(
            "{n} year with your {model} today! Thank you for driving with us, {name}.",
            "{n} years with your {model} today! Thank you for driving with us, {name}.",
            years,
            model=env.model_name(vehicle),
            name=env.owner.display_name,
        ),
        menu_row(t),
    )


async def trade_in(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or vehicle.delivery_date is None:
        return None
    years = env.today.year - vehicle.delivery_date.year
    t = env.t
    return screen(
        t.ngettext(
            "Your {model} has been with you for {n} year. Curious how the new models drive, "
            "or what yours is worth? Book a test drive or ask your dealer for a free valuation.",
            "Your {model} has been with you for {n} years. Curious how the new models drive, "
            "or what yours is worth? Book a test drive or ask your dealer for a free valuation.",
            years,
            model=env.model_name(vehicle),
        ),
        [
            button(
                t.pgettext("button", "💰 Value my car: {model}", model=env.model_name(vehicle)),
                ValueThisCar(vehicle.id or 0),
            )
        ],
        [button(t.pgettext("button", "🚗 Book a test drive"), AskTestDrive())],
    )


def next_anniversary(delivered: date, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            candidate = delivered.replace(year=year)
        except ValueError:  # 29 February
            candidate = date(year, 2, 28)
        if candidate >= today:
            return candidate
    return today
