"""The consent questions a newly linked owner answers, and what follows linking."""

from __future__ import annotations

from bot.domain.owners import ConsentCategory
from bot.services.consent import set_consent
from handlers import referrals_invited
from handlers.codes import button
from handlers.codes.onboarding import ConsentAnswer
from handlers.common import show_main_menu
from handlers.context import Context
from handlers.router import Router

router = Router()


async def continue_after_link(ctx: Context) -> None:
    """A chat just linked to an owner (found or registered): a referred friend's gift,
    then the consent questions not yet answered, then the menu."""
    owner = ctx.owner
    assert owner is not None
    await referrals_invited.friend_became_owner(ctx)
    if owner.consent_service is None:
        _ask_consent(ctx, ConsentCategory.SERVICE)
    elif owner.consent_marketing is None:
        _ask_consent(ctx, ConsentCategory.MARKETING)
    else:
        show_main_menu(ctx)


def _ask_consent(ctx: Context, category: ConsentCategory, *, edit: bool = False) -> None:
    t = ctx.t
    if category is ConsentCategory.SERVICE:
        text = t._(
            "May we send you service messages: maintenance reminders, booking updates and a "
            "short survey after a visit? Safety recall notices always reach you, whatever "
            "you choose."
        )
    else:
        text = t._(
            "And may we send you news, offers and member events? At most one a day, and "
            "you can stop them any time with /stop."
        )
    ctx.reply(
        text,
        [
            [
                button(t.pgettext("button", "Yes, please"), ConsentAnswer(category, True)),
                button(t.pgettext("button", "No, thanks"), ConsentAnswer(category, False)),
            ]
        ],
        edit=edit,
    )


@router.on(ConsentAnswer)
async def consent_answer(ctx: Context, code: ConsentAnswer) -> None:
    owner = ctx.owner
    assert owner is not None
    category = code.category
    first_answer = (
        owner.consent_service if category is ConsentCategory.SERVICE else owner.consent_marketing
    ) is None
    await set_consent(
        ctx.uow, owner, category, code.granted, channel=ctx.event.channel, now=ctx.now
    )
    if category is ConsentCategory.SERVICE and owner.consent_marketing is None:
        _ask_consent(ctx, ConsentCategory.MARKETING, edit=True)
    elif first_answer:
        ctx.reply(
            ctx.t._("Thank you, all set. You can change this any time in Settings."), edit=True
        )
        show_main_menu(ctx)
    else:
        ctx.toast(ctx.t._("Saved."))
