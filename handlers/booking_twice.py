"""A second booking for the same car and the same job, while one is open, is not made:
the owner is offered to move the visit they have instead.

Two open bookings of one car for the same service would hold two bays for one job, and
the center would have to guess which one is meant; wanting another time is what moving
is for, in one step. So there is no "book anyway". When the owner also chose services
the open visit doesn't hold, they may book just those (a separate visit is a real one).
Checked when the services are chosen, and again at the confirm, since the car may have
been booked meanwhile from another device.
"""

from __future__ import annotations

from bot.domain.booking import Booking
from bot.services.queries import bookings as booking_queries
from handlers.booking_common import owner_id, stop_button
from handlers.booking_texts import services_line, when
from handlers.codes import button
from handlers.codes.booking import BookOtherServices, MoveBooking
from handlers.context import Context
from handlers.states.booking import BookingDraft, BookingStep
from handlers.types import Button


async def already_booked(ctx: Context, draft: BookingDraft) -> Booking | None:
    """The open visit of the draft's car that holds one of its services (none for a move)."""
    if draft.move is not None:
        return None
    return await booking_queries.booked_for(
        ctx.uow, owner_id(ctx), draft.vehicle, draft.services, ctx.now
    )


def offer_to_move(ctx: Context, draft: BookingDraft, booked: Booking, *, edit: bool) -> None:
    """Say which visit already holds the job; offer to move it (or book only the rest)."""
    t = ctx.t
    dealer = ctx.reference.dealers[booked.dealer_code]
    rest = [c for c in draft.services if c not in booked.services]
    lines = [
        t._(
            "Your car already has a visit for {services} on {when} at {center}. "
            "Would you like to move that visit instead?",
            services=services_line(t, [c for c in draft.services if c in booked.services]),
            when=when(t, booked.starts_at, dealer),
            center=dealer.name,
        )
    ]
    rows: list[list[Button]] = [
        [button(t.pgettext("button", "🔁 Move that visit"), MoveBooking(booked.id or 0))]
    ]
    if rest and ctx.in_step(BookingStep.SERVICES):
        lines.append(
            t._("Or book a separate visit for {services} only.", services=services_line(t, rest))
        )
        rows.append([button(t.pgettext("button", "➕ Book the rest only"), BookOtherServices())])
    rows.append(stop_button(ctx))
    ctx.reply("\n\n".join(lines), rows, edit=edit)
