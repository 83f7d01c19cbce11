"""Owners' stories: an owner sends one with their consent, a moderator of their dealer
approves it (posted to the owner's club, the adopted-content rule pays once) or
declines it. The moderator's role and scope are checked on every decision, and the
story is locked, so a double press or two moderators at once decide it once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clubs import Club
from bot.domain.owners import Owner
from bot.domain.reference import Dealer, Reference
from bot.domain.staff import Role, StaffMember
from bot.domain.stories import STORY_LIMIT, STORY_PHOTOS, Story
from bot.services.dealer_questions import TooLong
from bot.services.loyalty.earn import AwardOutcome, award_activity
from bot.services.ports import UnitOfWork
from bot.services.staff import NotStaff, actor_id, audit, require_staff

STORY_RULE = "content_accepted"  # bot/data/loyalty.toml: "Your story was published"
STORY_SOURCE = "story"  # the award's idempotency key is (story, its id, the rule)
MODERATING_ROLES = (Role.MODERATOR,)  # managers and admins may too


class UnknownStory(Exception):
    """No such story (a forged or stale button)."""


class AlreadyDecided(Exception):
    def __init__(self, story: Story) -> None:
        super().__init__(story.status)
        self.story = story


class NoClub(Exception):
    """No linked club fits the owner (their market, their model): nothing is posted."""


@dataclass(frozen=True)
class Decision:
    story: Story
    member: StaffMember
    club: Club | None = None
    award: AwardOutcome | None = None


def checked_text(text: str) -> str:
    text = text.strip()
    if len(text) > STORY_LIMIT:
        raise TooLong(STORY_LIMIT)
    return text


async def submit(
    uow: UnitOfWork,
    owner: Owner,
    *,
    dealer_code: str,
    locale: str,
    text: str,
    photos: Sequence[str],
    now: datetime,
) -> Story:
    """The owner's story, sent with their consent to publish it (given now)."""
    assert owner.id is not None
    story = Story(
        owner_id=owner.id,
        dealer_code=dealer_code,
        market=owner.market,
        locale=locale,
        text=checked_text(text),
        photos=list(photos[:STORY_PHOTOS]),
        consented_at=now,
        submitted_at=now,
    )
    uow.stories.add(story)
    await uow.flush()
    return story


async def moderated_story(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    story_id: int,
) -> tuple[StaffMember, Story]:
    """The story, locked, and the moderator deciding it: NotStaff (or LacksRole) unless
    they moderate for its dealer, UnknownStory when there is none."""
    story = await uow.stories.lock(story_id)
    if story is None:
        raise UnknownStory
    dealer = dealers.get(story.dealer_code)
    if dealer is None:
        raise NotStaff
    member = await require_staff(uow, channel, user_id, *MODERATING_ROLES, dealer=dealer)
    return member, story


async def owners_club(uow: UnitOfWork, story: Story) -> Club | None:
    """The linked club the story belongs in: of the owner's market and admitting them
    (a model club only for its model), a club of their model before a general one,
    then the story's dealer's, then the oldest."""
    owner = await uow.owners.get(story.owner_id)
    if owner is None or owner.erased_at is not None:
        return None
    models = {vehicle.model for vehicle in await uow.vehicles.of_owner(story.owner_id)}
    fitting = [
        club
        for club in await uow.clubs.linked()
        if club.market == owner.market and club.admits(owner.market, models)
    ]
    fitting.sort(key=lambda c: (c.model is None, c.dealer_code != story.dealer_code, c.id or 0))
    return fitting[0] if fitting else None


async def approve(
    uow: UnitOfWork,
    reference: Reference,
    *,
    channel: str,
    user_id: int,
    story_id: int,
    now: datetime,
) -> Decision:
    """Approve the story into the owner's club and pay the rule (once, whatever is
    pressed again). AlreadyDecided when it was; NoClub leaves it waiting."""
    member, story = await moderated_story(
        uow, reference.dealers, channel=channel, user_id=user_id, story_id=story_id
    )
    if not story.open:
        raise AlreadyDecided(story)
    club = await owners_club(uow, story)
    if club is None or club.id is None:
        raise NoClub
    actor = actor_id(channel, user_id)
    story.approve(club.id, actor, now)
    outcome = await award_activity(
        uow,
        reference,
        owner_id=story.owner_id,
        market=story.market,
        rule=STORY_RULE,
        source=STORY_SOURCE,
        source_id=str(story.id),
        now=now,
        actor=actor,
    )
    audit(uow, actor, "story.approve", _target(story), "", now, club=club.id)
    return Decision(story, member, club, outcome)


async def decline(
    uow: UnitOfWork,
    dealers: Mapping[str, Dealer],
    *,
    channel: str,
    user_id: int,
    story_id: int,
    now: datetime,
) -> Decision:
    member, story = await moderated_story(
        uow, dealers, channel=channel, user_id=user_id, story_id=story_id
    )
    if not story.open:
        raise AlreadyDecided(story)
    actor = actor_id(channel, user_id)
    story.decline(actor, now)
    audit(uow, actor, "story.decline", _target(story), "", now)
    return Decision(story, member)


def _target(story: Story) -> str:
    return f"story:{story.id}"
