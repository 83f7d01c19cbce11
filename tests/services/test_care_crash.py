"""kill -9 in the middle of a send: after a restart nothing planned is lost and nothing is
sent twice, except the single message whose send was in flight (concurrency 1)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.domain.care import OutboxStatus, Rule
from bot.scheduler.sender import Sender
from bot.services import care
from handlers.care_messages import renderer_for
from tests.fakes.transport import FakeTransport, NoLimits


async def test_a_crash_mid_send_loses_nothing_and_repeats_only_the_message_in_flight(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    # Plan the demo's messages as of now, with every window open (noon UTC covers the
    # markets in Europe, Asia and the Americas within a day; we queue service-only rules).
    now = datetime.now(UTC)
    async with app.database.uow() as uow:
        owners = [
            o for o in [await uow.owners.get(i) for i in range(1, 22)] if o and o.consent_service
        ]
        planned = 0
        for owner in owners:
            for rule in (Rule.WELCOME, Rule.TIPS_DAY_7):
                planned += await care._queue(
                    uow, owner.id, rule, "crash", now - timedelta(minutes=1), {}
                )
        for owner in owners:  # any hour is fine for this test: no quiet hours
            owner.send_from_hour, owner.send_until_hour = 0, 24
        await uow.commit()
    deliveries = tmp_path / "deliveries.jsonl"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen(  # noqa: ASYNC220 - the sender process is the point
        [
            sys.executable,
            "-m",
            "tests.fakes.crashy_sender",
            str(app.database.engine.url),
            str(deliveries),
            "5",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "in flight"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()
    before = [json.loads(line) for line in deliveries.read_text().splitlines()]
    assert len(before) == 5

    # Restart after the lease of the dead sender expired.
    clock.set(datetime.now(UTC) + timedelta(minutes=3))
    transport = FakeTransport()
    sender = Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=transport,
        limiter=NoLimits(),
        clock=clock,
        render=renderer_for(app.catalogs, app.reference, clock.now),
        concurrency=1,
    )
    while sum(vars(await sender.run_once()).values()):
        pass
    after = [(s.chat_id, s.text) for s in transport.sent]
    everything = [(d["chat"], _plain(d["text"])) for d in before] + after
    assert len(everything) == planned + 1, "one message, the one in flight, went out twice"
    assert len(set(everything)) == planned, "nothing planned was lost"
    twice = {item for item in everything if everything.count(item) == 2}
    assert twice == {(before[-1]["chat"], _plain(before[-1]["text"]))}
    async with app.database.uow() as uow:
        for owner in owners:
            rows = [m for m in await uow.outbox.of_owner(owner.id) if m.occurrence == "crash"]
            assert {m.status for m in rows} == {OutboxStatus.SENT}


def _plain(text: str) -> str:
    from bot.channels.text import html_to_text

    return html_to_text(text)
