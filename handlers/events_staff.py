"""Club events for staff: /event ID posts an event's card with its RSVP buttons (in a
club group, or anywhere), /checkin CODE (or scanning the owner's QR ticket, a deep
link to /start) checks an owner in at the door and pays the club-event points of the
market's rules once, /cancelevent ID calls an event off after a confirmation (the
owners with a seat or on the waitlist are told). Roles and the event's market are
checked in the database, again when a button is pressed."""

from __future__ import annotations

from bot.domain.club_events import ClubEvent
from bot.domain.staff import Role, StaffMember
from bot.services import club_events
from bot.services.club_events import CallOffRefusal, Checkin, CheckinRefusal
from bot.services.loyalty.earn import AwardOutcome
from bot.services.queries.club_events import event_by_id, seats_taken, to_be_told_if_cancelled
from bot.services.queries.clubs import linked_club
from bot.services.staff import LacksRole, NotStaff, actor_id, require_staff
from handlers.codes import button
from handlers.codes.events import CallOffEvent, KeepEvent
from handlers.common import reach_owner
from handlers.context import Context
from handlers.events import card_buttons, event_card, event_title, event_when
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


@router.command("cancelevent", needs_owner=False)
async def ask_to_call_off(ctx: Context) -> None:
    raw = ctx.event.text.strip()
    if not (raw.isdigit() and len(raw) < 12):
        if await _staff(ctx, Role.MODERATOR) is not None:
            ctx.reply(
                ctx.t._("Send the event's number after the command, for example: /cancelevent 1")
            )
        return
    event = await _event_to_call_off(ctx, int(raw))
    if event is None or event.id is None:
        return
    t = ctx.t
    told = await to_be_told_if_cancelled(ctx.uow, event.id)
    ctx.reply(
        t._("Call off {title} on {when}?", title=event_title(t, event), when=event_when(t, event))
        + "\n"
        + t.ngettext(
            "{n} owner with a seat or on the waitlist will be told.",
            "{n} owners with a seat or on the waitlist will be told.",
            told,
        ),
        [
            [button(t.pgettext("button", "❌ Call it off"), CallOffEvent(event.id))],
            [button(t.pgettext("button", "Keep it"), KeepEvent(event.id))],
        ],
    )


@router.on(CallOffEvent, needs_owner=False)
async def call_off(ctx: Context, code: CallOffEvent) -> None:
    event = await _event_to_call_off(ctx, code.event, edit=True)
    if event is None:
        return
    try:
        await club_events.cancel_event(
            ctx.uow, code.event, actor=actor_id(ctx.event.channel, ctx.event.user_id), now=ctx.now
        )
    except club_events.EventGone:
        ctx.reply(_call_off_refused(ctx, CallOffRefusal.GONE), edit=True)
        return
    ctx.reply(
        ctx.t._(
            "{title} is called off. The owners with a seat or on the waitlist are being told.",
            title=event_title(ctx.t, event),
        ),
        edit=True,
    )


@router.on(KeepEvent, needs_owner=False)
async def keep(ctx: Context, code: KeepEvent) -> None:
    del code
    ctx.reply(ctx.t._("All right: the event stays on."), edit=True)


async def _event_to_call_off(
    ctx: Context, event_id: int, *, edit: bool = False
) -> ClubEvent | None:
    """The event, if this moderator may call it off now (asked again when the button is
    pressed: the role, the market and the event may have changed since)."""
    member = await _staff(ctx, Role.MODERATOR)
    if member is None:
        return None
    event = await event_by_id(ctx.uow, event_id)
    refusal = club_events.call_off_refusal(member, event, ctx.reference.dealers, ctx.now)
    if refusal is not None:
        ctx.reply(_call_off_refused(ctx, refusal), edit=edit)
        return None
    return event


def _call_off_refused(ctx: Context, why: CallOffRefusal) -> str:
    t = ctx.t
    messages = {
        CallOffRefusal.UNKNOWN: t._("There is no event with this number."),
        CallOffRefusal.ELSEWHERE: t._(
            "This event is in another country: its own team can call it off."
        ),
        CallOffRefusal.GONE: t._("This event has already been called off or has already begun."),
    }
    return messages[why]
