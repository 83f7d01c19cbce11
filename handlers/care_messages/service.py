"""Care messages that bring a car to the service center: service due, safety recalls,
reminders of a booked visit, and win-back offers. An open upcoming booking silences
all but the reminder, which says whether the center has confirmed the visit yet."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.booking import BookingStatus
from bot.domain.care import Rule
from bot.services.queries import bookings as booking_queries
from bot.services.queries import care as care_queries
from handlers.booking_texts import when as visit_when
from handlers.care_messages.env import CareEnv, book_row, screen
from handlers.codes import button
from handlers.codes.booking import AcceptProposal, CancelBooking, MoveBooking
from handlers.types import Screen


async def _booked(env: CareEnv, vehicle_id: int | None = None) -> bool:
    return await booking_queries.has_upcoming_booking(
        env.uow, env.owner.id or 0, env.now, vehicle_id=vehicle_id
    )


async def service_due(env: CareEnv) -> list[Screen] | None:
    vehicle = await env.vehicle()
    if vehicle is None or await _booked(env, vehicle.id):
        return None
    due_on = date.fromisoformat(str(env.message.payload.get("due_on")))
    t = env.t
    model = env.model_name(vehicle)
    if env.message.rule == Rule.FIRST_SERVICE:
        text = t._(
            "Your {model}'s first service is due around {date}. It's quick, and it keeps "
            "your warranty in order. Shall we find a time?",
            model=model,
            date=t.date(due_on),
        )
    elif due_on < env.today:
        text = t._(
            "Your {model}'s service was due on {date}. Regular service keeps it safe and "
            "protects its value: book a visit in a minute.",
            model=model,
            date=t.date(due_on),
        )
    else:
        days = (due_on - env.today).days
        text = t.ngettext(
            "Your {model}'s service is due in {n} day, around {date}.",
            "Your {model}'s service is due in {n} days, around {date}.",
            days,
            model=model,
            date=t.date(due_on),
        )
    return screen(text, book_row(t))


async def recall(env: CareEnv) -> list[Screen] | None:
    recall_id = env.payload_id("recall_id")
    vehicle = await env.vehicle()
    notice = await care_queries.open_recall(env.uow, recall_id) if recall_id is not None else None
    if vehicle is None or notice is None or await _booked(env, vehicle.id):
        return None
    t = env.t
    return screen(
        t._(
            "⚠️ <b>Safety recall</b> for your {model} (VIN ending {vin}): {title}. The repair "
            "is free and takes little time. Please book it as soon as you can.",
            model=env.model_name(vehicle),
            vin=(vehicle.vin or "")[-6:],
            title=notice.title_in(t.code),
        ),
        book_row(t),
    )


async def booking_reminder(env: CareEnv) -> list[Screen] | None:
    booking_id = env.payload_id("booking_id")
    booking = (
        await booking_queries.upcoming_booking(env.uow, env.owner.id or 0, booking_id, env.now)
        if booking_id is not None
        else None
    )
    if booking is None:
        return None
    hours = int(str(env.message.payload.get("hours", 0)))
    if booking.created_at > booking.starts_at - timedelta(hours=hours):
        return None  # booked inside the reminder's window: the confirmation said it all
    dealer = env.reference.dealers.get(booking.dealer_code)
    if dealer is None:
        return None
    t = env.t
    number = booking.id or 0
    at = visit_when(t, booking.starts_at, dealer)
    move_or_cancel = [
        button(t.pgettext("button", "Move the visit"), MoveBooking(number)),
        button(t.pgettext("button", "Cancel the visit"), CancelBooking(number)),
    ]
    if booking.state is BookingStatus.CONFIRMED:
        text = t._(
            "⏰ Reminder: your service visit at {center} is on {when} (the center's local "
            "time). Address: {address}.",
            center=dealer.name,
            when=at,
            address=dealer.address,
        )
        return screen(text, move_or_cancel)
    # Not confirmed yet: still reminded (the owner plans around the time they asked for),
    # but never in words that read as if the center had confirmed it.
    if booking.proposed:
        text = t._(
            "⏰ {center} proposed {when} (the center's local time) for your service visit "
            "and is waiting for your answer. Does that time suit you?",
            center=dealer.name,
            when=at,
        )
        accept = button(t.pgettext("button", "✅ Yes, that suits me"), AcceptProposal(number))
        return screen(text, [accept], move_or_cancel)
    text = t._(
        "⏰ Reminder: you asked for a service visit at {center} on {when} (the center's local "
        "time). It is still awaiting the dealer's confirmation; we'll tell you as soon as "
        "they confirm. Address: {address}.",
        center=dealer.name,
        when=at,
        address=dealer.address,
    )
    return screen(text, move_or_cancel)


async def win_back(env: CareEnv) -> list[Screen] | None:
    if await _booked(env):
        return None
    t = env.t
    touch = int(str(env.message.payload.get("touch", 1)))
    if touch == 1:
        text = t._(
            "We miss you, {name}! It's been a while since your last visit. A check-up now "
            "keeps small things from becoming big ones, and you earn points for it.",
            name=env.owner.display_name,
        )
    elif touch == 2:
        text = t._(
            "{name}, your car deserves a check-up. Book a visit this month and we'll look "
            "it over from tyres to brakes.",
            name=env.owner.display_name,
        )
    else:
        text = t._(
            "One last note from us, {name}: whenever you're ready, your service center is "
            "two taps away.",
            name=env.owner.display_name,
        )
    return screen(text, book_row(t))
