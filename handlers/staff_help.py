"""What /help tells dealer staff: the staff commands their role allows (checked again on
every command), and what the staff chat is for."""

from __future__ import annotations

from bot.domain.staff import Role, StaffMember
from bot.i18n import Translator
from bot.services import club_events
from handlers.context import Context


def role_name(t: Translator, role: Role | str) -> str:
    names = {
        # TRANSLATORS: a dealer staff member's role, as /help names it.
        Role.ADVISOR: t.pgettext("staff role", "service advisor"),
        Role.SALES: t.pgettext("staff role", "sales"),
        Role.MODERATOR: t.pgettext("staff role", "owners' club moderator"),
        Role.MANAGER: t.pgettext("staff role", "manager"),
        Role.ADMIN: t.pgettext("staff role", "brand administrator"),
    }
    return names[Role(role)]


def staff_help_lines(ctx: Context, member: StaffMember) -> list[str]:
    t = ctx.t
    dealer = ctx.reference.dealers.get(member.dealer_code or "")
    lines = [
        t._(
            "<b>Staff commands</b> for you as {role} at {dealer}:",
            role=role_name(t, member.role),
            dealer=dealer.name if dealer else t._("every dealer"),
        )
    ]
    if member.may(Role.ADVISOR, Role.SALES):
        lines += [
            t._("/voucher CODE: take an owner's voucher"),
            t._("/owner PHONE: look an owner up (tier, points, cars)"),
        ]
    if member.may(Role.SALES):
        lines.append(t._("/leads: the referrals in progress, to move them along"))
    if member.may(Role.MANAGER):
        lines += [
            t._("/award PHONE POINTS REASON: give an owner points"),
            t._("/adjust PHONE ±POINTS REASON: correct an owner's points"),
        ]
    if member.may(Role.MODERATOR):
        lines += [
            t._("/link: in a group, link it as an owners' club"),
            t._("/club: the club's settings; /unlink: unlink it"),
            t._("/event N: post an event with its RSVP buttons"),
            t._("/announce: in private chat, an announcement to your country's clubs and owners"),
            t._("/newevent: create a club event, step by step"),
            t._("/cancelevent N: call an event off (its owners are told)"),
        ]
    if member.may(*club_events.CHECKIN_ROLES):
        lines.append(t._("/checkin CODE: check an owner in at an event"))
    if member.may(Role.ADVISOR):
        lines.append(
            t._(
                "In the staff chat: confirm new bookings, propose another time, check cars "
                "in and complete visits with the invoice amount."
            )
        )
    if len(lines) == 1:
        lines.append(t._("Your role has no staff commands yet."))
    return lines
