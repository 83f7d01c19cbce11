"""Owner-club groups: a welcome for new members, pointing to the private chat."""

from __future__ import annotations

from handlers.context import Context
from handlers.router import Router
from handlers.types import Button

router = Router()


@router.group_event
async def member_joined(ctx: Context) -> None:
    name = ctx.event.first_name or ctx.t._("friend")
    ctx.reply(
        ctx.t._(
            "Welcome to the {brand} owners' club, {name}! Open a private chat with me to "
            "see your points, book a service and invite friends.",
            brand=ctx.reference.brand,
            name=name,
        ),
        [
            [
                Button(
                    ctx.t.pgettext("button", "Open private chat"),
                    url=f"https://t.me/{ctx.deps.bot_username}?start=club",
                )
            ]
        ],
    )
