"""Care messages of referrals: a friend's stage from the CRM import, to the referrer,
and the welcome gift, to the friend."""

from __future__ import annotations

from bot.domain.referrals import Stage
from bot.services import care
from bot.services.queries import care as care_queries
from handlers.care_messages.env import CareEnv, points_row, screen
from handlers.referrals_notices import my_referrals_row, stage_notice
from handlers.referrals_texts import welcome_gift_text
from handlers.types import Screen


async def referral_stage(env: CareEnv) -> list[Screen] | None:
    """A friend's stage from the CRM import: the text staff moves in chat send at once."""
    payload = env.message.payload
    referral_id = env.payload_id("referral_id")
    referral = (
        await care_queries.referral_of(env.uow, env.owner.id or 0, referral_id)
        if referral_id is not None
        else None
    )
    if referral is None:
        return None
    if referral.stage != payload.get("stage"):
        return None  # moved on since: the newest stage's own message tells it
    if referral.owner_told == referral.stage:
        return None  # seen already, in "my referrals" or told in chat
    text = stage_notice(
        env.t, env.reference, env.owner, referral, care.rewards_from_payload(payload)
    )
    return screen(text, my_referrals_row(env.t))


async def welcome_gift(env: CareEnv) -> list[Screen] | None:
    """To the referred friend: the gift a CRM import paid when their car was delivered."""
    referral_id = env.payload_id("referral_id")
    points = env.message.payload.get("points")
    referral = (
        await care_queries.referral(env.uow, referral_id) if referral_id is not None else None
    )
    if referral is None or not isinstance(points, int) or referral.current is Stage.ORDER_CANCELLED:
        return None  # a cancelled order took the gift back
    if await care_queries.welcome_gift(env.uow, env.owner.id or 0, referral) is None:
        return None
    return screen(welcome_gift_text(env.t, points, env.reference.brand), points_row(env.t))
