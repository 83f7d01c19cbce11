"""An owner's right to see their data and to have it erased."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain.booking import Booking
from bot.domain.loyalty import RedemptionStatus
from bot.domain.owners import Owner
from bot.services.booking import cancel as cancel_booking
from bot.services.ports import UnitOfWork
from bot.services.staff import actor_id

ERASURE_REASON = "erased"  # a booking's cancellation reason when its owner was erased
# What free text about an erased owner becomes (staff reasons and notes, their own
# words in a booking's history or a survey comment): a neutral code, never shown as is.
ERASED_TEXT = "[erased]"


def pseudonym(owner_id: int) -> str:
    """The actor an erased owner's own actions are recorded under from now on: still one
    person in the histories (their changes stay together), no longer a chat account."""
    return f"erased:{owner_id}"


async def export_owner_data(uow: UnitOfWork, owner: Owner) -> dict[str, Any]:
    """Everything we hold about the owner, as JSON-ready data."""
    assert owner.id is not None
    vehicles = await uow.vehicles.of_owner(owner.id)
    consents = await uow.consents.of_owner(owner.id)
    accounts = await uow.accounts.of_owner(owner.id)
    bookings = await uow.bookings.of_owner(owner.id)
    visits = await uow.visits.of_owner(owner.id)
    referrals = await uow.referrals.of_referrer(owner.id, 0, 1000)
    ledger = await uow.ledger.of_owner(owner.id, 0, await uow.ledger.count_of_owner(owner.id))
    redemptions = await uow.redemptions.of_owner(owner.id)
    answers = await uow.survey_answers.of_owner(owner.id)
    messages = await uow.outbox.of_owner(owner.id)
    questions = await uow.questions.of_owner(owner.id)
    said = await uow.questions.messages([q.id for q in questions if q.id is not None])
    stories = await uow.stories.of_owner(owner.id)
    to_experts = await uow.expert_questions.of_owner(owner.id)
    seats = await uow.rsvps.of_owner(owner.id)
    ratings = {f.rsvp_id: f for f in await uow.event_feedback.of_owner(owner.id)}
    return {
        "owner": {
            "first_name": owner.first_name,
            "last_name": owner.last_name,
            "phone": owner.phone,
            "market": owner.market,
            "language": owner.locale or owner.locale_on_file,
            "birthday": owner.birthday.isoformat() if owner.birthday else None,
            "time_zone": owner.timezone,
            "messages_between_hours": [owner.send_from_hour, owner.send_until_hour],
            "registered_at": owner.created_at.isoformat(),
            "source": owner.source,
        },
        "vehicles": [
            {
                "vin": v.vin,
                "model": v.model,
                "model_year": v.model_year,
                "delivery_date": v.delivery_date.isoformat() if v.delivery_date else None,
                "mileage_km": v.mileage_km,
                "selling_dealer": v.dealer_code,
            }
            for v in vehicles
        ],
        "consents": [
            {
                "category": c.category,
                "granted": c.granted,
                "wording_version": c.wording_version,
                "channel": c.channel,
                "recorded_at": c.recorded_at.isoformat(),
            }
            for c in consents
        ],
        "service_bookings": [
            {
                "service_center": b.dealer_code,
                "services": list(b.services),
                "starts_at": b.starts_at.isoformat(),
                "ends_at": b.ends_at.isoformat(),
                "transport": b.transport,
                "notes": b.notes,
                "status": b.status,
                "booked_at": b.created_at.isoformat(),
            }
            for b in bookings
        ],
        "service_visits": [
            {
                "service_center": v.dealer_code,
                "date": v.visited_on.isoformat(),
                "mileage_km": v.mileage_km,
                "services": list(v.services),
                "invoice": {"amount_minor_units": v.invoice_minor, "currency": v.currency},
            }
            for v in visits
        ],
        "friends_recommended": [
            {
                "friend": r.friend_name,
                "stage": r.stage,
                "recommended_at": r.created_at.isoformat(),
                "dealer": r.dealer_code,
            }
            for r in referrals
        ],
        "chat_accounts": [
            {
                "channel": a.channel,
                "user_id": a.user_id,
                "first_seen_at": a.first_seen_at.isoformat(),
            }
            for a in accounts
        ],
        "points_ledger": [
            {
                "at": e.created_at.isoformat(),
                "kind": e.kind,
                "points": e.points,
                "rule": e.rule,
                "source": e.source,
                "reason": e.reason,
            }
            for e in ledger
        ],
        "rewards_redeemed": [
            {
                "reward": r.reward_key,
                "points": r.points,
                "status": r.status,
                "issued_at": r.issued_at.isoformat(),
                "valid_until": r.valid_until.isoformat() if r.valid_until else None,
                "voucher_code": r.code,
                "donation_receipt": r.receipt,
                "used_at": r.used_at.isoformat() if r.used_at else None,
            }
            for r in redemptions
        ],
        "survey_answers": [
            {
                "service_center": a.dealer_code,
                "score": a.score,
                "comment": a.comment,
                "answered_at": a.answered_at.isoformat(),
            }
            for a in answers
        ],
        "club_events": [
            {
                "event": seat.event_id,
                "answer": seat.status.value,
                "answered_at": seat.created_at.isoformat(),
                "checked_in_at": seat.attended_at.isoformat() if seat.attended_at else None,
                "rating": ratings[seat.id].rating if seat.id in ratings else None,
                "comment": ratings[seat.id].comment if seat.id in ratings else None,
            }
            for seat in seats
        ],
        "messages_from_us": [
            {
                "kind": m.rule,
                "status": m.status,
                "planned_for": m.due_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in messages
        ],
        "questions_to_the_dealer": [
            {
                "dealer": q.dealer_code,
                "asked_at": q.asked_at.isoformat(),
                "messages": [
                    {"from": m.author, "text": m.text, "at": m.sent_at.isoformat()}
                    for m in said
                    if m.question_id == q.id
                ],
            }
            for q in questions
        ],
        "stories": [
            {
                "text": s.text,
                "photos": len(s.photos),
                "agreed_to_publication_at": s.consented_at.isoformat(),
                "status": s.status,
                "decided_at": s.decided_at.isoformat() if s.decided_at else None,
            }
            for s in stories
        ],
        "questions_to_experts": [
            {
                "question": q.text,
                "asked_at": q.asked_at.isoformat(),
                "status": q.status,
                "answer": q.answer,
            }
            for q in to_experts
        ],
    }


async def erase_owner(uow: UnitOfWork, owner: Owner, now: datetime) -> list[Booking]:
    """Erase personal data; keep anonymous rows so aggregates (visits, NPS) still add up.

    Open bookings are cancelled (their slots freed) and booking notes, which are free
    text, blanked; the cancelled bookings are returned, so their centers can be told.
    Open vouchers are voided (a desk refuses them). Free text about the owner (staff
    reasons in the points journal, lots and audit log, notes and reasons in booking and
    referral histories, survey and club-event comments) becomes ERASED_TEXT, and their
    chat accounts as actors become `pseudonym(owner.id)`. Recalls stay with the VIN (they
    concern the car, and reach its next owner) but lose the link to this owner's vehicle.
    Questions to the dealer lose what was written in them; the threads stay for the
    dealers' response times. Stories and questions to experts are deleted (a story
    already posted stays in its club's chat: the owner agreed to that)."""
    assert owner.id is not None
    accounts = await uow.accounts.of_owner(owner.id)
    actors = {actor_id(a.channel, a.user_id) for a in accounts}
    if owner.phone:
        await uow.referrals.forget_friend(owner.phone)
        await uow.attributions.forget([(a.channel, a.user_id) for a in accounts])
    owner.erase(now)
    await uow.questions.forget_messages(owner.id)
    await uow.stories.forget(owner.id)
    await uow.expert_questions.forget(owner.id)
    cancelled: list[Booking] = []
    bookings = await uow.bookings.of_owner(owner.id)
    for booking in bookings:
        if booking.is_open:
            await cancel_booking(
                uow, booking, actor="system:erasure", reason=ERASURE_REASON, now=now
            )
            cancelled.append(booking)
        booking.notes = ""
    await _void_vouchers(uow, owner.id, now)
    targets = await _forget_histories(uow, owner.id, bookings, actors)
    vehicles = await uow.vehicles.of_owner(owner.id)
    targets |= {f"vehicle:{v.id}" for v in vehicles}
    await _forget_audit(uow, owner.id, targets, actors)
    for vehicle in vehicles:
        assert vehicle.id is not None
        for recall in await uow.recalls.of_vehicle(vehicle.id, None):
            recall.vehicle_id = None
        vehicle.vin = None
        vehicle.mileage_recorded_on = None
        vehicle.dealer_mileage_on = None
    for account in accounts:
        await uow.conversations.delete_for_user(account.channel, account.user_id)
        await uow.accounts.delete(account)
    return cancelled


def _neutral(text: str) -> str:
    return ERASED_TEXT if text else ""


async def _void_vouchers(uow: UnitOfWork, owner_id: int, now: datetime) -> None:
    """Vouchers still open are cancelled without a refund: nobody can present them now."""
    for voucher in await uow.redemptions.of_owner(owner_id):
        if voucher.status is RedemptionStatus.ISSUED:
            locked = await uow.redemptions.lock(voucher.id or 0)
            if locked is not None and locked.status is RedemptionStatus.ISSUED:
                locked.status = RedemptionStatus.CANCELLED
                locked.cancelled_at = now


async def _forget_histories(
    uow: UnitOfWork, owner_id: int, bookings: Sequence[Booking], actors: set[str]
) -> set[str]:
    """Free text and the owner's chat accounts out of the histories that concern them;
    returns the audit targets those histories are about."""
    me = pseudonym(owner_id)
    targets = {f"owner:{owner_id}"}
    for booking in bookings:
        targets.add(f"booking:{booking.id}")
        for change in await uow.booking_changes.of_booking(booking.id or 0):
            if change.reason != ERASURE_REASON:
                change.reason = _neutral(change.reason)
            if change.actor in actors:
                change.actor = me
    total = await uow.referrals.count_of_referrer(owner_id)
    for referral in await uow.referrals.of_referrer(owner_id, 0, total):
        targets.add(f"referral:{referral.id}")
        for move in await uow.stage_changes.of_referral(referral.id or 0):
            move.note = _neutral(move.note)
            if move.actor in actors:
                move.actor = me
    entries = await uow.ledger.of_owner(owner_id, 0, await uow.ledger.count_of_owner(owner_id))
    for entry in entries:
        entry.reason = _neutral(entry.reason)
        entry.actor = me if entry.actor in actors else entry.actor
    for lot in await uow.point_lots.of_owner(owner_id):
        lot.reason = _neutral(lot.reason)
        lot.actor = me if lot.actor in actors else lot.actor
    for answer in await uow.survey_answers.of_owner(owner_id):
        answer.comment = ""
    for feedback in await uow.event_feedback.of_owner(owner_id):
        feedback.comment = ""
    return targets


async def _forget_audit(
    uow: UnitOfWork, owner_id: int, targets: set[str], actors: set[str]
) -> None:
    """The audit trail keeps who did what and when; what staff wrote about the owner
    becomes neutral, and the owner's own actions are under their pseudonym."""
    me = pseudonym(owner_id)
    for entry in await uow.audit.concerning(targets, actors):
        entry.reason = _neutral(entry.reason)
        if entry.actor in actors:
            entry.actor = me
