"""The care planner run by the scheduler: its cost follows what changed, not the base.

From-scratch planning (`care.plan`) asks every statement about every owner. Between two
runs ten minutes apart almost nothing can have changed, so a run here plans only:

- the owners whose data changed since the last run (triggers on every table a rule
  reads record them: see storage/care/changes.py), with every statement as it is,
  restricted to them; and
- for everyone else, what the clock moved into a rule's window since the last run: a
  statement's window narrowed to the slice it entered (`narrow`). A window that did
  not move (the same local day) needs no statement at all.

An unchanged owner the full statement would find now either was found by the last run
(its window held them then: same occurrence, already queued) or entered the window
since; the owners whose situation turned with the clock alone (a booking ended) are
added to the changed ones. So a run plans exactly what planning from scratch would (a
property test compares them). A new brand kit or policy, a clock that went back, or the
first run plans from scratch.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from time import perf_counter

from bot.domain.months import add_months
from bot.domain.reference import Reference
from bot.services import care
from bot.services.ports import UnitOfWorkFactory
from bot.services.ports.care import (
    BookingsStarting,
    DeliveredBefore,
    EventsEnded,
    EventsStarting,
    LinkedBetween,
    OnMonthDay,
    OpenRecalls,
    PlanQuery,
    PlanState,
    PointsExpiringBy,
    ServiceDueBetween,
    SurveysToNudge,
    VehicleDateBetween,
    VisitsToSurvey,
    WinBackEntering,
    WinBackTouch,
)

# Bumped when the statements change meaning: the next run plans from scratch.
PLANNER_VERSION = "1"
# add_months clamps to the month's end (31 August + 6 months = 28 February), so the
# visit dates whose silence began in a window lie within a few days of its inverse.
MONTH_END_SLACK = timedelta(days=4)


def fingerprint(reference: Reference) -> str:
    """What the statements depend on besides the data: rules, timings, zones, models."""
    parts = [PLANNER_VERSION]
    for code in sorted(reference.markets):
        market = reference.markets[code]
        parts.append(f"{code}|{market.timezone}|{reference.care[code]!r}")
    for code in sorted(reference.models):
        parts.append(repr(reference.models[code]))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


async def plan_changes(
    uow_factory: UnitOfWorkFactory,
    reference: Reference,
    now: datetime,
    step_done: Callable[[int], None] | None = None,
    *,
    from_scratch: bool = False,
    connections: int = 1,
) -> care.PlanReport:
    """One planner run in short transactions (idempotent, so an interruption loses
    nothing: the changed owners stay pending for the next run), up to `connections` at
    once (the statements read only messages already sent, so their order does not
    matter; `_batches` keeps those that may queue the same row in one transaction)."""
    mark = fingerprint(reference)
    first, later = _intervals(reference)
    async with uow_factory() as uow:
        state = await uow.care_planner.state()
        # Carry on from the last run if it planned by the same rules and the clock did
        # not go back; otherwise (or when asked) plan from scratch.
        since = None
        if state is not None and state.fingerprint == mark and state.planned_at <= now:
            since = None if from_scratch else state.planned_at
        pending = await uow.care_planner.take_changes(since, now)
        await uow.commit()
    full = merged(_stored(query) for query in care.steps(reference, now))
    if since is None:
        queries = full
    else:
        queries = list(narrowed(reference, since, now))
        if pending:
            queries += [replace(query, only_changed=True) for query in full]
    report = care.PlanReport()
    advance = _scaled(step_done, len(queries), care.step_count(reference, now))
    refreshed = asyncio.Event()

    async def refresh() -> None:
        async with uow_factory() as uow:
            await uow.care_planner.refresh_due(first, later, everyone=since is None)
            await uow.commit()
        refreshed.set()

    async def run(batch: list[PlanQuery]) -> None:
        if any(isinstance(query, ServiceDueBetween) for query in batch):
            await refreshed.wait()  # they read the stored due dates
        async with uow_factory() as uow:
            for query in batch:
                started = perf_counter()
                planned = await uow.care_planner.plan(query)
                report.add(query.rule, planned, perf_counter() - started)
                advance()
            await uow.commit()

    # The service statements go last: they wait for the due dates, refreshed meanwhile.
    ordered = sorted(queries, key=lambda query: isinstance(query, ServiceDueBetween))
    jobs = [refresh] + [partial(run, batch) for batch in _batches(ordered, whole=since is None)]
    await _run_together(jobs, connections)
    async with uow_factory() as uow:
        await uow.care_planner.clear_pending()
        await uow.care_planner.save_state(PlanState(now, mark))
        await uow.commit()
    return report


def _batches(queries: list[PlanQuery], *, whole: bool) -> list[list[PlanQuery]]:
    """From scratch, one statement a transaction: each may queue many rows, and no two
    can queue the same one (a rule's statements differ by country or occurrence).
    Otherwise a rule's statements share one transaction: a narrowed statement and its
    changed-owners copy may queue the same row, and two transactions inserting the
    same rows in another order would deadlock on PostgreSQL."""
    if whole:
        return [[query] for query in queries]
    by_rule: dict[str, list[PlanQuery]] = {}
    for query in queries:
        by_rule.setdefault(query.rule, []).append(query)
    return list(by_rule.values())


async def _run_together(jobs: Sequence[Callable[[], Awaitable[None]]], connections: int) -> None:
    """The jobs in order, `connections` at a time; the first failure cancels the rest."""
    waiting = iter(jobs)

    async def worker() -> None:
        for job in waiting:
            await job()

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, connections)):
                group.create_task(worker())
    except ExceptionGroup as failed:  # the callers expect the error itself
        raise failed.exceptions[0] from None


def narrowed(reference: Reference, since: datetime, now: datetime) -> Iterator[PlanQuery]:
    """For owners who did not change: each market's statements now, narrowed to what
    entered their windows since the last run, merged across markets again."""
    clock_policy = reference.care[next(iter(reference.markets))]

    def entering() -> Iterator[PlanQuery]:
        for code in reference.markets:
            current = care.market_steps(reference, code, clock_policy, now)
            previous = care.market_steps(reference, code, clock_policy, since)
            for query, before in zip(current, previous, strict=True):
                entered = narrow(query, before)
                if entered is not None:
                    yield entered

    return iter(merged(entering()))


def merged(queries: Iterable[PlanQuery]) -> list[PlanQuery]:
    """One statement for the markets whose statements differ only by market (markets
    with other policies or another local date form groups that often agree on a rule):
    173 statements from scratch become 75 for the demo brand."""
    by_key: dict[str, PlanQuery] = {}
    for query in queries:
        key = repr(replace(query, markets=()))
        found = by_key.get(key)
        by_key[key] = (
            query if found is None else replace(found, markets=found.markets + query.markets)
        )
    return list(by_key.values())


def narrow(query: PlanQuery, before: PlanQuery) -> PlanQuery | None:
    """The part of `query` an unchanged owner can newly satisfy since `before` (the
    same statement at the last run); None when there is none."""
    if type(query) is not type(before) or query.rule != before.rule:
        raise ValueError(f"statements out of step: {query.rule} against {before.rule}")
    match query:
        case LinkedBetween():
            assert isinstance(before, LinkedBetween)
            if query.until <= before.until:
                return None
            return replace(query, after=max(query.after, before.until))
        case VehicleDateBetween():
            assert isinstance(before, VehicleDateBetween)
            if query.until <= before.until:
                return None
            return replace(query, after=max(query.after, before.until))
        case OnMonthDay():
            assert isinstance(before, OnMonthDay)
            if query.occurrence != before.occurrence:
                return query
            days = tuple(day for day in query.month_days if day not in before.month_days)
            return replace(query, month_days=days) if days else None
        case DeliveredBefore():
            assert isinstance(before, DeliveredBefore)
            if query.occurrence != before.occurrence:
                return query
            if query.delivered_before <= before.delivered_before:
                return None
            return replace(query, delivered_after=before.delivered_before)
        case ServiceDueBetween():
            assert isinstance(before, ServiceDueBetween)
            if query.due_until <= before.due_until:
                return None
            return replace(query, due_after=max(query.due_after, before.due_until), stored_due=True)
        case OpenRecalls():
            assert isinstance(before, OpenRecalls)
            # The repeat period turns with the day; the open recalls are few.
            return None if query.today == before.today else query
        case BookingsStarting():
            assert isinstance(before, BookingsStarting)
            until, until_before = (
                query.now + timedelta(hours=query.hours),
                before.now + timedelta(hours=before.hours),
            )
            return replace(query, starts_after=until_before) if until > until_before else None
        case VisitsToSurvey():
            assert isinstance(before, VisitsToSurvey)
            if query.recorded_before <= before.recorded_before:
                return None
            return replace(query, recorded_after=max(query.recorded_after, before.recorded_before))
        case SurveysToNudge():
            assert isinstance(before, SurveysToNudge)
            if query.asked_before <= before.asked_before:
                return None
            return replace(query, asked_after=max(query.asked_after, before.asked_before))
        case WinBackTouch():
            assert isinstance(before, WinBackTouch)
            return _win_back(query, before)
        case PointsExpiringBy():
            assert isinstance(before, PointsExpiringBy)
            if query.occurrence != before.occurrence:
                return query
            return (
                replace(query, expires_after=before.until) if query.until > before.until else None
            )
        case EventsStarting() | EventsEnded():
            # Seats at club events are few and their tables are not watched: these run
            # whole every time.
            return query
    raise TypeError(f"no narrowing for {type(query).__name__}")


def _win_back(query: WinBackTouch, before: WinBackTouch) -> WinBackTouch | None:
    """Silence begins when a day passes (the last visit so many months back), or a
    later touch becomes due when the previous one's spacing has passed."""
    months = query.starts_after_months
    if query.today > before.today:
        visited_after = add_months(before.today, -months) - MONTH_END_SLACK
        visited_until = add_months(query.today, -months) + MONTH_END_SLACK
    else:
        visited_after = visited_until = query.today
    sent_after = before.previous_sent_before or query.now
    sent_until = query.previous_sent_before or query.now
    if visited_after >= visited_until and sent_after >= sent_until:
        return None
    return replace(
        query,
        entering=WinBackEntering(
            visited_after=visited_after,
            visited_until=visited_until,
            sent_after=sent_after,
            sent_until=max(sent_after, sent_until),
        ),
    )


def _stored(query: PlanQuery) -> PlanQuery:
    """Service statements also read the stored due dates (refreshed before the run)."""
    return replace(query, stored_due=True) if isinstance(query, ServiceDueBetween) else query


def _intervals(
    reference: Reference,
) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    models = reference.models.values()
    first = {m.code: (m.first_service_months, m.first_service_km) for m in models}
    later = {m.code: (m.service_interval_months, m.service_interval_km) for m in models}
    return first, later


def _scaled(
    step_done: Callable[[int], None] | None, statements: int, shown: int
) -> Callable[[], None]:
    """Advance a bar sized for `shown` statements over the `statements` this run has."""
    done = [0, 0]

    def advance() -> None:
        if step_done is None or statements == 0:
            return
        done[0] += 1
        target = done[0] * shown // statements
        if target > done[1]:
            step_done(target - done[1])
            done[1] = target

    return advance
