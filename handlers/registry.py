"""All flows, merged into one router, and the dispatcher built on them."""

from __future__ import annotations

from collections.abc import Callable

from bot.clock import Clock
from bot.services.deliveries import Doorbell
from bot.services.ports import UnitOfWorkFactory
from handlers import (
    announcement_corrections,
    announcements,
    ask_dealer,
    booking,
    booking_center,
    booking_confirm,
    booking_invoice,
    booking_services,
    booking_slots,
    booking_staff,
    booking_when,
    clubs,
    consent,
    drafts,
    event_survey,
    events,
    events_staff,
    events_wizard,
    expert,
    groups,
    kpi,
    menu,
    my_bookings,
    onboarding,
    points,
    privacy,
    referrals,
    referrals_form,
    referrals_staff,
    registration,
    rewards,
    roadside,
    settings,
    staff_tools,
    stories,
    survey,
    test_drive,
    vouchers,
)
from handlers.context import FlowDeps
from handlers.dispatcher import Dispatcher
from handlers.router import Router


def build_router() -> Router:
    router = Router()
    for module in (
        onboarding,
        drafts,
        registration,
        consent,
        menu,
        settings,
        privacy,
        groups,
        clubs,
        events,
        events_staff,
        announcements,
        announcement_corrections,
        event_survey,
        events_wizard,
        booking,
        booking_services,
        booking_center,
        booking_slots,
        booking_when,
        booking_confirm,
        my_bookings,
        booking_staff,
        booking_invoice,
        roadside,
        points,
        rewards,
        vouchers,
        staff_tools,
        referrals,
        referrals_form,
        referrals_staff,
        survey,
        test_drive,
        ask_dealer,
        stories,
        expert,
        kpi,
    ):
        router.include(module.router)
    return router


def build_dispatcher(
    uow_factory: UnitOfWorkFactory,
    deps: FlowDeps,
    clock: Clock,
    observe: Callable[[str, str, float], None] | None = None,
    doorbell: Doorbell | None = None,
) -> Dispatcher:
    return Dispatcher(
        doorbell=doorbell,
        uow_factory=uow_factory,
        deps=deps,
        clock=clock,
        router=build_router(),
        unlinked=onboarding.unlinked,
        fallback=onboarding.fallback,
        link_verified=onboarding.link_verified_phone,
        observe=observe,
    )
