"""Scoring rules for channel quizzes, as pure functions of what was answered and when.

Points for a correct answer depend on the question's difficulty::

    base = 10 (easy), 15 (medium), 20 (hard)

Button mode: every member answers; a member may change their choice until time runs out;
all answers are scored together at the reveal. A correct answer earns a small speed bonus::

    bonus = floor(5 × time_left / time_allowed + 0.5)   # 0..5, rounded half up; time_left
                                                        # when the FINAL choice was made

so the bonus rewards knowing, not clicking first and correcting later. A wrong answer or no
answer earns 0; there are no negative points (guessing is not punished, and nobody is
discouraged from answering).

Typed mode: members type answers; the first message that matches (see matching.py) scores
the base points and ends the round. Later correct messages count as correct in the stats but
score nothing; wrong messages score nothing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.quiz.models import Question

log = logging.getLogger(__name__)

BASE_POINTS: dict[str, int] = {"easy": 10, "medium": 15, "hard": 20}
SPEED_BONUS_MAX = 5


@dataclass(frozen=True)
class ButtonAnswer:
    member_id: int
    choice: int
    at: float  # POSIX seconds of the member's latest (final) choice
    changes: int = 0  # how often the member changed their mind


@dataclass(frozen=True)
class TypedAttempt:
    member_id: int
    text: str
    at: float
    correct: bool


@dataclass(frozen=True)
class RoundResult:
    member_id: int
    response: str  # the choice index as text for buttons, the last message for typed mode
    correct: bool
    points: int
    bonus: int
    answered_at: float


def base_points(question: Question) -> int:
    return BASE_POINTS[question.difficulty]


def speed_bonus(answered_at: float, opened_at: float, deadline: float) -> int:
    """0..SPEED_BONUS_MAX by the share of time left when the final answer was given."""
    allowed = deadline - opened_at
    if allowed <= 0:
        return 0
    left = min(max(deadline - answered_at, 0.0), allowed)
    return math.floor(SPEED_BONUS_MAX * left / allowed + 0.5)


def score_button_round(question: Question, answers: dict[int, ButtonAnswer],
                       opened_at: float, deadline: float) -> list[RoundResult]:
    """Every member's result for one button round, best first."""
    results = []
    for answer in answers.values():
        correct = answer.choice == question.correct_choice
        bonus = speed_bonus(answer.at, opened_at, deadline) if correct else 0
        points = base_points(question) + bonus if correct else 0
        results.append(RoundResult(answer.member_id, str(answer.choice), correct, points, bonus,
                                   answer.at))
    return sorted(results, key=lambda r: (-r.points, r.answered_at, r.member_id))


def score_typed_round(question: Question, attempts: list[TypedAttempt]) -> list[RoundResult]:
    """One result per member who typed anything; only the first correct message scores."""
    first_correct = min((a for a in attempts if a.correct), key=lambda a: a.at, default=None)
    by_member: dict[int, list[TypedAttempt]] = {}
    for attempt in sorted(attempts, key=lambda a: a.at):
        by_member.setdefault(attempt.member_id, []).append(attempt)
    results = []
    for member_id, tries in by_member.items():
        right = next((a for a in tries if a.correct), None)
        shown = right or tries[-1]
        points = base_points(question) if right is not None and right is first_correct else 0
        results.append(RoundResult(member_id, shown.text, right is not None, points, 0, shown.at))
    return sorted(results, key=lambda r: (-r.points, not r.correct, r.answered_at, r.member_id))


def competition_ranks(points: Sequence[int]) -> list[int]:
    """Ranks for scores listed best first, tied scores sharing one ("1, 1, 3"): two members
    with the same points share a place and a medal, and the next one is third, not second."""
    ranks: list[int] = []
    for position, value in enumerate(points, start=1):
        ranks.append(ranks[-1] if ranks and points[position - 2] == value else position)
    return ranks
