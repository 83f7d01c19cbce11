"""Texts the booking flows share: a slot's time, a booking's card, its calendar file."""

from __future__ import annotations

import html
from datetime import datetime

from bot.domain.booking import Booking
from bot.domain.ics import CalendarEvent, calendar_file
from bot.domain.owners import Owner, Vehicle
from bot.domain.reference import Dealer, Reference
from bot.domain.text import isolate
from bot.domain.vin import mask_vin
from bot.i18n import Translator, native_language_name
from handlers.service_names import operation_name, status_name, transport_label
from handlers.types import Attachment


def when(t: Translator, start: datetime, dealer: Dealer) -> str:
    """The day and time of a slot in the center's own zone."""
    return t._(
        "{date} at {time}",
        date=t.skeleton(start, "yMMMMEEEEd", dealer.timezone),
        time=t.time(start, dealer.timezone),
    )


def short_when(t: Translator, start: datetime, dealer: Dealer) -> str:
    """Short enough for a button: "Sun 14 Mar, 09:30"."""
    return t.pgettext(
        "button",
        "{date}, {time}",
        date=t.skeleton(start, "MMMEd", dealer.timezone),
        time=t.time(start, dealer.timezone),
    )


def model_name(reference: Reference, vehicle: Vehicle | None) -> str:
    if vehicle is None:
        return "—"
    model = reference.models.get(vehicle.model)
    return model.name if model else vehicle.model


def services_line(t: Translator, codes: list[str]) -> str:
    # TRANSLATORS: the separator between items of a list, e.g. "Brake check, Tyre change".
    return t._(", ").join(operation_name(t, code) for code in codes)


def booking_card(
    t: Translator,
    reference: Reference,
    booking: Booking,
    vehicle: Vehicle | None,
    *,
    owner: Owner | None = None,
    with_status: bool = True,
    discount_percent: int = 0,
) -> str:
    """The booking as the owner (or, given the `owner`, staff) should read it;
    `discount_percent`: the owner's tier discount on labour, shown with the price."""
    dealer = reference.dealers[booking.dealer_code]
    market = reference.market(dealer.market)
    lines = [
        t._("🔧 <b>{services}</b>", services=services_line(t, booking.services)),
        t._("📅 {when}", when=when(t, booking.starts_at, dealer)),
        t._("📍 {center}, {address}", center=dealer.name, address=dealer.address),
        t._("🚗 {model}", model=model_name(reference, vehicle)),
        t._("Transport: {option}", option=transport_label(t, booking.transport)),
    ]
    model_code = vehicle.model if vehicle else ""
    estimate = reference.catalog.estimate(booking.services, market.code, model_code)
    if estimate is not None:
        discount = reference.catalog.labour_discount(
            booking.services, market.code, model_code, discount_percent
        )
        lines.append(
            _price_line(t, estimate, discount, discount_percent, market.currency, staff=bool(owner))
        )
    if booking.notes:
        lines.append(t._("Notes: {notes}", notes=isolate(booking.notes)))
    if owner is not None:
        lines[0:0] = [
            t._("Booking #{number}", number=booking.id),
            t._(
                "Owner: {name} {last_name}, {phone}",
                name=isolate(owner.first_name),
                last_name=isolate(owner.last_name),
                phone=owner.phone or "—",
            ),
            t._(
                "Speaks: {language}",
                language=native_language_name(
                    owner.locale or owner.locale_on_file or market.default_locale
                ),
            ),
        ]
        if vehicle is not None:
            lines.append(t._("VIN: {vin}", vin=vehicle.vin or "—"))
            if vehicle.mileage_km is not None:
                lines.append(
                    t._(
                        "Odometer: {distance}",
                        distance=t.distance(vehicle.mileage_km, market.distance_unit),
                    )
                )
    if with_status:
        lines.append(t._("Status: {status}", status=status_name(t, booking.status)))
    return "\n".join(lines)


def _price_line(
    t: Translator, estimate: int, discount: int, percent: int, currency: str, *, staff: bool
) -> str:
    if estimate == 0:  # a recall's repair, say: nothing to pay
        return t._("Indicative price: {amount}", amount=t._("free"))
    amount = t.money(estimate, currency)
    if not discount:
        return t._("Indicative price: {amount}", amount=amount)
    values = {
        "amount": amount,
        "discounted": t.money(estimate - discount, currency),
        "percent": t.percent(percent / 100),
    }
    if staff:
        return t._(
            "Indicative price: {amount}, or {discounted} with the owner's tier discount "
            "({percent} off labour)",
            **values,
        )
    return t._(
        "Indicative price: {amount}, or {discounted} with your tier discount "
        "({percent} off labour)",
        **values,
    )


def masked(vehicle: Vehicle | None) -> str:
    return mask_vin(vehicle.vin) if vehicle and vehicle.vin else "—"


def calendar_attachment(
    t: Translator,
    reference: Reference,
    booking: Booking,
    *,
    sequence: int,
    now: datetime,
    cancelled: bool = False,
) -> Attachment:
    """An .ics file the owner adds to their calendar; moves bump its sequence. For a
    cancelled visit, the same event marked cancelled, which takes it off the calendar."""
    dealer = reference.dealers[booking.dealer_code]
    event = CalendarEvent(
        uid=f"booking-{booking.id}@ownerbot",
        stamp=now,
        start=booking.starts_at,
        end=booking.ends_at,
        # Calendar fields are plain text, not HTML: undo the placeholders' escaping.
        summary=html.unescape(
            t._(
                "{brand} service: {services}",
                brand=reference.brand,
                services=services_line(t, booking.services),
            )
        ),
        location=f"{dealer.name}, {dealer.address}",
        description=html.unescape(
            t._(
                "Booking #{number}. Phone of the center: {phone}",
                number=booking.id,
                phone=dealer.phone,
            )
        ),
        sequence=sequence,
        cancelled=cancelled,
    )
    if cancelled:
        return Attachment(
            filename=f"service-{booking.id}-cancelled.ics",
            data=calendar_file(event),
            caption=t._("Open this file to take the visit off your calendar."),
        )
    return Attachment(
        filename=f"service-{booking.id}.ics",
        data=calendar_file(event),
        caption=t._("Add the visit to your calendar."),
    )
