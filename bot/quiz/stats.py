"""Leaderboards, per-member stats and the moderators' "what do we miss most" report.

All of it is computed from quiz_answers (one row per member per revealed round), so the
numbers can never drift from the answers actually given. "week" means the 7 days before
`now` (a rolling window, the same in every time zone).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.quiz.bank import TOPIC_LABELS
from bot.quiz.scoring import competition_ranks
from bot.quiz.times import to_text
from bot.storage.db import Database

log = logging.getLogger(__name__)

Scope = Literal["server", "channel"]
Period = Literal["week", "all"]
WEEK = timedelta(days=7)


def share(part: int, whole: int) -> float:
    """part / whole, or 0.0 for nothing answered yet."""
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    member_id: int
    points: int
    correct: int
    answered: int
    games: int

    @property
    def accuracy(self) -> float:
        return share(self.correct, self.answered)


@dataclass(frozen=True)
class TopicStats:
    topic: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return share(self.correct, self.answered)


@dataclass(frozen=True)
class MemberStats:
    member_id: int
    answered: int
    correct: int
    points: int
    games: int
    topics: tuple[TopicStats, ...]
    current_streak: int  # correct answers in a row, up to the latest one
    best_streak: int

    @property
    def accuracy(self) -> float:
        return share(self.correct, self.answered)


@dataclass(frozen=True)
class QuestionMiss:
    question_id: str
    topic: str
    answered: int
    missed: int

    @property
    def miss_rate(self) -> float:
        return share(self.missed, self.answered)


@dataclass(frozen=True)
class TopicMiss:
    topic: str
    answered: int
    missed: int

    @property
    def miss_rate(self) -> float:
        return share(self.missed, self.answered)


@dataclass(frozen=True)
class MissReport:
    guild_id: int
    since: datetime | None
    questions: tuple[QuestionMiss, ...]  # most missed first
    topics: tuple[TopicMiss, ...]


# Aggregates written out where they are used: PostgreSQL allows an output name alone in
# ORDER BY, not inside an expression; SUM of integers is NUMERIC there, so cast it back.
MISSED = "CAST(SUM(1 - correct) AS BIGINT)"
MISS_RATE = "CAST(SUM(1 - correct) AS REAL) / COUNT(*)"


class QuizStats:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def leaderboard(self, guild_id: int, now: datetime, scope: Scope = "server",
                          period: Period = "all", channel_id: int | None = None,
                          limit: int = 10) -> list[LeaderboardRow]:
        """Members by points, then correct answers; scope channel needs channel_id."""
        where, params = _filters(guild_id, now, scope, period, channel_id)
        rows = await self.db.fetchall(
            # SUM of integers is NUMERIC on PostgreSQL (a Decimal): cast it back.
            "SELECT member_id, CAST(SUM(points) AS BIGINT) AS points,"
            " CAST(SUM(correct) AS BIGINT) AS correct, "
            "COUNT(*) AS answered, COUNT(DISTINCT session_id) AS games FROM quiz_answers "
            f"WHERE {where} GROUP BY member_id "
            "ORDER BY points DESC, correct DESC, member_id LIMIT ?", (*params, limit))
        ranks = competition_ranks([r["points"] for r in rows])
        return [LeaderboardRow(rank, r["member_id"], r["points"], r["correct"], r["answered"],
                               r["games"]) for rank, r in zip(ranks, rows, strict=True)]

    async def member_stats(self, guild_id: int, member_id: int) -> MemberStats:
        rows = await self.db.fetchall(
            "SELECT topic, correct, points, session_id FROM quiz_answers "
            "WHERE guild_id = ? AND member_id = ? ORDER BY revealed_at, session_id, round",
            (guild_id, member_id))
        topics: dict[str, list[int]] = {}
        current = best = 0
        for row in rows:
            counts = topics.setdefault(row["topic"], [0, 0])
            counts[0] += 1
            counts[1] += row["correct"]
            current = current + 1 if row["correct"] else 0
            best = max(best, current)
        return MemberStats(
            member_id=member_id,
            answered=len(rows),
            correct=sum(r["correct"] for r in rows),
            points=sum(r["points"] for r in rows),
            games=len({r["session_id"] for r in rows}),
            topics=tuple(TopicStats(t, a, c) for t, (a, c) in sorted(topics.items())),
            current_streak=current,
            best_streak=best,
        )

    async def missed_most(self, guild_id: int, now: datetime, period: Period = "all",
                          limit: int = 10, min_answers: int = 1) -> MissReport:
        """The server's most-missed questions and topics (wrong answers, not silence)."""
        where, params = _filters(guild_id, now, "server", period, None)
        questions = await self.db.fetchall(
            f"SELECT question_id, topic, COUNT(*) AS answered, {MISSED} AS missed "
            f"FROM quiz_answers WHERE {where} GROUP BY question_id, topic "
            f"HAVING COUNT(*) >= ? AND {MISSED} > 0 "
            f"ORDER BY missed DESC, {MISS_RATE} DESC, question_id LIMIT ?",
            (*params, min_answers, limit))
        topics = await self.db.fetchall(
            f"SELECT topic, COUNT(*) AS answered, {MISSED} AS missed "
            f"FROM quiz_answers WHERE {where} GROUP BY topic "
            f"ORDER BY {MISS_RATE} DESC, missed DESC, topic", params)
        return MissReport(
            guild_id=guild_id,
            since=now - WEEK if period == "week" else None,
            questions=tuple(QuestionMiss(r["question_id"], r["topic"], r["answered"],
                                         r["missed"]) for r in questions),
            topics=tuple(TopicMiss(r["topic"], r["answered"], r["missed"]) for r in topics),
        )


def _filters(guild_id: int, now: datetime, scope: Scope, period: Period,
             channel_id: int | None) -> tuple[str, tuple]:
    if scope not in ("server", "channel") or period not in ("week", "all"):
        raise ValueError(f"scope must be server|channel and period week|all, "
                         f"not {scope}|{period}")
    clauses, params = ["guild_id = ?"], [guild_id]
    if scope == "channel":
        if channel_id is None:
            raise ValueError("scope 'channel' needs a channel_id")
        clauses.append("channel_id = ?")
        params.append(channel_id)
    if period == "week":
        clauses.append("revealed_at > ?")
        params.append(to_text(now - WEEK))
    return " AND ".join(clauses), tuple(params)


def render_miss_chart(report: MissReport, title: str = "What the server misses most") -> bytes:
    """A PNG: miss rate of the most-missed questions (left) and of every topic (right).

    Labels are question ids and English topic names, which the bundled DejaVu font can
    draw on any server (it has no Japanese glyphs).
    """
    # Imported here: see bot/plans/timeline.py (matplotlib's cache directory).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 5.5), dpi=100)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    _bars(left, [q.question_id for q in report.questions],
          [q.miss_rate for q in report.questions],
          [f"{q.missed}/{q.answered}" for q in report.questions], "Most-missed questions")
    _bars(right, [TOPIC_LABELS[t.topic].en if t.topic in TOPIC_LABELS else t.topic
                  for t in report.topics],
          [t.miss_rate for t in report.topics],
          [f"{t.missed}/{t.answered}" for t in report.topics], "Miss rate by topic")
    figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _bars(axes, labels: list[str], rates: list[float], notes: list[str], title: str) -> None:
    axes.set_title(title)
    axes.set_xlim(0, 1.15)
    axes.set_xlabel("share of answers that were wrong")
    if not labels:
        axes.text(0.5, 0.5, "no answers yet", ha="center", va="center",
                  transform=axes.transAxes)
        axes.set_yticks([])
        return
    positions = list(range(len(labels)))[::-1]  # most missed on top
    axes.barh(positions, rates, color="#c0504d")
    axes.set_yticks(positions, labels, fontsize=8)
    for y, rate, note in zip(positions, rates, notes, strict=True):
        axes.text(rate + 0.02, y, note, va="center", fontsize=8)
