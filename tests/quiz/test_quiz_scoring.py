"""Scoring: button rounds scored at the reveal with a speed bonus; typed: first correct wins."""

from __future__ import annotations

import pytest

from bot.quiz.scoring import (
    BASE_POINTS,
    SPEED_BONUS_MAX,
    ButtonAnswer,
    TypedAttempt,
    score_button_round,
    score_typed_round,
    speed_bonus,
)

OPENED, DEADLINE = 1000.0, 1030.0  # a 30-second round


@pytest.mark.parametrize(("answered_at", "bonus"), [
    (1000.0, 5),   # at once: the whole bonus
    (1003.0, 5),   # 27/30 left -> 4.5 -> rounds half up to 5
    (1015.0, 3),   # half the time left -> 2.5 -> 3
    (1020.0, 2),   # 10/30 -> 1.67 -> 2
    (1027.0, 1),   # 3/30 -> 0.5 -> 1
    (1029.0, 0),   # 1/30 -> 0.17 -> 0
    (1030.0, 0),   # at the deadline
    (990.0, 5),    # clock skew before opening is clamped
    (1040.0, 0),   # after the deadline is clamped
])
def test_speed_bonus_formula(answered_at, bonus):
    assert speed_bonus(answered_at, OPENED, DEADLINE) == bonus


def test_speed_bonus_of_a_zero_length_round_is_zero():
    assert speed_bonus(5.0, 5.0, 5.0) == 0


def test_button_round_scores_final_choices_at_reveal(bank):
    question = bank.get("netflix-founded")  # mc, easy, correct choice 1
    assert question.correct_choice == 1 and question.difficulty == "easy"
    answers = {
        1: ButtonAnswer(1, 1, 1003.0),              # right, fast
        2: ButtonAnswer(2, 1, 1020.0, changes=1),   # was wrong, changed to right late
        3: ButtonAnswer(3, 0, 1001.0),              # wrong, fast: no points, no penalty
        4: ButtonAnswer(4, 1, 1029.5),              # right at the last moment
    }
    results = score_button_round(question, answers, OPENED, DEADLINE)
    by_member = {r.member_id: r for r in results}
    easy = BASE_POINTS["easy"]
    assert by_member[1].points == easy + 5 and by_member[1].bonus == 5
    assert by_member[2].points == easy + 2  # the bonus counts from the FINAL choice
    assert by_member[3].points == 0 and not by_member[3].correct
    assert by_member[4].points == easy and by_member[4].correct
    assert [r.member_id for r in results] == [1, 2, 4, 3]


def test_difficulty_sets_the_base(bank):
    hard = bank.get("alphago-elo")
    assert hard.difficulty == "hard"
    result = score_button_round(hard, {7: ButtonAnswer(7, hard.correct_choice, DEADLINE)},
                                OPENED, DEADLINE)
    assert result[0].points == BASE_POINTS["hard"] == 20
    assert BASE_POINTS["easy"] > SPEED_BONUS_MAX  # the bonus stays small


def test_typed_round_only_the_first_correct_message_scores(bank):
    question = bank.get("netflix-phase2-accuracy")  # medium
    attempts = [
        TypedAttempt(1, "60%", 1002.0, False),
        TypedAttempt(2, "75%", 1005.0, True),
        TypedAttempt(1, "75", 1005.5, True),   # also right, but second
        TypedAttempt(3, "85%", 1006.0, False),
    ]
    results = {r.member_id: r for r in score_typed_round(question, attempts)}
    assert results[2].points == BASE_POINTS["medium"] and results[2].correct
    assert results[1].points == 0 and results[1].correct and results[1].response == "75"
    assert results[3].points == 0 and not results[3].correct
    assert score_typed_round(question, []) == []


def test_competition_ranks_share_a_place_between_tied_scores():
    from bot.quiz.scoring import competition_ranks

    assert competition_ranks([40, 40, 25, 10, 10, 10, 3]) == [1, 1, 3, 4, 4, 4, 7]
    assert competition_ranks([20, 15]) == [1, 2]
    assert competition_ranks([]) == []
