"""Stories and expert sessions on the in-memory fakes: which club a story goes to, who
may decide it, that it pays once, and that a session's digest goes out once."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.clubs import Club
from bot.domain.staff import Role
from bot.domain.stories import ExpertQuestionStatus, StoryStatus
from bot.services import expert_qa, stories
from bot.services.staff import LacksRole, NotStaff, add_staff
from bot.services.stories import STORY_RULE
from tests.builders import a_vehicle, an_owner
from tests.fakes.uow import FakeApp

DUBAI = "AE-DXB-01"


async def _club(app: FakeApp, chat_id: int, model: str | None, dealer: str | None = None) -> int:
    async with app.database.uow() as uow:
        club = Club(
            channel="console",
            chat_id=chat_id,
            market="AE",
            languages="ar,en",
            linked_by="test",
            linked_at=app.clock.now(),
            model=model,
            dealer_code=dealer,
        )
        uow.clubs.add(club)
        await uow.flush()
        await uow.commit()
        return club.id or 0


async def _staff(app: FakeApp, user_id: int, role: Role, dealer: str = DUBAI) -> None:
    async with app.database.uow() as uow:
        await add_staff(
            uow,
            channel="console",
            user_id=user_id,
            role=role,
            name=f"Staff {user_id}",
            dealer_code=dealer,
            actor="test",
            now=app.clock.now(),
        )
        await uow.commit()


async def _story(app: FakeApp, model: str = "X7") -> tuple[int, int]:
    async with app.database.uow() as uow:
        owner = await an_owner(uow, "AE")
        await a_vehicle(uow, owner, model=model, dealer=DUBAI)
        story = await stories.submit(
            uow,
            owner,
            dealer_code=DUBAI,
            locale="ar",
            text="  رحلة  ",
            photos=["a", "b", "c", "d"],
            now=app.clock.now(),
        )
        await uow.commit()
        return owner.id or 0, story.id or 0


async def _approve(app: FakeApp, user_id: int, story_id: int) -> stories.Decision:
    async with app.database.uow() as uow:
        done = await stories.approve(
            uow,
            app.reference,
            channel="console",
            user_id=user_id,
            story_id=story_id,
            now=app.clock.now(),
        )
        await uow.commit()
        return done


async def test_a_story_goes_to_the_club_of_the_owners_model_and_pays_once(
    fake_app: FakeApp,
) -> None:
    await _club(fake_app, -1001, model=None)
    model_club = await _club(fake_app, -1002, model="X7")
    await _club(fake_app, -1003, model="S5")
    await _staff(fake_app, 71, Role.MODERATOR)
    owner_id, story_id = await _story(fake_app)
    done = await _approve(fake_app, 71, story_id)
    assert done.club is not None
    assert done.club.id == model_club
    assert done.story.status is StoryStatus.APPROVED
    assert done.story.text == "رحلة"
    assert done.story.photos == ["a", "b", "c"], "three photos at most"
    with pytest.raises(stories.AlreadyDecided):
        await _approve(fake_app, 71, story_id)
    async with fake_app.database.uow() as uow:
        lots = await uow.point_lots.of_owner(owner_id)
    points = fake_app.reference.rules("AE").activity(STORY_RULE).points
    assert [(lot.source, lot.source_id, lot.points) for lot in lots] == [
        ("story", str(story_id), points)
    ]


async def test_only_a_moderator_of_the_stories_dealer_decides_it(fake_app: FakeApp) -> None:
    await _club(fake_app, -1001, model=None)
    await _staff(fake_app, 72, Role.ADVISOR)
    await _staff(fake_app, 73, Role.MODERATOR, dealer="TH-BKK-01")
    _owner, story_id = await _story(fake_app)
    with pytest.raises(LacksRole):
        await _approve(fake_app, 72, story_id)
    with pytest.raises(NotStaff):
        await _approve(fake_app, 73, story_id)
    with pytest.raises(stories.UnknownStory):
        await _approve(fake_app, 73, story_id + 1)


async def test_without_a_fitting_club_the_story_waits(fake_app: FakeApp) -> None:
    await _club(fake_app, -1003, model="S5")
    await _staff(fake_app, 71, Role.MODERATOR)
    _owner, story_id = await _story(fake_app, model="X7")
    with pytest.raises(stories.NoClub):
        await _approve(fake_app, 71, story_id)
    async with fake_app.database.uow() as uow:
        story = await uow.stories.get(story_id)
    assert story is not None
    assert story.status is StoryStatus.SUBMITTED


async def test_an_expert_session_takes_its_clubs_owners_and_its_digest_goes_out_once(
    fake_app: FakeApp,
) -> None:
    x7_club = await _club(fake_app, -1002, model="X7")
    await _staff(fake_app, 71, Role.MODERATOR)
    now = fake_app.clock.now()
    async with fake_app.database.uow() as uow:
        club = await uow.clubs.get(x7_club)
        assert club is not None
        session = await expert_qa.open_session(
            uow,
            fake_app.reference.dealers,
            channel="console",
            user_id=71,
            club=club,
            topic="Tyres",
            expert="Dr. Sami",
            held_on=date(2027, 1, 20),
            now=now,
        )
        x7_owner = await an_owner(uow, "AE")
        await a_vehicle(uow, x7_owner, model="X7")
        s5_owner = await an_owner(uow, "AE")
        await a_vehicle(uow, s5_owner, model="S5")
        assert [o.session.id for o in await expert_qa.sessions_for(uow, x7_owner)] == [session.id]
        assert await expert_qa.sessions_for(uow, s5_owner) == []
        with pytest.raises(expert_qa.UnknownSession):
            await expert_qa.ask(
                uow, s5_owner, session_id=session.id or 0, locale="en", text="?", now=now
            )
        question, _ = await expert_qa.ask(
            uow, x7_owner, session_id=session.id or 0, locale="ar", text="سؤال", now=now
        )
        with pytest.raises(expert_qa.NothingAnswered):
            await expert_qa.post_digest(
                uow,
                fake_app.reference.dealers,
                channel="console",
                user_id=71,
                session_id=session.id or 0,
                now=now,
            )
        await expert_qa.answer(
            uow,
            fake_app.reference.dealers,
            channel="console",
            user_id=71,
            question_id=question.id or 0,
            text="جواب",
            now=now,
        )
        digest = await expert_qa.post_digest(
            uow,
            fake_app.reference.dealers,
            channel="console",
            user_id=71,
            session_id=session.id or 0,
            now=now,
        )
        assert [q.status for q in digest.answered] == [ExpertQuestionStatus.ANSWERED]
        with pytest.raises(expert_qa.SessionClosed):
            await expert_qa.post_digest(
                uow,
                fake_app.reference.dealers,
                channel="console",
                user_id=71,
                session_id=session.id or 0,
                now=now,
            )
        assert await expert_qa.sessions_for(uow, x7_owner) == []
