"""Test-drive requests (prefix `td`): offered with the trade-in suggestion to owners of
older cars, and sent to the dealer's sales staff as a lead. Tiers with test-drive
priority say so on the lead."""

from __future__ import annotations

from bot.services import loyalty
from handlers.codes import BadCode, make_code, parse_code
from handlers.common import market_translator
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.points import tier_name
from handlers.router import Router
from handlers.types import Button

router = Router()


@router.button("td")
async def test_drive(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    if code.action == "ask":
        rows = [
            [Button(model.name, make_code("td", "m", model.code))]
            for model in ctx.reference.models.values()
        ]
        rows.append(back_to_menu(ctx))
        ctx.reply(ctx.t._("Which model would you like to try?"), rows, edit=True)
    elif code.action == "m":
        model = ctx.reference.models.get(code.arg(0))
        if model is None:
            raise BadCode("unknown model")
        await _send_request(ctx, model.name)
    else:
        raise BadCode("unknown test-drive action")


async def _send_request(ctx: Context, model: str) -> None:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    vehicles = await ctx.uow.vehicles.of_owner(owner.id)
    dealer_code = next((v.dealer_code for v in vehicles if v.dealer_code), None)
    dealer = ctx.reference.dealers.get(dealer_code or "") or next(
        iter(ctx.reference.dealers_in(owner.market)), None
    )
    if dealer is None:
        ctx.reply(ctx.t._("Sorry, that is not available to you."), [back_to_menu(ctx)], edit=True)
        return
    if dealer.staff_chat_id is not None:
        st = market_translator(ctx, dealer.market)
        lines = [
            st._(
                "🚗 Test drive request: {name} ({phone}) would like to try the {model}.",
                name=owner.full_name,
                phone=owner.phone or "—",
                model=model,
            )
        ]
        tier = await loyalty.tier_of(ctx.uow, owner.id)
        if ctx.reference.rules(owner.market).perks[tier].test_drive_priority:
            lines.append(st._("⭐ {tier} member: test-drive priority", tier=tier_name(st, tier)))
        ctx.reply("\n".join(lines), chat_id=dealer.staff_chat_id)
    ctx.reply(
        ctx.t._(
            "Thank you! {dealer} will call you to arrange your test drive.", dealer=dealer.name
        ),
        [back_to_menu(ctx)],
        edit=True,
    )
