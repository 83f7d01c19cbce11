"""Test-drive requests: offered with the trade-in suggestion to owners of older cars,
and sent to the dealer's sales staff as a lead. Tiers with test-drive priority say so
on the lead."""

from __future__ import annotations

from bot.domain.text import isolate
from bot.services.loyalty import tiers
from bot.services.queries import vehicles as vehicle_queries
from handlers.codes import BadCode, button
from handlers.codes.test_drive import AskTestDrive, ChooseTestDriveModel
from handlers.common import market_translator
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.points import tier_name
from handlers.router import Router

router = Router()


@router.on(AskTestDrive)
async def ask_test_drive(ctx: Context, code: AskTestDrive) -> None:
    del code
    rows = [
        [button(model.name, ChooseTestDriveModel(model.code))]
        for model in ctx.reference.models.values()
    ]
    rows.append(back_to_menu(ctx))
    ctx.reply(ctx.t._("Which model would you like to try?"), rows, edit=True)


@router.on(ChooseTestDriveModel)
async def chose_model(ctx: Context, code: ChooseTestDriveModel) -> None:
    model = ctx.reference.models.get(code.model)
    if model is None:
        raise BadCode("unknown model")
    await _send_request(ctx, model.name)


async def _send_request(ctx: Context, model: str) -> None:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    vehicles = await vehicle_queries.vehicles_of(ctx.uow, owner.id)
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
                name=isolate(owner.full_name),
                phone=owner.phone or "—",
                model=model,
            )
        ]
        tier = await tiers.tier_of(ctx.uow, owner.id)
        if ctx.reference.rules(owner.market).perks[tier].test_drive_priority:
            lines.append(st._("⭐ {tier} member: test-drive priority", tier=tier_name(st, tier)))
        ctx.to_staff(dealer.staff_chat_id, "\n".join(lines))
    ctx.reply(
        ctx.t._(
            "Thank you! {dealer} will call you to arrange your test drive.", dealer=dealer.name
        ),
        [back_to_menu(ctx)],
        edit=True,
    )
