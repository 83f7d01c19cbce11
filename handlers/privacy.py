"""/mydata (a JSON copy of everything we hold) and /forget (erasure)."""

from __future__ import annotations

import json

from bot.services import clubs
from bot.services.privacy import erase_owner, export_owner_data
from bot.services.queries.bookings import upcoming_bookings
from handlers.booking_common import calendar_of
from handlers.booking_staff import DeskNews, tell_center
from handlers.booking_texts import when
from handlers.club_texts import flag_to_moderators
from handlers.codes import button
from handlers.codes.privacy import AskToErase, EraseMyData, ExportMyData, KeepMyData
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.router import Router
from handlers.types import Attachment

router = Router()


@router.command("mydata")
async def my_data_command(ctx: Context) -> None:
    await _send_export(ctx)


@router.on(ExportMyData)
async def my_data_button(ctx: Context, _code: ExportMyData) -> None:
    await _send_export(ctx)


@router.command("forget")
async def forget_command(ctx: Context) -> None:
    await _ask_to_confirm(ctx, edit=False)


@router.on(AskToErase)
async def forget_button(ctx: Context, _code: AskToErase) -> None:
    await _ask_to_confirm(ctx, edit=True)


@router.on(EraseMyData)
async def erase(ctx: Context, _code: EraseMyData) -> None:
    owner = ctx.owner
    assert owner is not None
    upcoming = {b.id for b in await upcoming_bookings(ctx.uow, owner.id or 0, ctx.now)}
    cancelled = await erase_owner(ctx.uow, owner, ctx.now)
    lapsed = await clubs.review_members(ctx.uow, owner.id or 0, ctx.now)
    ctx.owner = None
    ctx.reply(
        ctx.t._(
            "Your personal data has been erased. Goodbye, and thank you for driving "
            "with us. You can come back any time with /start."
        ),
        edit=True,
    )
    for booking in cancelled:
        if booking.id in upcoming:  # still in their calendar: take it off
            ctx.reply("", attachment=await calendar_of(ctx, ctx.t, booking, cancelled=True))
        await tell_center(ctx, booking, DeskNews.ERASED)
    for found in lapsed:
        flag_to_moderators(ctx, found.club, found.member.user_id)


@router.on(KeepMyData)
async def keep(ctx: Context, _code: KeepMyData) -> None:
    ctx.reply(ctx.t._("Nothing was erased."), [back_to_menu(ctx)], edit=True)


async def _send_export(ctx: Context) -> None:
    owner = ctx.owner
    assert owner is not None
    data = await export_owner_data(ctx.uow, owner)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    ctx.reply(
        "",
        attachment=Attachment(
            filename="my-data.json",
            data=payload,
            caption=ctx.t._("Here is all the personal data we hold about you."),
        ),
    )


async def _ask_to_confirm(ctx: Context, *, edit: bool) -> None:
    """The warning names every upcoming visit: erasing cancels them (and tells their
    centers)."""
    t = ctx.t
    assert ctx.owner is not None
    lines = []
    for booking in await upcoming_bookings(ctx.uow, ctx.owner.id or 0, ctx.now):
        dealer = ctx.reference.dealers[booking.dealer_code]
        lines.append(
            t._(
                "⚠️ Your visit on {when} at {center} will be cancelled, and the center "
                "will be told.",
                when=when(t, booking.starts_at, dealer),
                center=dealer.name,
            )
        )
    lines.append(
        t._(
            "This erases your name, phone number, birthday, vehicle identification numbers "
            "and the link to this chat. Your points and vouchers will be lost. "
            "It cannot be undone. Erase your data?"
        )
    )
    ctx.reply(
        "\n\n".join(lines),
        [
            [button(t.pgettext("button", "Yes, erase my data"), EraseMyData())],
            [button(t.pgettext("button", "No, keep it"), KeepMyData())],
        ],
        edit=edit,
    )
