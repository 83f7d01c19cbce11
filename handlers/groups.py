"""What happens to groups themselves: a new member's welcome, join requests to
owners-only clubs, the bot's own membership (removed: the club is unlinked) and a group
upgraded to a supergroup (the club follows it). Nothing personal is said in a group:
a declined request is explained in the person's private chat."""

from __future__ import annotations

import logging

from bot.domain.clubs import Club
from bot.services import clubs
from bot.services.queries.clubs import linked_club
from handlers.club_texts import rights_note
from handlers.common import private_chat_button
from handlers.context import Context
from handlers.router import Router
from handlers.types import EventKind, JoinDecision, Screen

log = logging.getLogger(__name__)

router = Router()


@router.group_event(EventKind.MEMBER_JOINED)
async def member_joined(ctx: Context) -> None:
    club = await linked_club(ctx.uow, ctx.event.channel, ctx.event.chat_id)
    if club is None:
        _generic_welcome(ctx)
        return
    await clubs.joined(
        ctx.uow,
        club,
        user_id=ctx.event.user_id,
        owner_id=ctx.owner.id if ctx.owner else None,
        now=ctx.now,
    )
    t = ctx.deps.catalogs.translator(_club_locale(ctx, club), club.market)
    ctx.reply(
        t._(
            "Welcome to the {brand} owners' club!\n\nOur rules: be kind, stay on topic, "
            "no selling, and never post anyone's phone number, address or plate.\n\n"
            "Your points, bookings and questions to the dealer stay in our private chat.",
            brand=ctx.reference.brand,
        ),
        [[private_chat_button(ctx, t)]],
    )


def _generic_welcome(ctx: Context) -> None:
    """A group not linked as a club: the greeting it always had."""
    ctx.reply(
        ctx.t._(
            "Welcome to the {brand} owners' club, {name}! Open a private chat with me to "
            "see your points, book a service and invite friends.",
            brand=ctx.reference.brand,
            name=ctx.event.first_name or ctx.t._("friend"),
        ),
        [[private_chat_button(ctx)]],
    )


def _club_locale(ctx: Context, club: Club) -> str:
    """The newcomer's language when the club speaks it, else the club's first."""
    return ctx.t.code if ctx.t.code in club.locales else club.locales[0]


@router.group_event(EventKind.JOIN_REQUEST)
async def join_request(ctx: Context) -> None:
    event = ctx.event
    club = await linked_club(ctx.uow, event.channel, event.chat_id)
    if club is None or not club.owners_only:
        return  # the group's own administrators decide
    verdict = await clubs.decide_join(
        ctx.uow,
        club,
        user_id=event.user_id,
        owner_id=ctx.owner.id if ctx.owner else None,
        now=ctx.now,
    )
    approve = verdict is clubs.JoinVerdict.APPROVE
    ctx.screens.append(
        Screen(text="", join_decision=JoinDecision(event.chat_id, event.user_id, approve))
    )
    if approve:
        return
    t = ctx.t
    if verdict is clubs.JoinVerdict.NOT_LINKED:
        text = t._(
            "This club is for verified {brand} owners. To join, open our private chat, "
            "share your phone number so I can find your car, then ask to join again.",
            brand=ctx.reference.brand,
        )
    else:
        model = ctx.reference.models.get(club.model or "")
        text = t._(
            "This club is for owners of the {model} in {country}, so I couldn't approve "
            "your request. Ask me in our private chat about the clubs for your car.",
            model=model.name if model else ctx.reference.brand,
            country=t.country(club.market),
        )
    # A bot may write to someone who asked to join, in their private chat.
    ctx.reply(text, [[private_chat_button(ctx)]], chat_id=event.user_id)


@router.group_event(EventKind.BOT_MEMBERSHIP)
async def bot_membership(ctx: Context) -> None:
    event = ctx.event
    club = await linked_club(ctx.uow, event.channel, event.chat_id)
    if club is None:
        return
    if event.bot_status in ("left", "kicked"):
        clubs.unlink(ctx.uow, club, actor="system", reason="bot removed", now=ctx.now)
        log.info("the bot was removed from a club's group; unlinked")
        return
    t = ctx.deps.catalogs.translator(club.locales[0], club.market)
    note = rights_note(t, club.owners_only, event.bot_rights)
    if note:
        ctx.reply(note)


@router.group_event(EventKind.CHAT_MIGRATED)
async def chat_migrated(ctx: Context) -> None:
    new_chat = ctx.event.migrated_to
    if new_chat is not None:
        await clubs.migrate(ctx.uow, ctx.event.channel, ctx.event.chat_id, new_chat, ctx.now)
