"""/mydata (a JSON copy of everything we hold) and /forget (erasure)."""

from __future__ import annotations

import json

from bot.services.privacy import erase_owner, export_owner_data
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
    _ask_to_confirm(ctx, edit=False)


@router.on(AskToErase)
async def forget_button(ctx: Context, _code: AskToErase) -> None:
    _ask_to_confirm(ctx, edit=True)


@router.on(EraseMyData)
async def erase(ctx: Context, _code: EraseMyData) -> None:
    owner = ctx.owner
    assert owner is not None
    await erase_owner(ctx.uow, owner, ctx.now)
    ctx.owner = None
    ctx.reply(
        ctx.t._(
            "Your personal data has been erased. Goodbye, and thank you for driving "
            "with us. You can come back any time with /start."
        ),
        edit=True,
    )


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


def _ask_to_confirm(ctx: Context, *, edit: bool) -> None:
    t = ctx.t
    ctx.reply(
        t._(
            "This erases your name, phone number, birthday, vehicle identification numbers "
            "and the link to this chat. Your points and vouchers will be lost. "
            "It cannot be undone. Erase your data?"
        ),
        [
            [button(t.pgettext("button", "Yes, erase my data"), EraseMyData())],
            [button(t.pgettext("button", "No, keep it"), KeepMyData())],
        ],
        edit=edit,
    )
