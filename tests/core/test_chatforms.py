"""Chat shorthand is read as the learner meant it, and clipped Japanese loanwords are the
chapter's own words, not words it lacks."""

import pytest

from bot.retrieval.chatforms import standardize


@pytest.mark.parametrize(("typed", "read"), [
    ("how many langs does it handle w/ transformers", "how many languages does it handle "
     "with transformers"),
    ("year 2 of the 3yr plan", "year 2 of the 3 year plan"),
    ("10hrs a week enough?", "10 hours a week enough?"),
    ("gimme the numbers", "give me the numbers"),
    ("what was in ch3 again", "what was in chapter 3 again"),
    ("what r the 3 projects", "what are the 3 projects"),
    ("Week1-4って何やる?", "Week 1-4って何やる?"),
    ("ex3 hint", "exercise 3 hint"),
])
def test_chat_shorthand_is_spelled_out(typed, read):
    assert standardize(typed) == read


@pytest.mark.parametrize("kept", ["R and SQL for DS?", "H2O.ai", "GPT-4 params", "ResNet-152"])
def test_names_and_numbers_are_left_alone(kept):
    assert standardize(kept).split()[0] == kept.split()[0]


@pytest.mark.parametrize(("question", "clipped"), [
    ("勉強のモチベ続かないんだけどどうしたらいい?", "モチベ"),
    ("日本のMLコミュってなにある?", "コミュ"),
])
def test_a_clipped_loanword_is_no_missing_word(tutor, question, clipped):
    answer = tutor.ask(question)
    assert answer.answered
    assert clipped not in answer.unmentioned, answer.message


def test_a_question_about_the_series_is_answered_from_its_overview(tutor):
    # "series" is its own singular, and "ch2" is chapter 2.
    answer = tutor.ask("what did ch2 of this series cover?")
    assert answer.answered
    assert any("第2章" in line for p in answer.passages[:3] for line in p.quote)
