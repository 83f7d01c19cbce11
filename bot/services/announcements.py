"""Announcements: who an announcement reaches and in which language (the preview and
`--dry-run` show exactly that), queueing it (a copy per group for the group poster, a
marketing message per owner in the care outbox, due at the local time in each one's
zone), cancelling, correcting what the groups show, and the report.

An owner's copy is an outbox row (rule `announcement`), so consent, quiet hours,
the marketing caps (an owner over them is not sent it later: `SKIPS_WHEN_CAPPED`) and
Telegram's limits apply at send time, and it is rendered then in the owner's language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.domain.announcements import (
    CANCELLED_REASON,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    Announcement,
    AnnouncementPost,
    AnnouncementStatus,
    Audience,
    ClubAudience,
    OwnerAudience,
    OwnerTarget,
    PostStatus,
    Report,
    copy_length,
    group_locales,
    owner_outcome,
)
from bot.domain.care import CarePolicy, Category, OutboxMessage, OutboxStatus, Rule
from bot.domain.clubs import Club
from bot.domain.reference import Reference
from bot.services.ports import UnitOfWork
from bot.services.ports.announcements import SegmentAges
from bot.services.staff import audit

# An owner's copy not sent within two days of its time (quiet hours, a channel down) is
# old news: skipped.
OWNER_COPY_LIFETIME = timedelta(days=2)


class AnnouncementError(ValueError):
    """What is wrong, said so the person who wrote it can fix it."""


@dataclass(frozen=True)
class GroupTarget:
    club: Club
    locales: tuple[str, ...]  # the variants the group's copy shows
    zone: str


@dataclass
class Plan:
    """Who gets what: the preview and the dry run print it, `create` queues it."""

    groups: list[GroupTarget] = field(default_factory=list)
    owners: list[OwnerTarget] = field(default_factory=list)

    def sizes(self) -> dict[tuple[str, str], int]:
        """(channel, language) -> recipients: groups count once per variant shown."""
        counts: Counter[tuple[str, str]] = Counter()
        for group in self.groups:
            for locale in group.locales:
                counts[("groups", locale)] += 1
        for owner in self.owners:
            counts[("owners", owner.locale)] += 1
        return dict(sorted(counts.items()))

    def variants(self, announcement: Announcement, reference: Reference) -> list[str]:
        """The language variants someone in the audience will read, in the order written."""
        used: set[str] = set()
        for group in self.groups:
            used.update(group.locales)
        for owner in self.owners:
            used.add(_variant(announcement, reference, owner.market, owner.locale))
        return [code for code in announcement.texts if code in used]


def _variant(announcement: Announcement, reference: Reference, market: str, locale: str) -> str:
    market_default = reference.markets[market].default_locale
    return announcement.text_for(locale, market_default)[0]


async def plan(
    uow: UnitOfWork, reference: Reference, announcement: Announcement, now: datetime
) -> Plan:
    """The audience of an announcement, as of `now`."""
    target = announcement.target
    result = Plan()
    if target.clubs is not None:
        for club in await uow.clubs.linked():
            if not target.clubs.matches(club):
                continue
            if announcement.market and club.market != announcement.market:
                continue
            market = reference.markets.get(club.market)
            if market is None:
                continue
            locales = group_locales(announcement, club.locales, market.default_locale)
            result.groups.append(GroupTarget(club, locales, market.timezone))
    if target.owners is not None:
        spec = target.owners
        if announcement.market:
            spec = _within(spec, announcement.market)
        policy = CarePolicy()
        ages = SegmentAges(
            policy.new_owner_days, policy.at_risk_months, policy.dormant_months, policy.lost_months
        )
        for row in await uow.announcements.audience(spec, now.date(), ages):
            market = reference.markets.get(row.market)
            if market is None:
                continue
            locale = row.locale if row.locale in market.languages else market.default_locale
            if spec.languages and locale not in spec.languages:
                continue
            zone = row.timezone or market.timezone
            result.owners.append(OwnerTarget(row.owner_id, row.market, locale, zone))
    return result


def _within(spec: OwnerAudience, market: str) -> OwnerAudience:
    """A staff member scoped to a market reaches only that market's owners."""
    return replace(spec, markets=(market,))


def check(announcement: Announcement, reference: Reference, plan_: Plan) -> None:
    """Refuses what would leave someone without a text in a language they can read:
    every market reached needs its default language's variant."""
    if not announcement.texts:
        raise AnnouncementError("write the text in at least one language")
    limit = CAPTION_LIMIT if announcement.photo else TEXT_LIMIT
    for group in plan_.groups:
        length = copy_length(announcement.texts, group.locales)
        if length > limit:
            raise AnnouncementError(
                f"the copy for group {group.club.chat_id} ({' + '.join(group.locales)}) "
                f"would be {length} characters; Telegram takes at most {limit}"
                + (" with a photo" if announcement.photo else "")
                + ": shorten the texts"
            )
    markets = {g.club.market for g in plan_.groups} | {o.market for o in plan_.owners}
    for code in sorted(markets):
        default = reference.markets[code].default_locale
        if default not in announcement.texts:
            raise AnnouncementError(
                f"the audience includes {code}: add the text in {default}, "
                "its default language (readers of other languages get it)"
            )


def wizard_audience(
    market: str,
    dealer: str | None,
    clubs: bool,
    owners: bool,
    models: Sequence[str] = (),
) -> Audience:
    """What the private-chat wizard reaches: the clubs of the staff member's country
    (a dealer's staff: their dealer's clubs) and/or its owners; with `models`, only
    the clubs of those models and the owners who drive one."""
    chosen = tuple(models)
    return Audience(
        clubs=ClubAudience(markets=(market,), dealers=(dealer,) if dealer else (), models=chosen)
        if clubs
        else None,
        owners=OwnerAudience(markets=(market,), models=chosen) if owners else None,
    )


async def languages_needed(
    uow: UnitOfWork, reference: Reference, audience: Audience, market: str, now: datetime
) -> tuple[list[str], Plan]:
    """The variants an audience of one country needs, in the country's order, its
    default language first: each language a club speaks or an owner reads."""
    languages = reference.markets[market].languages
    probe = Announcement(
        texts=dict.fromkeys(languages, ""),
        audience=audience.to_json(),
        buttons=[],
        created_by="",
        created_at=now,
        market=market,
    )
    found = await plan(uow, reference, probe, now)
    used = {code for group in found.groups for code in group.locales}
    used |= {owner.locale for owner in found.owners}
    return [code for code in languages if code == languages[0] or code in used], found


async def check_buttons(uow: UnitOfWork, announcement: Announcement) -> None:
    """An RSVP button names an event that exists and has not started."""
    for entry in announcement.button_list:
        if entry.event_id is not None:
            event = await uow.club_events.get(entry.event_id)
            if event is None or event.starts_at <= announcement.created_at:
                raise AnnouncementError(f"no upcoming event {entry.event_id} to RSVP to")


async def create(
    uow: UnitOfWork,
    reference: Reference,
    announcement: Announcement,
    *,
    now: datetime,
) -> Plan:
    """Store the announcement and queue a copy for every group and owner of its
    audience. Returns the plan it queued."""
    await check_buttons(uow, announcement)
    audience = await plan(uow, reference, announcement, now)
    check(announcement, reference, audience)
    if not audience.groups and not audience.owners:
        raise AnnouncementError("nobody is in this audience")
    announcement.status = AnnouncementStatus.SCHEDULED
    uow.announcements.add(announcement)
    await uow.flush()
    assert announcement.id is not None
    for group in audience.groups:
        uow.announcement_posts.add(
            AnnouncementPost(
                announcement_id=announcement.id,
                channel=group.club.channel,
                chat_id=group.club.chat_id,
                club_id=group.club.id,
                locales=",".join(group.locales),
                due_at=announcement.due_in(group.zone, now),
            )
        )
    for owner in audience.owners:
        due = announcement.due_in(owner.zone, now)
        await uow.outbox.add(
            OutboxMessage(
                owner_id=owner.owner_id,
                rule=Rule.ANNOUNCEMENT,
                occurrence=f"announcement:{announcement.id}",
                category=Category.MARKETING,
                due_at=due,
                expires_at=due + OWNER_COPY_LIFETIME,
                payload={"announcement": announcement.id},
                status=OutboxStatus.PENDING,
                created_at=now,
            )
        )
    await uow.flush()
    audit(
        uow,
        announcement.created_by,
        "announcement.create",
        f"announcement:{announcement.id}",
        "",
        now,
        groups=len(audience.groups),
        owners=len(audience.owners),
    )
    return audience


async def cancel(uow: UnitOfWork, announcement_id: int, *, actor: str, now: datetime) -> int:
    """Stop what has not gone out yet; returns how many copies were held back. An
    announcement already sent can only be corrected."""
    announcement = await uow.announcements.get(announcement_id)
    if announcement is None:
        raise AnnouncementError(f"no announcement {announcement_id}")
    if not announcement.open:
        raise AnnouncementError(f"announcement {announcement_id} is {announcement.status.value}")
    held = 0
    for post in await uow.announcement_posts.of_announcement(announcement_id):
        if post.status is PostStatus.PENDING:
            post.status, post.last_error = PostStatus.CANCELLED, CANCELLED_REASON
            held += 1
    held += await uow.announcements.cancel_owner_copies(announcement_id, CANCELLED_REASON)
    announcement.status = AnnouncementStatus.CANCELLED
    announcement.cancelled_at = now
    audit(uow, actor, "announcement.cancel", f"announcement:{announcement_id}", "", now)
    return held


async def correct(
    uow: UnitOfWork, announcement_id: int, texts: dict[str, str], *, actor: str, now: datetime
) -> int:
    """New wording for some languages: every group copy already posted is edited in
    place (the poster does it, within the groups' limits); copies still to go carry the
    new text. Returns how many group messages will be edited."""
    announcement = await uow.announcements.get(announcement_id)
    if announcement is None:
        raise AnnouncementError(f"no announcement {announcement_id}")
    if announcement.status is AnnouncementStatus.CANCELLED:
        raise AnnouncementError(f"announcement {announcement_id} was cancelled")
    unknown = sorted(set(texts) - set(announcement.texts))
    if unknown:
        raise AnnouncementError(f"it has no text in {', '.join(unknown)} to correct")
    corrected = {**announcement.texts, **texts}
    limit = CAPTION_LIMIT if announcement.photo else TEXT_LIMIT
    posts = await uow.announcement_posts.of_announcement(announcement_id)
    for post in posts:
        locales = tuple(code for code in post.locales.split(",") if code)
        if copy_length(corrected, locales) > limit:
            raise AnnouncementError(
                f"the copy for group {post.chat_id} would be longer than {limit} characters"
            )
    announcement.texts = corrected
    announcement.edited_at = now
    edits = 0
    for post in posts:
        if post.status is PostStatus.SENT and set(texts) & set(post.locales.split(",")):
            post.needs_edit, post.due_at = True, now
            edits += 1
    audit(uow, actor, "announcement.correct", f"announcement:{announcement_id}", "", now)
    return edits


async def report(uow: UnitOfWork, announcement_id: int) -> Report:
    found = Report()
    for post in await uow.announcement_posts.of_announcement(announcement_id):
        key = post.status.value
        found.groups[key] = found.groups.get(key, 0) + 1
    for status, error in await uow.announcements.owner_outcomes(announcement_id):
        key = owner_outcome(status, error).value
        found.owners[key] = found.owners.get(key, 0) + 1
    return found


async def refresh_status(uow: UnitOfWork, announcement: Announcement) -> None:
    """Scheduled until the first copy goes out, sent once nothing is left to send."""
    if not announcement.open or announcement.id is None:
        return
    current = await report(uow, announcement.id)
    waiting = current.groups.get(PostStatus.PENDING.value, 0) + current.groups.get(
        PostStatus.SENDING.value, 0
    )
    waiting += current.owners.get("waiting", 0)
    went = sum(current.groups.values()) + sum(current.owners.values()) - waiting
    if waiting == 0:
        announcement.status = AnnouncementStatus.SENT
    elif went:
        announcement.status = AnnouncementStatus.SENDING
