"""Rules that keep the owner engaged: the survey after a visit and its nudge, win-back
for owners who stopped coming, points about to expire."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, and_, cast, exists, func, literal, or_, select
from sqlalchemy.sql import Select

from bot.domain.care import OutboxStatus, Rule
from bot.services.ports.care import (
    PointsExpiringBy,
    SurveysToNudge,
    VisitsToSurvey,
    WinBackTouch,
)
from storage import tables
from storage.care.audience import due_now, no_open_booking, o, ob, reachable
from storage.sqlfunc import add_months, days_between, json_obj

sv = tables.service_visits.c
answers = tables.survey_answers.c


def _per_visit(query: VisitsToSurvey | SurveysToNudge) -> Select[Any]:
    """One message per visit of the owner: the visit is the occurrence and the payload."""
    return select(
        o.id.label("owner_id"),
        cast(sv.id, String).label("occurrence"),
        *due_now(query.now),
        json_obj(literal("visit_id"), sv.id).label("payload"),
    ).join(tables.service_visits, sv.owner_id == o.id)


def visits_to_survey(query: VisitsToSurvey) -> Select[Any]:
    return _per_visit(query).where(
        reachable(query),
        sv.source != "demo",
        sv.recorded_at <= query.recorded_before,
        sv.recorded_at > query.recorded_after,
        ~exists().where(answers.visit_id == sv.id),
    )


def surveys_to_nudge(query: SurveysToNudge) -> Select[Any]:
    asked = tables.outbox.alias("asked")
    return (
        _per_visit(query)
        .join(
            asked,
            and_(
                asked.c.owner_id == o.id,
                asked.c.rule == Rule.SURVEY,
                asked.c.occurrence == cast(sv.id, String),
            ),
        )
        .where(
            reachable(query),
            asked.c.status == OutboxStatus.SENT,
            asked.c.sent_at <= query.asked_before,
            asked.c.sent_at > query.asked_after,
            ~exists().where(answers.visit_id == sv.id),
        )
    )


def win_back_touch(query: WinBackTouch) -> Select[Any]:
    """The first touch goes as soon as the owner is silent; a visit starts a new cycle
    (its date is in the occurrence); an open booking stops them."""
    last_visits = (
        select(sv.owner_id, func.max(sv.visited_on).label("last_on"))
        .group_by(sv.owner_id)
        .subquery()
    )
    silence_began = add_months(last_visits.c.last_on, query.starts_after_months)
    days_silent = days_between(silence_began, literal(query.today))
    cycle = literal("winback:") + cast(last_visits.c.last_on, String)
    conditions = [
        reachable(query),
        days_silent >= 0,
        last_visits.c.last_on > query.not_before,
        no_open_booking(o.id, query.now, by_owner=True),
    ]
    if query.touch > 1:
        earlier = tables.outbox.alias("earlier")
        conditions.append(
            exists().where(
                earlier.c.owner_id == o.id,
                earlier.c.rule == Rule.WIN_BACK,
                earlier.c.occurrence == cycle + literal(f":{query.touch - 1}"),
                earlier.c.status == OutboxStatus.SENT,
                earlier.c.sent_at <= query.previous_sent_before,
            )
        )
    if query.entering is not None:
        window = query.entering
        visited = select(sv.owner_id).where(
            sv.visited_on > window.visited_after, sv.visited_on <= window.visited_until
        )
        touched = select(ob.owner_id).where(
            ob.rule == Rule.WIN_BACK,
            ob.sent_at > window.sent_after,
            ob.sent_at <= window.sent_until,
        )
        conditions.append(or_(o.id.in_(visited), o.id.in_(touched)))
    return (
        select(
            o.id.label("owner_id"),
            (cycle + literal(f":{query.touch}")).label("occurrence"),
            *due_now(query.now),
            json_obj(literal("touch"), literal(query.touch)).label("payload"),
        )
        .join(last_visits, last_visits.c.owner_id == o.id)
        .where(*conditions)
    )


def points_expiring_by(query: PointsExpiringBy) -> Select[Any]:
    lots = tables.point_lots.c
    expiring = (
        select(lots.owner_id)
        .where(
            lots.remaining > 0,
            lots.expires_at > (query.expires_after or query.now),
            lots.expires_at <= query.until,
        )
        .group_by(lots.owner_id)
        .subquery()
    )
    return (
        select(
            o.id.label("owner_id"),
            literal(query.occurrence).label("occurrence"),
            *due_now(query.now),
            json_obj().label("payload"),
        )
        .join(expiring, expiring.c.owner_id == o.id)
        .where(reachable(query))
    )
