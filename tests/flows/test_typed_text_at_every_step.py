"""Random typed text at every step of every flow (issue 13, point 4): it never crashes
(the dispatcher's apology counts as a crash) and never loses a draft.

Each step comes from the re-ask registry (`Router.reasks`): the chat is put at the
step with a draft that fits it, the step is shown through the registry (a language
change asks it again, in a random language), and then random text arrives: any
unicode, numbers as people write them, emoji, dates and times, and commands. A draft
may only end when the text named one of the buttons it was offered ("stop", "confirm"),
or completed it (a registration's delivery date).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.choices import Choice, match_choice
from bot.domain.clubs import Club
from bot.domain.staff import Role
from bot.domain.stories import ExpertQuestion, ExpertSession
from bot.domain.vin import with_check_digit
from bot.i18n import SHIPPED_LOCALES
from bot.services import booking as booking_service
from bot.services import dealer_questions
from bot.services.staff import add_staff
from handlers.codes.onboarding import ChooseLanguage
from handlers.registry import build_router
from handlers.states import FlowData
from handlers.states.announcements import AnnounceDraft, AnnounceStep, CorrectionDraft
from handlers.states.booking import (
    BookingDraft,
    BookingStep,
    CancelDraft,
    MovedBooking,
    MyBookingsStep,
)
from handlers.states.booking_staff import DeskStep, InvoiceDraft
from handlers.states.clubs import ClubDraft, ClubStep
from handlers.states.events import (
    EventDraft,
    EventSurveyComment,
    EventSurveyStep,
    EventWizardStep,
)
from handlers.states.menu import CarStep, OdometerOf
from handlers.states.onboarding import (
    MarketChosen,
    ModelChosen,
    NameGiven,
    OnboardingStep,
    PhoneRequest,
    PhoneShared,
    RegistrationStep,
    VinGiven,
)
from handlers.states.questions import AnswerDraft, AnswerStep, AskDraft, AskStep
from handlers.states.referrals import (
    FriendDealerChosen,
    FriendModelChosen,
    FriendNamed,
    FriendPhone,
    FriendStep,
)
from handlers.states.roadside import RoadsideStep, TradeInDraft, TradeInStep
from handlers.states.stories import (
    ExpertAnswerDraft,
    ExpertDraft,
    ExpertStep,
    StoryDraft,
    StoryStep,
)
from handlers.states.survey import SurveyComment, SurveyStep
from handlers.types import ChatKind, Contact, Event, EventKind, Screen
from tests.conftest import NOW, check_screen_limits, sqlite_url

CHANNEL = "prop"
OWNER_USER = 1  # Lukas, Berlin: an X7 and a confirmed visit on 30 November
STAFF_USER = 2  # an advisor of Berlin's center, in its staff chat
NEWCOMER_USER = 3  # not linked: registering
MODERATOR_USER = 4  # a moderator of Berlin's center: announcements, events, stories, Q&A
LUKAS = "+4915112345678"
BERLIN = "DE-BER-01"
BERLIN_STAFF_CHAT = -1001000001001
NEW_PHONE = "+4915100001111"
NEW_VIN = with_check_digit("LAUX7AAA0SC000779")
IDENTITY = ("vehicle", "vehicle_id", "phone", "name")  # what a kept draft still names
ROUTER = build_router()
REASKS = ROUTER.reasks


@dataclass(frozen=True)
class Ids:
    """What the drafts name, from the prepared database."""

    vehicle: int
    booking: int
    visit: int
    free_start: datetime  # a free time at Berlin's center for an inspection
    question: int  # Lukas's question to Berlin's center
    session: int  # an open expert session in Berlin's club
    expert_question: int  # Lukas's question in it


@dataclass(frozen=True)
class Seat:
    """Who stands at the step, and the draft they hold there."""

    user: int
    data: Callable[[Ids], FlowData | None]
    group: bool = False


def _booking(ids: Ids, **fields: object) -> BookingDraft:
    base: dict[str, object] = {
        "vehicle": ids.vehicle,
        "services": ["inspection"],
        "offered": ["maintenance", "inspection", "brakes"],
    }
    return BookingDraft(**{**base, **fields})  # type: ignore[arg-type]


def _event_draft() -> EventDraft:
    """Every answer given: any step of the event wizard can be shown with it."""
    return EventDraft(
        market="DE",
        titles=["Ausfahrt"],
        starts=NOW + timedelta(days=30),
        place="Tempelhof",
        latitude=52.47,
        longitude=13.4,
        capacity=10,
    )


def _shared() -> PhoneShared:
    return PhoneShared(phone=NEW_PHONE, phone_market="DE")


def _named() -> NameGiven:
    return NameGiven(**vars(_shared()), market="DE", first_name="Max", last_name="Muster")


SEATS: dict[StrEnum, Seat] = {
    BookingStep.VEHICLE: Seat(OWNER_USER, lambda ids: None),
    BookingStep.MILEAGE: Seat(OWNER_USER, lambda ids: BookingDraft(vehicle=ids.vehicle)),
    BookingStep.SERVICES: Seat(OWNER_USER, _booking),
    BookingStep.CENTER: Seat(OWNER_USER, _booking),
    BookingStep.DATE: Seat(OWNER_USER, lambda ids: _booking(ids, dealer=BERLIN)),
    BookingStep.TRANSPORT: Seat(
        OWNER_USER, lambda ids: _booking(ids, dealer=BERLIN, start=ids.free_start)
    ),
    BookingStep.NOTES: Seat(
        OWNER_USER,
        lambda ids: _booking(ids, dealer=BERLIN, start=ids.free_start, transport="wait"),
    ),
    BookingStep.SUMMARY: Seat(
        OWNER_USER,
        lambda ids: _booking(
            ids, dealer=BERLIN, start=ids.free_start, transport="wait", token="0123456789abcdef"
        ),
    ),
    MyBookingsStep.CANCEL_REASON: Seat(OWNER_USER, lambda ids: CancelDraft(cancel=ids.booking)),
    MyBookingsStep.MOVED: Seat(OWNER_USER, lambda ids: MovedBooking(token="0123456789abcdef")),
    DeskStep.INVOICE: Seat(STAFF_USER, lambda ids: InvoiceDraft(booking=ids.booking), group=True),
    CarStep.MILEAGE: Seat(OWNER_USER, lambda ids: OdometerOf(vehicle_id=ids.vehicle)),
    OnboardingStep.PHONE: Seat(NEWCOMER_USER, lambda ids: PhoneRequest()),
    OnboardingStep.PROVE: Seat(  # typed the number of a known owner: the VIN's end, please
        NEWCOMER_USER, lambda ids: PhoneShared(phone="+447911123456", phone_market="GB")
    ),
    OnboardingStep.SWITCH: Seat(  # Lukas shared the number of another membership
        OWNER_USER, lambda ids: PhoneShared(phone="+447911123456", phone_market="GB")
    ),
    RegistrationStep.FRIEND: Seat(NEWCOMER_USER, lambda ids: _shared()),
    RegistrationStep.MARKET: Seat(NEWCOMER_USER, lambda ids: _shared()),
    RegistrationStep.NAME: Seat(
        NEWCOMER_USER, lambda ids: MarketChosen(**vars(_shared()), market="DE")
    ),
    RegistrationStep.VIN: Seat(NEWCOMER_USER, lambda ids: _named()),
    RegistrationStep.MODEL: Seat(
        NEWCOMER_USER, lambda ids: VinGiven(**vars(_named()), vin=NEW_VIN)
    ),
    RegistrationStep.DELIVERY: Seat(
        NEWCOMER_USER, lambda ids: ModelChosen(**vars(_named()), vin=NEW_VIN, model="X7")
    ),
    FriendStep.NAME: Seat(OWNER_USER, lambda ids: None),
    FriendStep.PHONE: Seat(OWNER_USER, lambda ids: FriendNamed(name="Ana Weber")),
    FriendStep.MODEL: Seat(
        OWNER_USER, lambda ids: FriendPhone(name="Ana Weber", phone="+4915122223333")
    ),
    FriendStep.DEALER: Seat(
        OWNER_USER,
        lambda ids: FriendModelChosen(name="Ana Weber", phone="+4915122223333", model="X7"),
    ),
    FriendStep.CONSENT: Seat(
        OWNER_USER,
        lambda ids: FriendDealerChosen(
            name="Ana Weber", phone="+4915122223333", model=None, dealer=BERLIN
        ),
    ),
    RoadsideStep.LOCATION: Seat(OWNER_USER, lambda ids: None),
    TradeInStep.MILEAGE: Seat(OWNER_USER, lambda ids: TradeInDraft(vehicle=ids.vehicle)),
    TradeInStep.PHOTOS: Seat(
        OWNER_USER, lambda ids: TradeInDraft(vehicle=ids.vehicle, photos=["photo-1"])
    ),
    SurveyStep.COMMENT: Seat(OWNER_USER, lambda ids: SurveyComment(visit_id=ids.visit)),
    EventSurveyStep.COMMENT: Seat(OWNER_USER, lambda ids: EventSurveyComment(event_id=1)),
    AskStep.TEXT: Seat(OWNER_USER, lambda ids: AskDraft(question=ids.question)),
    AnswerStep.TEXT: Seat(STAFF_USER, lambda ids: AnswerDraft(question=ids.question), group=True),
    StoryStep.TEXT: Seat(OWNER_USER, lambda ids: StoryDraft()),
    StoryStep.PHOTOS: Seat(OWNER_USER, lambda ids: StoryDraft(text="Tour", photos=["photo-1"])),
    StoryStep.CONSENT: Seat(OWNER_USER, lambda ids: StoryDraft(text="Tour")),
    ExpertStep.QUESTION: Seat(OWNER_USER, lambda ids: ExpertDraft(session=ids.session)),
    ExpertStep.ANSWER: Seat(
        MODERATOR_USER, lambda ids: ExpertAnswerDraft(question=ids.expert_question), group=True
    ),
    **{
        step: Seat(STAFF_USER, lambda ids: ClubDraft(market="DE", languages=["de"]), group=True)
        for step in ClubStep
    },
    **{
        step: Seat(
            MODERATOR_USER,
            lambda ids, step=step: AnnounceDraft(  # type: ignore[misc]
                market="DE",
                owners=True,
                languages=["de", "en"],
                texts=["Hallo"] if step is AnnounceStep.TEXT else ["Hallo", "Hello"],
            ),
        )
        for step in set(AnnounceStep) - {AnnounceStep.CORRECTION}
    },
    AnnounceStep.CORRECTION: Seat(
        MODERATOR_USER, lambda ids: CorrectionDraft(announcement=1, locale="de")
    ),
    **{step: Seat(MODERATOR_USER, lambda ids: _event_draft()) for step in EventWizardStep},
}
STEPS = sorted(SEATS, key=lambda step: step.value)


def test_every_step_in_the_registry_has_a_seat_here() -> None:
    assert {step.value for step in SEATS} == set(REASKS)


# --- what arrives --------------------------------------------------------------------------

SAMPLES = [
    "tomorrow 10 am",
    "พรุ่งนี้ 10 โมง",
    "mañana a las 10",
    "بكرة الساعة ١٠",
    "14/12",
    "12/14",
    "10:00",
    "10",
    "skip",
    "cancel",
    "stop",
    "yes",
    "no",
    "x7",
    "Berlin",
    "12,3456",
    "0",
    "-5",
    "١٢٣٤٥",
    "😀",
    "🚗🔧👍🏽",
    "🇹🇭",
    "<b>bold</b>",
    "   ",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=0, max_value=10**12).map(str),
    st.from_regex(r"\d{1,3}([,.]\d{3}){0,3}", fullmatch=True),
    st.sampled_from(SAMPLES),
)
COMMANDS = sorted({*ROUTER.commands, "nope"})


@st.composite
def typed(draw: st.DrawFn) -> tuple[EventKind, str]:
    if draw(st.integers(0, 5)) == 0:
        return EventKind.COMMAND, draw(st.sampled_from(COMMANDS))
    return EventKind.TEXT, draw(TEXT)


# --- playing -------------------------------------------------------------------------------


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Player:
    def __init__(self, app: App, seat: Seat) -> None:
        self.app = app
        self.seat = seat
        self.dispatcher = app.dispatcher()
        self.count = 0
        self.chat_id = BERLIN_STAFF_CHAT if seat.group else seat.user
        self.labels: list[str] = []

    async def send(self, kind: EventKind, value: str, locale: str = "de") -> list[Screen]:
        self.count += 1
        fields: dict[str, object] = {"text": value}
        if kind is EventKind.COMMAND:
            fields = {"command": value}
        elif kind is EventKind.BUTTON:
            fields = {"button": value, "message_id": 1}
        elif kind is EventKind.CONTACT:
            fields = {"contact": Contact(value, self.seat.user)}
        event = Event(
            channel=CHANNEL,
            update_id=f"e{self.count}",
            user_id=self.seat.user,
            chat_id=self.chat_id,
            kind=kind,
            chat_kind=ChatKind.GROUP if self.seat.group else ChatKind.PRIVATE,
            language_code=locale,
            first_name="Fuzz",
            **fields,  # type: ignore[arg-type]
        )
        screens = list(await self.dispatcher.handle(event))
        check_screen_limits(screens)
        self.labels += [b.label for s in screens for row in s.buttons for b in row if b.code]
        return screens

    async def conversation(self) -> tuple[str, dict[str, object]]:
        async with self.app.database.uow() as uow:
            held = await uow.conversations.load(CHANNEL, self.chat_id, self.seat.user)
            return held.state, dict(held.data)

    async def stand_at(self, step: StrEnum, ids: Ids) -> None:
        data = self.seat.data(ids)
        async with self.app.database.uow() as uow:
            held = await uow.conversations.load(CHANNEL, self.chat_id, self.seat.user)
            held.state = step.value
            held.data = data.to_json() if data is not None else {}
            held.updated_at = NOW
            await uow.commit()

    async def registered(self) -> bool:
        async with self.app.database.uow() as uow:
            return await uow.owners.by_phone(NEW_PHONE) is not None


async def _prepare(path: Path) -> None:
    """The demo, with Lukas linked and an advisor of his center on the channel."""
    app = build_app(Settings(database_url=sqlite_url(path), care_scheduler=False), FixedClock(NOW))
    try:
        dispatcher = app.dispatcher()
        await dispatcher.handle(
            Event(
                channel=CHANNEL,
                update_id="link",
                user_id=OWNER_USER,
                chat_id=OWNER_USER,
                kind=EventKind.CONTACT,
                contact=Contact(LUKAS, OWNER_USER),
            )
        )
        async with app.database.uow() as uow:
            await add_staff(
                uow,
                channel=CHANNEL,
                user_id=STAFF_USER,
                role=Role.ADVISOR,
                name="Advisor",
                dealer_code=BERLIN,
                actor="test",
                now=NOW,
            )
            await add_staff(
                uow,
                channel=CHANNEL,
                user_id=MODERATOR_USER,
                role=Role.MODERATOR,
                name="Moderator",
                dealer_code=BERLIN,
                actor="test",
                now=NOW,
            )
            lukas = await uow.owners.by_phone(LUKAS)
            assert lukas is not None
            await dealer_questions.ask(
                uow, lukas, dealer_code=BERLIN, vehicle_id=None, locale="de", text="?", now=NOW
            )
            club = Club(
                channel=CHANNEL,
                chat_id=-1002000001001,
                market="DE",
                languages="de",
                linked_by="test",
                linked_at=NOW,
            )
            uow.clubs.add(club)
            await uow.flush()
            session = ExpertSession(
                club_id=club.id or 0,
                topic="Reifen",
                expert="Dr. Weber",
                held_on=date(2027, 1, 20),
                opened_by="test",
                opened_at=NOW,
            )
            uow.expert_sessions.add(session)
            await uow.flush()
            uow.expert_questions.add(
                ExpertQuestion(
                    session_id=session.id or 0,
                    owner_id=lukas.id or 0,
                    locale="de",
                    text="?",
                    asked_at=NOW,
                )
            )
            await uow.commit()
    finally:
        await app.close()


async def _ids(app: App) -> Ids:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(LUKAS)
        assert owner is not None
        assert owner.id is not None
        [vehicle] = await uow.vehicles.of_owner(owner.id)
        [booking] = await uow.bookings.of_owner(owner.id)
        dealer = app.reference.dealers[BERLIN]
        minutes = app.reference.catalog.duration(["inspection"], vehicle.model)
        day = NOW.date() + timedelta(days=9)
        found = await booking_service.slots_between(
            uow, dealer, day, day + timedelta(days=7), minutes, NOW
        )
        first = next(slots[0] for slots in found.values() if slots)
        visits = await uow.visits.of_vehicle(vehicle.id or 0)
        [question] = await uow.questions.of_owner(owner.id)
        [asked] = await uow.expert_questions.of_owner(owner.id)
        return Ids(
            vehicle.id or 0,
            booking.id or 0,
            visits[0].id or 0,
            first.start,
            question.id or 0,
            asked.session_id,
            asked.id or 0,
        )


async def _play(db: Path, step: StrEnum, locale: str, inputs: list[tuple[EventKind, str]]) -> None:
    app = build_app(Settings(database_url=sqlite_url(db), care_scheduler=False), FixedClock(NOW))
    errors = _Errors()
    logging.getLogger("handlers.dispatcher").addHandler(errors)
    seat = SEATS[step]
    player = Player(app, seat)
    try:
        ids = await _ids(app)
        await player.stand_at(step, ids)
        flow = {s.value for s in type(step)}
        drafted = REASKS[step.value].draft is not None
        if not seat.group:  # the step, shown again through the registry, in a language
            await player.send(EventKind.BUTTON, ChooseLanguage(locale).pack(), locale)
        state, start = await player.conversation()
        assert state in flow, "showing the step again keeps the chat in its flow"
        for kind, value in inputs:
            offered = [Choice(label, (label,)) for label in player.labels]
            await player.send(kind, value, locale)
            assert not errors.records, (step, kind, value, errors.records[0].getMessage())
            if not drafted:
                continue
            state, data = await player.conversation()
            if state in flow:
                for key in IDENTITY:
                    if key in start:
                        assert data.get(key) == start[key], (step, value, key)
                continue
            named = kind is EventKind.TEXT and match_choice(value, offered).candidates
            assert named or await player.registered(), (step, kind, value, "draft lost")
            return  # the flow ended as the owner asked: nothing more to check
    finally:
        logging.getLogger("handlers.dispatcher").removeHandler(errors)
        await app.close()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Path:
    path = tmp_path_factory.mktemp("steps") / "prepared.db"
    shutil.copy(seeded_template, path)
    asyncio.run(_prepare(path))
    return path


def _run(
    prepared: Path, tmp: Path, step: StrEnum, locale: str, inputs: list[tuple[EventKind, str]]
) -> None:
    db = tmp / "step.db"
    shutil.copy(prepared, db)
    try:
        asyncio.run(_play(db, step, locale, inputs))
    finally:
        db.unlink(missing_ok=True)


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.value)
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(locale=st.sampled_from(SHIPPED_LOCALES), inputs=st.lists(typed(), min_size=1, max_size=4))
def test_typed_text_at_a_step_never_crashes_nor_loses_the_draft(
    prepared: Path, tmp_path: Path, step: StrEnum, locale: str, inputs: list[tuple[EventKind, str]]
) -> None:
    _run(prepared, tmp_path, step, locale, inputs)


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.value)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(locale=st.sampled_from(SHIPPED_LOCALES), inputs=st.lists(typed(), min_size=1, max_size=12))
def test_long_typed_conversations_at_a_step_never_crash_nor_lose_the_draft(
    prepared: Path, tmp_path: Path, step: StrEnum, locale: str, inputs: list[tuple[EventKind, str]]
) -> None:
    _run(prepared, tmp_path, step, locale, inputs)
