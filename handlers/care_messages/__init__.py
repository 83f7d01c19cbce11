"""Care messages, rendered at send time in the owner's current language.

Each rule's renderer gets the outbox row and the owner; it returns the screens to send,
or None when there is nothing to say any more (the points were spent, the car sold).
The renderers live with their message family: club, vehicle, loyalty, service, survey,
referrals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.domain.care import OutboxMessage, Rule
from bot.domain.owners import Account, Owner
from bot.domain.reference import Reference
from bot.i18n import Catalogs
from bot.services import referral_notices
from bot.services.ports import UnitOfWork
from handlers.care_messages import (
    announcement,
    club,
    club_events,
    loyalty,
    referrals,
    service,
    survey,
    vehicle,
)
from handlers.care_messages.env import CareEnv, Renderer
from handlers.care_messages.templates import RecordingTranslator, with_template
from handlers.context import owner_translator
from handlers.types import Screen

RENDERERS: dict[str, Renderer] = {
    Rule.WELCOME: club.welcome,
    Rule.TIPS_DAY_7: club.tips_day_7,
    Rule.TIPS_DAY_30: club.tips_day_30,
    Rule.BIRTHDAY: club.birthday,
    Rule.WARRANTY_EXPIRY: vehicle.warranty_expiry,
    Rule.INSPECTION_DUE: vehicle.inspection_due,
    Rule.INSURANCE_RENEWAL: vehicle.renewal,
    Rule.REGISTRATION_RENEWAL: vehicle.renewal,
    Rule.ANNIVERSARY: vehicle.anniversary,
    Rule.TRADE_IN: vehicle.trade_in,
    Rule.POINTS_EXPIRING: loyalty.points_expiring,
    Rule.TIER_PROMOTED: loyalty.tier_promoted,
    Rule.TIER_DEMOTION_NOTICE: loyalty.tier_demotion_notice,
    Rule.FIRST_SERVICE: service.service_due,
    Rule.MAINTENANCE_DUE: service.service_due,
    Rule.RECALL: service.recall,
    Rule.BOOKING_REMINDER: service.booking_reminder,
    Rule.WIN_BACK: service.win_back,
    Rule.SURVEY: survey.survey,
    Rule.SURVEY_NUDGE: survey.survey,
    Rule.REFERRAL_STAGE: referrals.referral_stage,
    Rule.WELCOME_GIFT: referrals.welcome_gift,
    Rule.ANNOUNCEMENT: announcement.owner_copy,
    Rule.EVENT_REMINDER: club_events.event_reminder,
    Rule.EVENT_SURVEY: club_events.event_survey,
    Rule.EVENT_CANCELLED: club_events.event_cancelled,
}


async def after_sent(uow: UnitOfWork, message: OutboxMessage) -> None:
    """A stage the owner was told in chat is no longer "new" in their referrals."""
    referral_id = message.payload.get("referral_id")
    if message.rule == Rule.REFERRAL_STAGE and isinstance(referral_id, int):
        await referral_notices.mark_told(uow, referral_id, message.payload.get("stage"))


def renderer_for(
    catalogs: Catalogs, reference: Reference, clock_now: Callable[[], datetime]
) -> Callable[[UnitOfWork, OutboxMessage, Owner, Account], Awaitable[list[Screen] | None]]:
    """The sender's `render`: picks the rule's renderer and the owner's language."""

    async def render(
        uow: UnitOfWork, message: OutboxMessage, owner: Owner, account: Account
    ) -> list[Screen] | None:
        renderer = RENDERERS.get(message.rule)
        market = reference.markets.get(owner.market)
        if renderer is None or market is None:
            return None
        t = RecordingTranslator(owner_translator(catalogs, reference, owner, account))
        env = CareEnv(
            uow=uow,
            message=message,
            owner=owner,
            account=account,
            t=t,
            market=market,
            reference=reference,
            now=clock_now(),
        )
        screens = await renderer(env)
        # The template rides along; the sender keeps it only where the platform
        # takes nothing else (WhatsApp outside the 24-hour window).
        return with_template(message.rule, t, screens) if screens else screens

    return render
