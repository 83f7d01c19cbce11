"""A survey answer counts only for a survey that was sent and is still open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.demo.data import DEMO_OWNERS
from bot.demo.seed import demo_user_id
from bot.services.surveys import SURVEY_OPEN_FOR
from handlers.codes.survey import SurveyScore
from tests.conftest import Chat
from tests.fakes.transport import FakeTransport
from tests.flows.helpers import translator
from tests.services.test_care_sender import sender_for
from tests.services.test_care_visits import JOAO, plan, record_visit

VISIT_AT = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
STAFF_CHAT = "BR-SAO-01"


def joao(app: App) -> Chat:
    index = next(i for i, p in enumerate(DEMO_OWNERS, start=1) if p.phone == JOAO)
    return Chat(app, user_id=demo_user_id(index), lang="pt-br")


async def survey_state(app: App) -> tuple[int, int]:
    """(survey answers, survey points lots) of João."""
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(JOAO)
        assert owner is not None
        assert owner.id is not None
        answers = await uow.survey_answers.of_owner(owner.id)
        lots = [lot for lot in await uow.point_lots.open_of(owner.id) if lot.source == "survey"]
    return len(answers), len(lots)


async def test_a_score_for_a_visit_never_surveyed_earns_nothing_and_alerts_nobody(
    app: App, clock: FixedClock
) -> None:
    visit_id = await record_visit(app, JOAO, VISIT_AT)
    clock.set(VISIT_AT + timedelta(hours=1))  # the survey is not even planned yet
    chat = joao(app)
    screens = await chat.press_code(SurveyScore(visit_id, 2))
    staff_chat = app.reference.dealers[STAFF_CHAT].staff_chat_id
    assert [s for s in screens if s.chat_id == staff_chat] == []
    t = translator("pt_BR", "BR")
    assert [s.toast for s in screens] == [t._("This survey is closed. Thank you all the same!")]
    assert await survey_state(app) == (0, 0)


async def test_a_score_after_the_survey_closed_earns_nothing(app: App, clock: FixedClock) -> None:
    visit_id = await record_visit(app, JOAO, VISIT_AT)
    clock.set(VISIT_AT + timedelta(hours=3))
    await plan(app, clock.now())
    await sender_for(app, FakeTransport(), clock).run_once()
    clock.set(clock.now() + SURVEY_OPEN_FOR + timedelta(hours=49))  # after the nudge too
    await joao(app).press_code(SurveyScore(visit_id, 2))
    assert await survey_state(app) == (0, 0)


async def test_a_score_for_a_sent_open_survey_counts_once(app: App, clock: FixedClock) -> None:
    visit_id = await record_visit(app, JOAO, VISIT_AT)
    clock.set(VISIT_AT + timedelta(hours=3))
    await plan(app, clock.now())
    await sender_for(app, FakeTransport(), clock).run_once()
    clock.set(clock.now() + timedelta(days=3))
    screens = await joao(app).press_code(SurveyScore(visit_id, 9))
    assert [s.toast for s in screens if s.toast] == []
    assert await survey_state(app) == (1, 1)
