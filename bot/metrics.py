"""Prometheus metrics, names prefixed `ownerbot_`, served at /metrics on the webhook
server. One registry of our own, so tests and several apps in one process never
register a metric twice."""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter(
    "ownerbot_updates",
    "Updates from people, by channel and outcome (handled, duplicate, failed).",
    ["channel", "outcome"],
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "ownerbot_handler_seconds",
    "Time to handle one update (the flow and its transaction), by channel.",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
MESSAGES = Counter(
    "ownerbot_messages",
    "Outbox deliveries by channel and outcome (sent, retry_after, network, blocked, ...).",
    ["channel", "outcome"],
    registry=REGISTRY,
)
OUTBOX_DEPTH = Gauge(
    "ownerbot_outbox_depth",
    "Outbox messages waiting or being sent (read when /metrics is scraped).",
    registry=REGISTRY,
)
OUTBOX_OLDEST_DUE_AGE = Gauge(
    "ownerbot_outbox_oldest_due_age_seconds",
    "How long the oldest due outbox message has been waiting (0 when none is).",
    registry=REGISTRY,
)
RATE_LIMIT_WAIT = Counter(
    "ownerbot_rate_limit_wait_seconds",
    "Time senders waited for a platform's rate limit, by limiter.",
    ["limiter"],
    registry=REGISTRY,
)
REPLIES_LOST = Counter(
    "ownerbot_replies_lost",
    "Replies to a person's own update that could not be delivered, by channel and reason "
    "(what must arrive goes through the durable deliveries instead).",
    ["channel", "reason"],
    registry=REGISTRY,
)
PLANNER_SECONDS = Histogram(
    "ownerbot_planner_seconds",
    "Time the care planner spent on one rule's statements.",
    ["rule"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0),
    registry=REGISTRY,
)


def update_handled(channel: str, outcome: str, seconds: float) -> None:
    UPDATES.labels(channel, outcome).inc()
    HANDLER_SECONDS.labels(channel).observe(seconds)


def message_settled(channel: str, outcome: str) -> None:
    MESSAGES.labels(channel, outcome).inc()


def reply_lost(channel: str, reason: str) -> None:
    """Counted and logged: a lost reply is visible, never silent."""
    REPLIES_LOST.labels(channel, reason).inc()
    log.warning("a %s reply could not be delivered (%s)", channel, reason)


def replies_lost(channel: str, reason: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "ownerbot_replies_lost_total", {"channel": channel, "reason": reason}
        )
        or 0.0
    )


def rate_limit_waited(limiter: str, seconds: float) -> None:
    if seconds > 0:
        RATE_LIMIT_WAIT.labels(limiter).inc(seconds)


def rule_planned(rule: str, seconds: float) -> None:
    PLANNER_SECONDS.labels(rule).observe(seconds)


def outbox_state(depth: int, oldest_due_age_seconds: float) -> None:
    OUTBOX_DEPTH.set(depth)
    OUTBOX_OLDEST_DUE_AGE.set(oldest_due_age_seconds)


def exposition() -> bytes:
    """The registry in Prometheus' text format."""
    return generate_latest(REGISTRY)
