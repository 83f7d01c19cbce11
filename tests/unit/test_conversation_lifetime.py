"""A half-finished flow waits a day after its last answer (bot.domain.owners)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.owners import DRAFT_LIFETIME, Conversation

LAST_ANSWER = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def conversation(state: str = "bk.services") -> Conversation:
    return Conversation(
        channel="console",
        chat_id=1,
        user_id=1,
        state=state,
        data={"vehicle": 7},
        updated_at=LAST_ANSWER,
    )


def test_a_draft_waits_a_day_after_its_last_answer() -> None:
    assert timedelta(hours=24) == DRAFT_LIFETIME
    assert not conversation().abandoned(LAST_ANSWER + timedelta(hours=24))
    assert conversation().abandoned(LAST_ANSWER + timedelta(hours=24, seconds=1))


def test_a_chat_in_no_flow_is_never_abandoned() -> None:
    assert not conversation(state="").abandoned(LAST_ANSWER + timedelta(days=30))


def test_a_state_from_before_times_were_kept_waits() -> None:
    old = conversation()
    old.updated_at = None
    assert not old.abandoned(LAST_ANSWER + timedelta(days=30))


def test_putting_a_draft_away_forgets_it_and_notes_when() -> None:
    draft = conversation()
    later = LAST_ANSWER + timedelta(days=2)
    draft.put_away(later)
    assert (draft.state, draft.data, draft.updated_at) == ("", {}, later)
