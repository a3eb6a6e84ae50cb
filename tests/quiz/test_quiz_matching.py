"""Typed answers: lenient about form, strict about content, in Japanese and English."""

from __future__ import annotations

import pytest

from bot.quiz.matching import (
    check_answer,
    normalize,
    parse_quantity,
    quantity_matches,
    text_match,
)
from bot.quiz.models import Citation, Numeric, Question, Text


def _short(answer: str, *accepted: str, numeric: Numeric | None = None,
           fuzzy: float | None = None) -> Question:
    return Question(id="t", topic="overview", kind="short", difficulty="easy",
                    question=Text("問", "Q"), explanation=Text("説明", "Why"),
                    citation=Citation("学習目標", "x"), answer_text=Text(answer, answer),
                    accepted=(answer, *accepted), numeric=numeric, fuzzy_threshold=fuzzy)


# (question id in the real bank, typed response, should it count as correct?)
BANK_CASES = [
    # numbers with units, tolerance 0: 75 with unit %
    ("netflix-phase2-accuracy", "75%", True),
    ("netflix-phase2-accuracy", "75", True),
    ("netflix-phase2-accuracy", "約75%", True),
    ("netflix-phase2-accuracy", "seventy-five percent", True),
    ("netflix-phase2-accuracy", "７５％", True),
    ("netflix-phase2-accuracy", "七十五パーセント", True),
    ("netflix-phase2-accuracy", "about 75 %", True),
    ("netflix-phase2-accuracy", "85%", False),
    ("netflix-phase2-accuracy", "75 years", False),
    ("netflix-phase2-accuracy", "7 5", False),
    ("netflix-phase2-accuracy", "0.75", False),
    ("netflix-phase2-accuracy", "75% or 85%", False),
    # Japanese and English magnitudes
    ("netflix-annual-value", "10億ドル", True),
    ("netflix-annual-value", "1 billion dollars", True),
    ("netflix-annual-value", "$1 billion", True),
    ("netflix-annual-value", "10億円", False),
    ("netflix-prize-money", "100万ドル", True),
    ("netflix-prize-money", "$1,000,000", True),
    ("netflix-prize-money", "one million dollars", True),
    ("alphago-selfplay-positions", "3,000万局面", True),
    ("alphago-selfplay-positions", "30 million positions", True),
    ("alphago-selfplay-positions", "3000万", True),
    ("alphago-selfplay-positions", "300万局面", False),
    ("gnmt-languages", "one hundred and three languages", True),
    ("gnmt-languages", "百三言語", True),
    ("gnmt-languages", "130", False),
    ("gnmt-daily-users", "5億人以上", True),
    ("gnmt-daily-users", "over 500 million people", True),
    ("edge-latency", "<10ms", True),
    ("edge-latency", "10ミリ秒未満", True),
    ("edge-latency", "under 10 ms", True),
    ("edge-latency", "10秒", False),
    ("skin-cancer-images", "129,450枚", True),
    ("skin-cancer-images", "１２９４５０", True),
    ("skin-cancer-images", "129,540", False),
    ("overview-proverb", "20年前", True),
    ("overview-proverb", "twenty years ago", True),
    ("netflix-streaming-year", "in 2007", True),
    ("netflix-streaming-year", "2007年です", True),
    ("netflix-streaming-year", "2006", False),
    # text answers: case, width, kana, punctuation, spacing, articles
    ("netflix-phase2-technique", "協調フィルタリング", True),
    ("netflix-phase2-technique", "collaborative filtering", True),
    ("netflix-phase2-technique", "Collaborative-Filtering!", True),
    ("netflix-phase2-technique", "きょうちょうフィルタリング", False),
    ("netflix-phase2-technique", "colaborative filtering", True),  # one typo, long answer
    ("netflix-phase2-technique", "協調フィルタリングです", True),
    ("netflix-phase2-technique", "content filtering", False),
    ("alphago-value-network", "the Value Network", True),
    ("alphago-value-network", "バリュー・ネットワーク", True),
    ("alphago-value-network", "Policy Network", False),
    ("alphago-mcts", "ＭＣＴＳ", True),
    ("alphago-mcts", "monte carlo tree serch", True),
    ("alphago-mcts", "Monte Carlo", False),
    ("alphago-lee-sedol", "4-1", True),
    ("alphago-lee-sedol", "4対1", True),
    ("alphago-lee-sedol", "4–1", True),
    ("alphago-lee-sedol", "41", False),
    ("alphago-lee-sedol", "3-0", False),
    ("skin-cancer-pretraining", "imagenet", True),
    ("skin-cancer-pretraining", "ImageNet21k", False),
    ("skin-cancer-university", "スタンフォード大学", True),
    ("skin-cancer-university", "Stanford University", True),
    ("skin-cancer-university", "MIT", False),
    ("tesla-ota", "ota", True),
    ("tesla-ota", "OTAP", False),
    ("res-conference-miru", "MIRU", True),
    ("res-conference-miru", "MIR", False),
    ("tesla-ota", "", False),
    ("tesla-ota", "?!", False),
    ("air-phd-years", "3〜5年", True),
    ("air-phd-years", "3 to 5 years", True),
    ("air-phd-years", "35年", False),
    ("edge-pruning", "pruning", True),
    ("edge-pruning", "プルーニング", True),
    ("edge-pruning", "ぷるーにんぐ", True),
    ("edge-pruning", "running", False),
    # multiple choice and true/false typed in
    ("netflix-founded", "B", True),
    ("netflix-founded", "ｂ", True),
    ("netflix-founded", "1997年", True),
    ("netflix-founded", "1997", True),
    ("netflix-founded", "A", False),
    ("netflix-founded", "2007", False),
    ("alphago-policy-network", "policy network", True),
    ("alphago-policy-network", "value network", False),
    ("netflix-churn", "正しい", True),
    ("netflix-churn", "True", True),
    ("netflix-churn", "○", True),
    ("netflix-churn", "誤り", False),
    ("tesla-object-detection", "×", True),
    ("tesla-object-detection", "false", True),
    ("tesla-object-detection", "いいえ", True),
    ("tesla-object-detection", "yes", False),
    # circles: ◯ (U+25EF, what many IMEs give for まる) reads like ○
    ("netflix-churn", "◯", True),
    ("netflix-churn", "⭕", True),
    ("tesla-object-detection", "◯", False),
    ("tesla-object-detection", "❌", True),
    # ranges, with or without their unit
    ("air-phd-years", "3-5", True),
    ("air-phd-years", "3〜5", True),
    ("air-phd-years", "three to five years", True),
    ("air-phd-years", "3-5ヶ月", False),
    ("air-phd-years", "3-6", False),
    ("air-phd-years", "5-3", False),
    ("plan3y-blog-pace", "2〜4", True),
    ("plan3y-blog-pace", "two to four", True),
    ("plan3y-blog-pace", "2-5", False),
    # money and magnitudes
    ("netflix-prize-money", "$1M", True),
    ("netflix-prize-money", "1 million", True),
    ("netflix-prize-money", "$1B", False),
    ("gnmt-daily-users", "500M", True),
    ("gnmt-daily-users", "50M", False),
    ("edge-iot-devices", "75B", True),
    ("edge-iot-devices", "75M", False),
    ("fm-gpt4-parameters", "1.8T", True),
    ("fm-gpt4-parameters", "18T", False),
    ("netflix-annual-value", "10億", True),
    ("netflix-annual-value", "$1bn", True),
    ("edge-market-size", "$34B", True),
    ("edge-latency", "10ms", True),  # "m" followed by a letter is no magnitude
    ("edge-latency", "10m", False),
    # scores in words
    ("alphago-lee-sedol", "four to one", True),
    ("alphago-lee-sedol", "Four-One", True),
    ("alphago-lee-sedol", "四対一", True),
    ("alphago-lee-sedol", "one to four", False),
    ("alphago-lee-sedol", "three to one", False),
]


@pytest.mark.parametrize(("question_id", "response", "expected"), BANK_CASES)
def test_typed_answer(bank, question_id, response, expected):
    assert check_answer(bank.get(question_id), response).correct is expected


def test_table_is_big_and_balanced():
    assert len(BANK_CASES) >= 40
    assert sum(1 for *_, ok in BANK_CASES if not ok) >= 25


# Short answers never match substrings or near-misses (the "chair"/"air" complaint).
SHORT_CASES = [
    (_short("air"), "chair", False),
    (_short("air"), "AIR", True),
    (_short("air"), "ａｉｒ", True),
    (_short("chair"), "air", False),
    (_short("AI"), "AIP", False),
    (_short("AI"), "ＡＩ", True),
    (_short("AI"), "A.I.", True),
    (_short("AIP"), "AI", False),
    (_short("C#"), "C", False),
    (_short("Transformer"), "Transformers", True),
    (_short("Transformer"), "Transformerモデル全般", False),
    (_short("ResNet-152"), "ResNet-151", False),
    (_short("ResNet-152"), "resnet 152", True),
    (_short("Segment Anything Model", fuzzy=95), "Segment Anythin Model", True),
    (_short("Segment Anything Model", fuzzy=99), "Segment Anythin Model", False),
]


@pytest.mark.parametrize(("question", "response", "expected"), SHORT_CASES)
def test_short_answers_are_lenient_but_not_loose(question, response, expected):
    assert check_answer(question, response).correct is expected


def test_numeric_tolerance_is_the_questions():
    question = _short("75%", numeric=Numeric(75, 2, "%"))
    assert check_answer(question, "77%").correct
    assert check_answer(question, "73 percent").correct
    assert not check_answer(question, "78%").correct


def test_normalize_keeps_what_carries_meaning():
    assert normalize("  The Transformer!! ") == "transformer"
    assert normalize("ｶﾀｶﾅ") == normalize("カタカナ") == normalize("かたかな")
    assert normalize("4 - 1") == "4-1" != normalize("41")
    assert normalize("1,000億語") == "1000億語"
    assert normalize("1.8兆") == "1.8兆"


def test_parse_quantity_reads_units_and_rejects_noise():
    assert parse_quantity("約75%").value == 75
    assert parse_quantity("seventy-five percent").unit == "%"
    assert parse_quantity("1.8兆パラメータ").value == pytest.approx(1.8e12)
    assert parse_quantity("Transformer") is None
    assert parse_quantity("7 5") is None
    assert not quantity_matches("75 cats", Numeric(75, 0, "%"))


def test_fuzzy_score_is_reported():
    match = text_match("colaborative filtering", ["collaborative filtering"])
    assert match.correct and match.method == "fuzzy" and 85 <= match.score < 100
    assert text_match("collaborative filtering", ["Collaborative Filtering"]).method == "exact"
