"""Care rules that follow visits and bookings: service due, recalls, reminders, the
survey (and the NPS it feeds), win-back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.domain.booking import ServiceVisit, VisitSource
from bot.domain.care import OutboxStatus, Rule
from bot.services import care
from handlers.codes.survey import SurveyScore
from tests.conftest import Chat, ChatFactory
from tests.fakes.transport import FakeTransport
from tests.services.test_care_sender import sender_for

JOAO = "+5511987654321"  # São Paulo, Aurora S5, Portuguese


async def plan(app: App, at: datetime) -> care.PlanReport:
    async with app.database.uow() as uow:
        report = await care.plan(uow, app.reference, at)
        await uow.commit()
    return report


async def rows(app: App, phone: str, rule: Rule):  # type: ignore[no-untyped-def]
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        return [m for m in await uow.outbox.of_owner(owner.id) if m.rule == rule]


async def record_visit(app: App, phone: str, at: datetime, invoice: int = 450_00) -> int:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        [vehicle] = await uow.vehicles.of_owner(owner.id)
        visit = ServiceVisit(
            owner_id=owner.id,
            vehicle_id=vehicle.id,
            dealer_code=vehicle.dealer_code or "BR-SAO-01",
            visited_on=at.date(),
            invoice_minor=invoice,
            currency="BRL",
            recorded_at=at,
            mileage_km=vehicle.mileage_km,
            services=["maintenance"],
            source=VisitSource.STAFF,
        )
        uow.visits.add(visit)
        await uow.commit()
        assert visit.id is not None
        return visit.id


async def test_a_survey_follows_a_visit_two_hours_later_once(app: App) -> None:
    visit_at = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    await record_visit(app, JOAO, visit_at)
    await plan(app, visit_at + timedelta(hours=1))
    assert await rows(app, JOAO, Rule.SURVEY) == []
    await plan(app, visit_at + timedelta(hours=2))
    await plan(app, visit_at + timedelta(hours=3))
    assert len(await rows(app, JOAO, Rule.SURVEY)) == 1


async def test_a_survey_answered_in_chat_shows_in_the_nps_and_alerts_on_a_low_score(
    app: App, clock: FixedClock, chat_factory: ChatFactory
) -> None:
    from bot.demo.data import DEMO_OWNERS
    from bot.demo.seed import demo_user_id
    from bot.services import kpi

    visit_at = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    visit_id = await record_visit(app, JOAO, visit_at)
    clock.set(visit_at + timedelta(hours=3))
    await plan(app, clock.now())
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(JOAO)
        surveys = [m for m in await uow.outbox.of_owner(owner.id) if m.rule == Rule.SURVEY]
    assert [m.status for m in surveys] == [OutboxStatus.SENT]
    index = next(i for i, p in enumerate(DEMO_OWNERS, start=1) if p.phone == JOAO)
    joao = Chat(app, user_id=demo_user_id(index), lang="pt-br")
    screens = await joao.press_code(SurveyScore(visit_id, 3))  # tapped in the survey message
    staff_alert = [
        s for s in screens if s.chat_id == app.reference.dealers["BR-SAO-01"].staff_chat_id
    ]
    assert staff_alert, "a detractor alerts the dealer's staff chat"
    await joao.say("A espera foi longa demais.")
    async with app.database.uow() as uow:
        report = await kpi.report(uow, app.reference, market="BR", now=clock.now())
    assert report.nps == -100
    assert report.answers == 1
    await joao.press_code(SurveyScore(visit_id, 9))  # a second answer changes nothing
    assert "something went wrong" not in joao.text.lower()
    async with app.database.uow() as uow:
        assert (await kpi.report(uow, app.reference, market="BR", now=clock.now())).answers == 1


async def test_booking_reminders_arrive_24_and_2_hours_before(app: App, clock: FixedClock) -> None:
    # Lukas (Berlin) has a demo booking about six days ahead.
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone("+4915112345678")
        [booking] = [b for b in await uow.bookings.of_owner(owner.id) if b.is_open]
    starts = booking.starts_at
    for hours_before in (30, 23, 5, 1):
        await plan(app, starts - timedelta(hours=hours_before))
    reminders = await rows(app, "+4915112345678", Rule.BOOKING_REMINDER)
    assert sorted(m.payload["hours"] for m in reminders) == [2, 24]
