"""In-memory outbox and survey answers (bot/services/ports/care.py) with the semantics
of storage/care/. The planner has no fake: its rules are SQL, tested on databases."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.domain.care import CapState, Category, OutboxMessage, OutboxStatus, Rule, SurveyAnswer
from tests.fakes.store import Store, Table

_NEVER = datetime.max.replace(tzinfo=UTC)


def _id(row: OutboxMessage | SurveyAnswer) -> int:
    return row.id or 0


class FakeOutbox:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[OutboxMessage] = store.table(
            "outbox", lambda m: (m.owner_id, m.rule, m.occurrence)
        )

    async def add(self, message: OutboxMessage) -> bool:
        self.store.flush()
        key = (message.owner_id, message.rule, message.occurrence)
        if any((m.owner_id, m.rule, m.occurrence) == key for m in self.table):
            return False
        # Like the INSERT storage runs: a new row, not the object handed in.
        row = copy.copy(message)
        row.id, row.attempts, row.last_error = None, 0, ""
        self.table.add(row)
        self.store.flush()
        return True

    async def get(self, message_id: int) -> OutboxMessage | None:
        self.store.flush()
        return next((m for m in self.table if m.id == message_id), None)

    async def claim(self, now: datetime, lease: timedelta, limit: int, token: str) -> list[int]:
        self.store.flush()
        due = [
            m
            for m in self.table
            if (m.status is OutboxStatus.PENDING and m.due_at <= now)
            or (
                m.status is OutboxStatus.SENDING
                and m.lease_until is not None
                and m.lease_until < now
            )
        ]
        picked = sorted(due, key=lambda m: (m.due_at, _id(m)))[:limit]
        for message in picked:
            message.status = OutboxStatus.SENDING
            message.lease_until = now + lease
            message.lease_token = token
            message.attempts += 1
        picked.sort(key=lambda m: (m.expires_at or _NEVER, m.due_at, _id(m)))
        return [_id(m) for m in picked]

    async def extend(self, ids: Sequence[int], token: str, until: datetime) -> int:
        self.store.flush()
        held = [
            m
            for m in self.table
            if m.id in ids and m.lease_token == token and m.status is OutboxStatus.SENDING
        ]
        for message in held:
            message.lease_until = until
        return len(held)

    async def leased(self, message_id: int, token: str) -> OutboxMessage | None:
        message = await self.get(message_id)
        if message is None or message.status is not OutboxStatus.SENDING:
            return None
        return message if message.lease_token == token else None

    async def lock_owner(self, owner_id: int) -> None:
        """One test, one task: nothing to wait for."""

    async def caps(self, owner_id: int, now: datetime) -> CapState:
        self.store.flush()
        sent = [
            m.sent_at
            for m in self.table
            if m.owner_id == owner_id
            and m.category is Category.MARKETING
            and m.sent_at is not None
            and m.status in (OutboxStatus.SENT, OutboxStatus.SENDING)
        ]
        week = [at for at in sent if at is not None and at > now - timedelta(days=7)]
        day = [at for at in sent if at is not None and at > now - timedelta(days=1)]
        return CapState(
            sent_last_day=len(day),
            sent_last_week=len(week),
            oldest_in_week=min(week, default=None),
            latest_in_day=max(day, default=None),
        )

    async def of_owner(self, owner_id: int) -> Sequence[OutboxMessage]:
        self.store.flush()
        mine = [m for m in self.table if m.owner_id == owner_id]
        return sorted(mine, key=lambda m: (m.due_at, _id(m)))

    async def outcomes(
        self, market: str | None, since: datetime
    ) -> list[tuple[Rule, OutboxStatus, str, int]]:
        self.store.flush()
        markets = {o.id: o.market for o in self.store.table("owners")}
        counts: Counter[tuple[Rule, OutboxStatus, str]] = Counter(
            (m.rule, m.status, m.last_error)
            for m in self.table
            if m.owner_id in markets
            and m.created_at >= since
            and (not market or markets[m.owner_id] == market)
        )
        return [(rule, status, reason, n) for (rule, status, reason), n in counts.items()]

    async def pending_count(self) -> int:
        self.store.flush()
        waiting = (OutboxStatus.PENDING, OutboxStatus.SENDING)
        return sum(1 for m in self.table if m.status in waiting)

    async def oldest_due(self, now: datetime) -> datetime | None:
        self.store.flush()
        due = [m.due_at for m in self.table if m.status is OutboxStatus.PENDING and m.due_at <= now]
        return min(due, default=None)


class FakeSurveyAnswers:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[SurveyAnswer] = store.table("survey_answers", lambda a: a.visit_id)

    def add(self, answer: SurveyAnswer) -> None:
        self.table.add(answer)

    async def for_visit(self, visit_id: int) -> SurveyAnswer | None:
        self.store.flush()
        return next((a for a in self.table if a.visit_id == visit_id), None)

    async def of_owner(self, owner_id: int) -> Sequence[SurveyAnswer]:
        self.store.flush()
        mine = [a for a in self.table if a.owner_id == owner_id]
        return sorted(mine, key=lambda a: (a.answered_at, _id(a)))
