"""Rough edges of the points screens: "My vouchers" belongs to Points, a stale cancel
button refuses before asking, and the history shows the status points of each line."""

from __future__ import annotations

from bot.app import App
from bot.domain.owners import Owner
from bot.services.loyalty import earn
from handlers.codes.points import AskToCancelVoucher
from tests.conftest import NOW, Chat, ChatFactory
from tests.flows.helpers import linked
from tests.services.loyalty_helpers import days, give, owner_by_phone

DEMO_MANCHESTER = "+447400123456"  # Emma: no demo points
DEMO_ISTANBUL = "+905321234567"  # Mehmet, Turkish


async def redeem_coffee(chat: Chat) -> None:
    await chat.say("/points")
    await chat.tap("rw:cats")
    await chat.tap("rw:cat:partner_perk")
    await chat.tap("rw:show:coffee")
    await chat.tap("rw:ask:coffee")
    await chat.tap("rw:ok:coffee")


async def emma_with_points(app: App, chat_factory: ChatFactory) -> tuple[Owner, Chat]:
    """Emma, linked in chat, with 1,000 points to spend."""
    owner = await owner_by_phone(app, DEMO_MANCHESTER)
    await give(app, owner, 1000, key="a", at=NOW)
    return owner, await linked(chat_factory(lang="en"), DEMO_MANCHESTER)


async def test_my_vouchers_goes_back_to_points_not_the_main_menu(
    chat_factory: ChatFactory, app: App
) -> None:
    _emma, chat = await emma_with_points(app, chat_factory)
    await chat.say("/points")
    await chat.tap("vc:list")
    assert "no vouchers yet" in chat.text
    assert chat.codes("pts:home"), "back to Points, with no vouchers yet"
    await redeem_coffee(chat)
    await chat.say("/points")
    await chat.tap("vc:list")
    assert chat.codes("vc:show:")
    assert chat.codes("pts:home"), "back to Points"
    assert not chat.codes("menu:home"), "not to the main menu"
    await chat.tap("pts:home")
    assert "points to spend" in chat.text


async def test_a_stale_cancel_button_on_a_cancelled_voucher_refuses_before_asking(
    chat_factory: ChatFactory, app: App
) -> None:
    owner, chat = await emma_with_points(app, chat_factory)
    await redeem_coffee(chat)
    [voucher] = await _vouchers(app, owner.id or 0)
    await chat.press_code(AskToCancelVoucher(voucher))
    await chat.tap("vc:cancel:")
    assert "150 points are back" in chat.text
    await chat.press_code(AskToCancelVoucher(voucher))  # the old message's button
    assert "can no longer be cancelled" in chat.text
    assert not chat.codes("vc:cancel:"), "no confirmation asked for what can't be done"


async def test_the_history_shows_status_points_on_each_line_in_turkish(
    chat_factory: ChatFactory, app: App
) -> None:
    tr = app.catalogs.translator("tr", "TR")
    owner = await owner_by_phone(app, DEMO_ISTANBUL)
    await give(app, owner, 120, key="visit-a", at=NOW - days(1), status=480)
    chat: Chat = await linked(chat_factory(lang="tr"), DEMO_ISTANBUL)
    await chat.say("/points")
    await chat.tap("pts:hist:0")
    legend = tr._("🏅 status points, which count toward your tier")
    assert "seviye puan" in legend, "the Turkish catalog explains the 🏅"
    assert legend in chat.text
    line = next(x for x in chat.text.splitlines() if "+120" in x)
    assert line.endswith("🏅 +480")
    async with app.database.uow() as uow:
        await earn.reverse_award(
            uow, source="test", source_id="visit-a", rule="test_award", now=NOW, reason="refund"
        )
        await uow.commit()
    await chat.tap("pts:home")
    await chat.tap("pts:hist:0")
    assert any(x.endswith("🏅 -480") for x in chat.text.splitlines()), "taken back with it"


async def _vouchers(app: App, owner_id: int) -> list[int]:
    async with app.database.uow() as uow:
        return [r.id or 0 for r in await uow.redemptions.of_owner(owner_id)]
