"""Prometheus metrics, in a registry of our own so tests and the server see the same set."""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

ANSWER_SECONDS = Histogram(
    "tutorbot_answer_seconds", "Time to answer a question, retrieval and rendering",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY)
QUESTIONS = Counter("tutorbot_questions_total", "Questions answered, by language and outcome",
                    ["language", "status"], registry=REGISTRY)
ABSTENTIONS = Counter("tutorbot_abstentions_total",
                      "Questions the chapter does not cover", registry=REGISTRY)
QUIZ_SESSIONS = Counter("tutorbot_quiz_sessions_total", "Channel quiz sessions started",
                        registry=REGISTRY)
REMINDERS = Counter("tutorbot_reminders_total", "Study-plan reminders, by outcome",
                    ["outcome"], registry=REGISTRY)
REMINDERS_RETRYING = Gauge(
    "tutorbot_reminders_retrying", "Study-plan reminders waiting for a retry after an error "
    "(checked against the channel's history before resending)", registry=REGISTRY)
GATEWAY_RECONNECTS = Counter("tutorbot_gateway_reconnects_total",
                             "Gateway sessions resumed, by shard", ["shard"], registry=REGISTRY)
# Per shard, read from the bot when /metrics is scraped (see observe_shards).
GATEWAY_CONNECTED = Gauge("tutorbot_gateway_connected",
                          "1 when this shard's gateway socket is open", ["shard"],
                          registry=REGISTRY)
GATEWAY_LATENCY = Gauge("tutorbot_gateway_latency_seconds",
                        "Heartbeat round trip of this shard's gateway", ["shard"],
                        registry=REGISTRY)
IN_FLIGHT = Gauge("tutorbot_answers_in_flight", "Answers being worked on", registry=REGISTRY)


def record_answer(language: str, status: str, seconds: float) -> None:
    """`status`: the answer's outcome, so operators see how often answers are hedged or
    flagged (`partial`) beside `answered`, `abstained`, `chat` and `invalid`."""
    QUESTIONS.labels(language=language, status=status).inc()
    ANSWER_SECONDS.observe(seconds)
    if status == "abstained":
        ABSTENTIONS.inc()


def observe_shards(states: dict[int, tuple[bool, float | None]]) -> None:
    """Set the per-shard gauges from ``{shard: (connected, latency seconds or None)}``."""
    for shard, (connected, latency) in states.items():
        GATEWAY_CONNECTED.labels(shard=str(shard)).set(1 if connected else 0)
        if latency is not None:
            GATEWAY_LATENCY.labels(shard=str(shard)).set(latency)


def render() -> bytes:
    return generate_latest(REGISTRY)
