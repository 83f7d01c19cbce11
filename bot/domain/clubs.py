"""Owner clubs: Telegram groups linked to the bot, who may join them, and their members."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Interest(StrEnum):
    """What a club is about, beyond a model."""

    SUV = "suv"
    SEDAN = "sedan"
    MODDING = "modding"
    ROAD_TRIPS = "road_trips"


class MemberStatus(StrEnum):
    MEMBER = "member"
    FLAGGED = "flagged"  # no longer a verified owner: moderators review, nobody is kicked


class BotRight(StrEnum):
    """The administrator rights the bot uses in a club, as Telegram names them."""

    INVITE_USERS = "can_invite_users"  # approve and decline join requests
    PIN_MESSAGES = "can_pin_messages"  # pin announcements and events


def rights_needed(owners_only: bool) -> tuple[BotRight, ...]:
    """Only what the club's features use: join requests need the invite right."""
    if owners_only:
        return (BotRight.INVITE_USERS, BotRight.PIN_MESSAGES)
    return (BotRight.PIN_MESSAGES,)


def missing_rights(owners_only: bool, granted: Iterable[str]) -> tuple[BotRight, ...]:
    have = set(granted)
    return tuple(right for right in rights_needed(owners_only) if right.value not in have)


@dataclass(eq=False)
class Club:
    channel: str
    chat_id: int
    market: str
    languages: str  # locale codes, comma separated, the club's default first
    linked_by: str  # the staff member's actor id
    linked_at: datetime
    owners_only: bool = False
    model: str | None = None
    dealer_code: str | None = None
    interest: Interest | None = None
    unlinked_at: datetime | None = None
    id: int | None = None

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(code for code in self.languages.split(",") if code)

    @property
    def linked(self) -> bool:
        return self.unlinked_at is None

    def admits(self, market: str, models: Collection[str]) -> bool:
        """A verified owner may join when their market is the club's and, for a model
        club, they own that model."""
        return market == self.market and (self.model is None or self.model in models)


@dataclass(eq=False)
class ClubMember:
    """Someone who joined a club through the bot (an approved request or a join seen in
    the group). `owner_id` is the owner they were verified as, if any."""

    club_id: int
    user_id: int
    joined_at: datetime
    owner_id: int | None = None
    status: MemberStatus = MemberStatus.MEMBER
    flagged_at: datetime | None = None
    id: int | None = None

    def flag(self, now: datetime) -> bool:
        """Mark for the moderators' review; False when it already was."""
        if self.status is MemberStatus.FLAGGED:
            return False
        self.status, self.flagged_at = MemberStatus.FLAGGED, now
        return True
