"""Club events for staff: /event ID posts an event's card with its RSVP buttons (in a
club group, or anywhere), /checkin CODE (or scanning the owner's QR ticket, a deep
link to /start) checks an owner in at the door and pays the club-event points of the
market's rules once. Roles and the event's market are checked in the database."""

from __future__ import annotations

from bot.domain.staff import Role, StaffMember
from bot.services import club_events
from bot.services.club_events import Checkin, CheckinRefusal
from bot.services.loyalty.earn import AwardOutcome
from bot.services.queries.club_events import event_by_id, seats_taken
from bot.services.queries.clubs import linked_club
from bot.services.staff import LacksRole, NotStaff, actor_id, require_staff
from handlers.common import reach_owner
from handlers.context import Context
from handlers.events import card_buttons, event_card
from handlers.points import points_text
from handlers.router import Router

router = Router()


async def _staff(ctx: Context, *roles: Role) -> StaffMember | None:
    try:
        return await require_staff(ctx.uow, ctx.event.channel, ctx.event.user_id, *roles)
    except LacksRole:
        ctx.reply(ctx.t._("This command is for moderators and managers."))
    except NotStaff:
        ctx.reply(ctx.t._("This command is for dealer staff."))
    return None


@router.command("event", needs_owner=False, private_only=False)
async def post_event(ctx: Context) -> None:
    if await _staff(ctx, Role.MODERATOR) is None:
        return
    raw = ctx.event.text.strip()
    event = await event_by_id(ctx.uow, int(raw)) if raw.isdigit() and len(raw) < 12 else None
    if event is None:
        ctx.reply(ctx.t._("Send the event's number after the command, for example: /event 1"))
        return
    t = ctx.t
    club = await linked_club(ctx.uow, ctx.event.channel, ctx.event.chat_id)
    if club is not None:  # the club speaks its own first language
        t = ctx.deps.catalogs.translator(club.locales[0], club.market)
    taken = await seats_taken(ctx.uow, event.id or 0)
    ctx.reply(event_card(t, event, taken), card_buttons(t, event))


@router.command("checkin", needs_owner=False, private_only=False)
async def check_in(ctx: Context) -> None:
    code = ctx.event.text.strip()
    if not code:
        if await _staff(ctx, *club_events.CHECKIN_ROLES) is not None:
            ctx.reply(
                ctx.t._(
                    "Send the owner's check-in code after the command, for example: /checkin K7Q3XA"
                )
            )
        return
    await check_in_code(ctx, code)


async def check_in_scanned(ctx: Context, code: str) -> None:
    """A staff member scanned an owner's ticket (the deep link opened /start): the same
    check-in as /checkin CODE. Anyone else is told what the code is for."""
    try:
        await require_staff(ctx.uow, ctx.event.channel, ctx.event.user_id)
    except LacksRole:
        pass  # check_in_code says which roles may
    except NotStaff:
        ctx.reply(ctx.t._("This QR code is for the team at the event's door: show it to them."))
        return
    await check_in_code(ctx, code)


async def check_in_code(ctx: Context, code: str) -> None:
    member = await _staff(ctx, *club_events.CHECKIN_ROLES)
    if member is None:
        return
    t = ctx.t
    found = await club_events.check_in(
        ctx.uow,
        ctx.reference,
        code=code,
        staff=member,
        actor=actor_id(ctx.event.channel, ctx.event.user_id),
        now=ctx.now,
    )
    if not isinstance(found, Checkin):
        ctx.reply(_refusal(ctx, found))
        return
    title = found.event.text_in(t.code, next(iter(found.event.texts)))[0]
    if found.refusal is not None:
        ctx.reply(_refusal(ctx, found.refusal))
        return
    activity = ctx.reference.rules(found.event.market).activity(club_events.CLUB_EVENT_RULE)
    paid = found.outcome is AwardOutcome.AWARDED
    ctx.reply(
        t._("✅ Checked in for {title}.", title=title)
        + (
            ""
            if paid
            else "\n" + t._("No points this time: the monthly limit for events is reached.")
        )
    )
    chat = await reach_owner(ctx, found.rsvp.owner_id)
    if chat is not None and paid:
        chat.tell(
            ctx,
            chat.t._(
                "Thanks for coming to {title}! {points} are on their way to your balance.",
                title=found.event.text_in(chat.t.code, next(iter(found.event.texts)))[0],
                points=points_text(chat.t, activity.points),
            ),
        )


def _refusal(ctx: Context, why: CheckinRefusal) -> str:
    t = ctx.t
    messages = {
        CheckinRefusal.UNKNOWN: t._(
            "No one has this check-in code. Please check it letter by letter."
        ),
        CheckinRefusal.NOT_GOING: t._(
            "This code is not for a confirmed seat (waitlist or cancelled)."
        ),
        CheckinRefusal.ELSEWHERE: t._("This code is for another country's event."),
        CheckinRefusal.ALREADY: t._("This owner is already checked in."),
    }
    return messages[why]
