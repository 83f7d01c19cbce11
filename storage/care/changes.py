"""Which owners changed since the planner last ran: triggers on every table a care rule
reads append the owner's id to `care_changes`, whoever writes (the bot, an import, an
operator's SQL). The planner moves them to `care_pending`, plans those owners in full
and everyone else only for what the clock brought into a window since its last run.

The triggers are created by a migration from `trigger_statements`, so the list of
watched columns lives here, beside the planner that depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import CreateIndex, DropIndex

from bot.services.ports.care import PlanState
from storage import tables
from storage.care.service import service_due_dates

# table -> (the owner id of a row, the columns whose change can change a plan)
WATCHED: dict[str, tuple[str, tuple[str, ...]]] = {
    "owners": (
        "{row}.id",
        ("market", "birthday", "consent_service", "consent_marketing", "erased_at"),
    ),
    "accounts": ("{row}.owner_id", ("owner_id", "linked_at", "unreachable_at")),
    "vehicles": (
        "{row}.owner_id",
        (
            "owner_id",
            "vin",
            "model",
            "delivery_date",
            "mileage_km",
            "mileage_recorded_on",
            "insurance_renewal_on",
            "registration_renewal_on",
        ),
    ),
    "service_visits": (
        "{row}.owner_id",
        ("owner_id", "vehicle_id", "visited_on", "mileage_km", "source", "recorded_at"),
    ),
    "survey_answers": ("{row}.owner_id", ("owner_id", "visit_id")),
    "point_lots": ("{row}.owner_id", ("owner_id", "remaining", "expires_at")),
    "bookings": ("{row}.owner_id", ("owner_id", "vehicle_id", "status", "starts_at", "ends_at")),
    "vehicle_recalls": (
        "(SELECT vehicles.owner_id FROM vehicles WHERE vehicles.id = {row}.vehicle_id)",
        ("vehicle_id", "state", "imported_at"),
    ),
}


def trigger_statements(dialect: str) -> list[str]:
    """CREATE statements for every watched table. PostgreSQL: statement-level triggers
    over transition tables (a 100,000-row import costs one INSERT ... SELECT, not
    100,000 calls); SQLite: row-level triggers on the watched columns."""
    statements: list[str] = []
    for table, (owner, columns) in WATCHED.items():
        if dialect == "postgresql":
            statements.extend(_pg_triggers(table, owner, columns))
        else:
            statements.extend(_sqlite_triggers(table, owner, columns))
    return statements


def drop_statements(dialect: str) -> list[str]:
    statements: list[str] = []
    for table in WATCHED:
        if dialect == "postgresql":
            for op in ("insert", "update", "delete"):
                statements.append(f"DROP TRIGGER IF EXISTS care_{op}_{table} ON {table}")
            statements.append(f"DROP FUNCTION IF EXISTS care_changed_{table}()")
        else:
            for op in ("insert", "update", "delete"):
                statements.append(f"DROP TRIGGER IF EXISTS care_{op}_{table}")
    return statements


def _sqlite_triggers(table: str, owner: str, columns: tuple[str, ...]) -> list[str]:
    def append(row: str) -> str:
        value = owner.format(row=row)
        return f"INSERT INTO care_changes (owner_id) SELECT {value} WHERE {value} IS NOT NULL;"

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    return [
        f"CREATE TRIGGER care_insert_{table} AFTER INSERT ON {table} BEGIN {append('NEW')} END",
        f"CREATE TRIGGER care_update_{table} AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"WHEN {changed} BEGIN {append('OLD')} {append('NEW')} END",
        f"CREATE TRIGGER care_delete_{table} AFTER DELETE ON {table} BEGIN {append('OLD')} END",
    ]


def _pg_triggers(table: str, owner: str, columns: tuple[str, ...]) -> list[str]:
    value = owner.format(row="r")
    old = ", ".join(f"o.{c}" for c in columns)
    new = ", ".join(f"n.{c}" for c in columns)
    # An update counts only if a watched column changed: the planner's own writes to
    # other columns (the stored service due date) must not wake it.
    moved = f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ({old}) IS DISTINCT FROM ({new})"
    function = f"""CREATE OR REPLACE FUNCTION care_changed_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO care_changes (owner_id)
      SELECT x FROM (SELECT DISTINCT {value} AS x FROM new_rows AS r) AS s
      WHERE x IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO care_changes (owner_id)
      SELECT x FROM (SELECT DISTINCT {value} AS x FROM old_rows AS r) AS s
      WHERE x IS NOT NULL;
  ELSE
    INSERT INTO care_changes (owner_id)
      SELECT x FROM (
        SELECT {value} AS x FROM (SELECT o.* {moved}) AS r
        UNION SELECT {value} AS x FROM (SELECT n.* {moved}) AS r
      ) AS s WHERE x IS NOT NULL;
  END IF;
  RETURN NULL;
END $$"""
    return [
        function,
        f"CREATE TRIGGER care_insert_{table} AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION care_changed_{table}()",
        f"CREATE TRIGGER care_update_{table} AFTER UPDATE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION care_changed_{table}()",
        f"CREATE TRIGGER care_delete_{table} AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION care_changed_{table}()",
    ]


ch = tables.care_changes.c
owner = tables.owners.c
pending = tables.care_pending.c
state_c = tables.care_plan_state.c
STATE_ROW = "planner"


def pending_owners() -> Any:
    """The owners the running plan treats as changed."""
    return select(pending.owner_id).scalar_subquery()


class CareChangeTracking:
    """The planner's bookkeeping: its last run, and who changed since."""

    session: AsyncSession

    async def state(self) -> PlanState | None:
        row = (
            await self.session.execute(
                select(state_c.planned_at, state_c.fingerprint).where(state_c.name == STATE_ROW)
            )
        ).first()
        return PlanState(row.planned_at, row.fingerprint) if row else None

    async def save_state(self, state: PlanState) -> None:
        values = {"planned_at": state.planned_at, "fingerprint": state.fingerprint}
        done = await self.session.execute(
            update(tables.care_plan_state).where(state_c.name == STATE_ROW).values(**values)
        )
        if not getattr(done, "rowcount", 0):
            await self.session.execute(
                insert(tables.care_plan_state).values(name=STATE_ROW, **values)
            )

    async def take_changes(self, since: datetime | None, now: datetime) -> int:
        # On PostgreSQL the DELETE sees only committed changes: one committed later
        # stays for the next run, even with a smaller id. SQLite has one writer.
        module = postgresql if self._dialect() == "postgresql" else sqlite
        if since is None:
            # Planning from scratch covers every change committed so far; TRUNCATE
            # waits for the transactions still writing changes, and keeps later ones.
            if module is postgresql:
                await self.session.execute(text("TRUNCATE care_changes, care_pending"))
            else:
                await self.session.execute(delete(tables.care_changes))
                await self.session.execute(delete(tables.care_pending))
            return 0
        latest = await self.session.scalar(select(func.max(ch.id)))
        if latest is not None:
            changed = (
                select(ch.owner_id, owner.market)
                .join(tables.owners, owner.id == ch.owner_id)  # a deleted owner has no plans
                .where(ch.id <= latest)
                .distinct()
            )
            await self._into_pending(module, changed)
            await self.session.execute(delete(tables.care_changes).where(ch.id <= latest))
        if since is not None:
            b = tables.bookings.c
            ended = (
                select(b.owner_id, owner.market)
                .join(tables.owners, owner.id == b.owner_id)
                .where(b.ends_at > since, b.ends_at <= now)
                .distinct()
            )
            await self._into_pending(module, ended)
        if module is postgresql:  # fresh statistics: the statements start from these owners
            await self.session.execute(text("ANALYZE care_pending"))
        waiting = select(func.count()).select_from(tables.care_pending)
        return int(await self.session.scalar(waiting) or 0)

    async def _into_pending(self, module: Any, owners: Any) -> None:
        rows = owners.where(literal(True)) if module is sqlite else owners
        statement = module.insert(tables.care_pending).from_select(["owner_id", "market"], rows)
        await self.session.execute(statement.on_conflict_do_nothing())

    async def refresh_due(
        self,
        first: Mapping[str, tuple[int, int]],
        later: Mapping[str, tuple[int, int]],
        *,
        everyone: bool,
    ) -> None:
        v = tables.vehicles.c
        due = tables.care_service_due.c
        vehicles = service_due_dates(first, later)
        forget: Any = delete(tables.care_service_due)
        if not everyone:
            changed = select(v.id).where(v.owner_id.in_(select(pending.owner_id)))
            vehicles = vehicles.where(v.owner_id.in_(select(pending.owner_id)))
            forget = forget.where(due.vehicle_id.in_(changed))
        elif self._dialect() == "postgresql":
            forget = text("TRUNCATE care_service_due")  # no row-by-row delete of them all
        await self.session.execute(forget)
        # Every vehicle anew: the date index is built once from the sorted dates, not
        # kept up a million times (a third of the time on either database).
        by_date = tables.care_service_due.indexes if everyone else set()
        for index in by_date:
            await self.session.execute(DropIndex(index))
        await self.session.execute(
            insert(tables.care_service_due).from_select(["vehicle_id", "due_on"], vehicles)
        )
        for index in by_date:
            await self.session.execute(CreateIndex(index))

    async def clear_pending(self) -> None:
        await self.session.execute(delete(tables.care_pending))

    def _dialect(self) -> str:
        bind = self.session.bind
        return bind.dialect.name if bind is not None else "sqlite"
