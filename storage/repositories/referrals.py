"""Referrals' storage: leads, the facts the fairness rules ask for, stage history,
personal codes, link attributions and the funnel."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, String, and_, case, cast, delete, func, select, update

from bot.domain.referrals import (
    FUNNEL,
    REWARD_SOURCE,
    Attribution,
    FunnelRow,
    Referral,
    ReferralCode,
    Source,
    Stage,
    StageChange,
)
from storage import tables
from storage.repositories.base import SessionBound, SqlRepository
from storage.sql import insert_ignoring_duplicates

ref_c = tables.referrals.c
_CLOSED = (Stage.LOST.value, Stage.ORDER_CANCELLED.value)


class SqlReferralRepository(SqlRepository[Referral]):
    async def get(self, referral_id: int) -> Referral | None:
        return await self.session.get(Referral, referral_id)

    async def lock(self, referral_id: int) -> Referral | None:
        """PostgreSQL: SELECT ... FOR UPDATE. SQLite: the transaction already holds the
        database's write lock (BEGIN IMMEDIATE)."""
        result = await self.session.execute(
            select(Referral)
            .where(ref_c.id == referral_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def of_referrer(self, owner_id: int, offset: int, limit: int) -> Sequence[Referral]:
        result = await self.session.execute(
            select(Referral)
            .where(ref_c.referrer_id == owner_id)
            .order_by(ref_c.created_at.desc(), ref_c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return result.scalars().all()

    async def count_of_referrer(self, owner_id: int) -> int:
        total = await self.session.scalar(select(func.count()).where(ref_c.referrer_id == owner_id))
        return int(total or 0)

    async def for_phone(self, phone: str) -> Sequence[Referral]:
        result = await self.session.execute(
            select(Referral).where(ref_c.friend_phone == phone).order_by(ref_c.created_at, ref_c.id)
        )
        return result.scalars().all()

    async def open_at(
        self, dealer_codes: Collection[str] | None, delivered_since: datetime, limit: int
    ) -> Sequence[Referral]:
        query = select(Referral).where(
            ref_c.stage.not_in(_CLOSED),
            (ref_c.stage != Stage.DELIVERED.value) | (ref_c.delivered_at >= delivered_since),
        )
        if dealer_codes is not None:
            query = query.where(ref_c.dealer_code.in_(list(dealer_codes)))
        result = await self.session.execute(
            query.order_by(ref_c.created_at.desc(), ref_c.id.desc()).limit(limit)
        )
        return result.scalars().all()

    async def forget_friend(self, phone: str) -> None:
        await self.session.execute(
            update(tables.referrals)
            .where(ref_c.friend_phone == phone)
            .values(friend_phone=None, friend_name="")
        )


class SqlReferralFacts(SessionBound):
    async def latest_lead_at(self, phone: str) -> datetime | None:
        latest: datetime | None = await self.session.scalar(
            select(ref_c.created_at)
            .where(ref_c.friend_phone == phone)
            .order_by(ref_c.created_at.desc())
            .limit(1)
        )
        return latest

    async def friend_rewarded(self, phone: str, other_than: int) -> bool:
        found = await self.session.scalar(
            select(func.count()).where(
                ref_c.friend_phone == phone,
                ref_c.id != other_than,
                ref_c.rewarded_at.is_not(None),
            )
        )
        return bool(found)

    async def submitted_since(self, owner_id: int, since: datetime) -> int:
        total = await self.session.scalar(
            select(func.count()).where(
                ref_c.referrer_id == owner_id,
                ref_c.source == Source.CHAT.value,
                ref_c.created_at >= since,
            )
        )
        return int(total or 0)

    async def rewarded_since(self, owner_id: int, since: datetime, other_than: int) -> int:
        total = await self.session.scalar(
            select(func.count()).where(
                ref_c.referrer_id == owner_id,
                ref_c.id != other_than,
                ref_c.rewarded_at >= since,
            )
        )
        return int(total or 0)


class SqlStageHistory(SqlRepository[StageChange]):
    async def of_referral(self, referral_id: int) -> Sequence[StageChange]:
        c = tables.referral_stage_changes.c
        result = await self.session.execute(
            select(StageChange).where(c.referral_id == referral_id).order_by(c.id)
        )
        return result.scalars().all()


class SqlReferralCodes(SessionBound):
    async def code_of(self, owner_id: int) -> ReferralCode | None:
        return await self.session.get(ReferralCode, owner_id)

    async def by_code(self, code: str) -> ReferralCode | None:
        result = await self.session.execute(
            select(ReferralCode).where(tables.referral_codes.c.code == code)
        )
        return result.scalar_one_or_none()

    async def insert(self, owner_id: int, code: str, now: datetime) -> None:
        await insert_ignoring_duplicates(
            self.session,
            tables.referral_codes,
            {"owner_id": owner_id, "code": code, "created_at": now},
        )


class SqlAttributions(SessionBound):
    async def attribute(self, channel: str, user_id: int, referrer_id: int, now: datetime) -> bool:
        return await insert_ignoring_duplicates(
            self.session,
            tables.referral_attributions,
            {
                "channel": channel,
                "user_id": user_id,
                "referrer_id": referrer_id,
                "attributed_at": now,
            },
        )

    async def of_user(self, channel: str, user_id: int) -> Attribution | None:
        c = tables.referral_attributions.c
        result = await self.session.execute(
            select(Attribution)
            .where(c.channel == channel, c.user_id == user_id)
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def forget(self, users: Collection[tuple[str, int]]) -> None:
        c = tables.referral_attributions.c
        for channel, user_id in users:
            await self.session.execute(
                delete(tables.referral_attributions).where(
                    c.channel == channel, c.user_id == user_id
                )
            )


# The funnel: two grouped queries, never a loop over referrals.
class SqlReferralFunnel(SessionBound):
    async def funnel(
        self, *, market: str | None, since: datetime | None, now: datetime
    ) -> Sequence[FunnelRow]:
        where = []
        if market is not None:
            where.append(ref_c.market == market)
        if since is not None:
            where.append(ref_c.created_at >= since)
        key = (ref_c.market, ref_c.dealer_code)

        def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        stages = select(
            *key,
            *(count_if(ref_c.progress >= stage.rank) for stage in FUNNEL),
            count_if(ref_c.stage == Stage.LOST.value),
            count_if(ref_c.stage == Stage.ORDER_CANCELLED.value),
            count_if(ref_c.no_reward != ""),
        )
        stage_rows = (await self.session.execute(stages.where(*where).group_by(*key))).all()

        lots = tables.point_lots.c
        entries = tables.ledger_entries.c
        withdrawn = (
            select(entries.lot_id, func.sum(-entries.points).label("points"))
            .where(entries.kind == "reverse", entries.source == REWARD_SOURCE)
            .group_by(entries.lot_id)
            .subquery()
        )
        rewards = (
            select(
                *key,
                func.coalesce(func.sum(lots.points), 0),
                func.coalesce(
                    func.sum(case((lots.available_at > now, lots.remaining), else_=0)), 0
                ),
                func.coalesce(func.sum(withdrawn.c.points), 0),
            )
            .select_from(tables.referrals)
            .join(
                tables.point_lots,
                and_(lots.source == REWARD_SOURCE, lots.source_id == cast(ref_c.id, String)),
            )
            .outerjoin(withdrawn, withdrawn.c.lot_id == lots.id)
            .where(*where)
            .group_by(*key)
        )
        paid = {
            (row[0], row[1]): (int(row[2]), int(row[3]), int(row[4]))
            for row in (await self.session.execute(rewards)).all()
        }
        funnel = []
        for row in stage_rows:
            earned, pending, reversed_points = paid.get((row[0], row[1]), (0, 0, 0))
            n = len(FUNNEL)
            funnel.append(
                FunnelRow(
                    market=row[0],
                    dealer_code=row[1],
                    reached=tuple(int(v) for v in row[2 : 2 + n]),
                    lost=int(row[2 + n]),
                    cancelled=int(row[3 + n]),
                    no_reward=int(row[4 + n]),
                    points_paid=earned - reversed_points - pending,
                    points_pending=pending,
                )
            )
        return sorted(funnel, key=lambda r: (r.market, r.dealer_code))
