"""Exercise feedback: a key-point checklist (lexical, optionally semantic), then the model
answer."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.clock import FakeClock
from bot.quiz.exercises import assess, render_feedback

MEMBER = 4242

DS_VS_MLE_JA = """データサイエンティストの日常業務は探索的データ分析(EDA)や仮説検証で、
機械学習エンジニアは本番環境へのデプロイやパイプラインの構築、監視を担当します。
スキルでは、DSは統計とSQL、MLEはDockerやKubernetesが必要です。"""

DS_VS_MLE_EN = """Data scientists spend the day on exploratory data analysis and A/B tests and
report to management. ML engineers build the training pipeline and handle monitoring in
production. The data scientist's deliverables are reports and dashboards; the engineer ships
an API endpoint and a Docker image."""


def test_japanese_answer_gets_covered_and_missed_points(bank):
    feedback = assess(bank.exercise(2), DS_VS_MLE_JA)
    covered = {p.key_point.id for p in feedback.covered}
    missed = {p.key_point.id for p in feedback.missed}
    assert covered == {"daily-work", "skills"}
    assert missed == {"phases", "deliverables", "complementary"}
    assert all(p.method == "lexical" for p in feedback.covered)
    daily = next(p for p in feedback.points if p.key_point.id == "daily-work")
    assert {"EDA", "仮説検証", "デプロイ"} <= set(daily.cues_found)
    assert feedback.language == "ja"
    assert feedback.model_answer == bank.exercise(2).model_answer


def test_english_answer_uses_whole_word_cues(bank):
    feedback = assess(bank.exercise(2), DS_VS_MLE_EN)
    covered = {p.key_point.id for p in feedback.covered}
    assert {"daily-work", "deliverables"} <= covered
    assert "complementary" not in covered
    assert feedback.language == "en"
    pickled = assess(bank.exercise(2), "The output is a report and a model.pkl file.")
    deliverables = next(p for p in pickled.points if p.key_point.id == "deliverables")
    assert deliverables.covered and set(deliverables.cues_found) == {"output", "report", ".pkl"}
    # "model" inside "remodel" is not the cue "model" (whole words only for Latin cues).
    technical = assess(bank.exercise(1), "We remodelled the kitchen.").points[1]
    assert technical.key_point.id == "technical" and technical.cues_found == ()


def test_semantic_similarity_can_cover_what_words_missed(bank):
    answer = "DSとMLEは互いに足りないところを埋め合う関係だと思います。"
    without = assess(bank.exercise(2), answer)
    assert "complementary" not in {p.key_point.id for p in without.covered}

    source = "両者は補完関係にあり、協力してMLプロジェクトを成功に導きます。"

    def similarity(a: str, b: str) -> float:  # a stand-in embedder: "same idea" by hand
        return 0.9 if "埋め合う" in a and b == source else 0.1

    with_meaning = assess(bank.exercise(2), answer, similarity=similarity)
    point = next(p for p in with_meaning.points if p.key_point.id == "complementary")
    assert point.covered and point.method == "semantic" and point.similarity == 0.9
    assert not next(p for p in with_meaning.points if p.key_point.id == "skills").covered

    def broken(a: str, b: str) -> float:
        raise RuntimeError("embedder down")

    assert assess(bank.exercise(2), answer, similarity=broken).covered == without.covered


def test_rendered_feedback_is_a_checklist_without_a_grade(bank):
    text = render_feedback(assess(bank.exercise(2), DS_VS_MLE_JA), "ja")
    assert "✅ 日常業務の内容" in text and "⬜ 成果物" in text
    assert text.rstrip().endswith(bank.exercise(2).model_answer.rstrip())
    checklist = text.split("解答例")[0]
    assert not re.search(r"\d+\s*(?:%|点|/\s*\d+)|score|grade", checklist)
    english = render_feedback(assess(bank.exercise(3), "I am a beginner."), "en",
                              include_model_answer=False)
    assert english.startswith("Exercise 3") and "Consider adding:" in english


async def test_answers_are_stored_per_member_and_hints_come_one_by_one(service, clock: FakeClock):
    desk = service.exercises
    first = await desk.submit(MEMBER, 2, DS_VS_MLE_JA)
    clock.advance(timedelta(days=1))
    await desk.submit(MEMBER, 2, DS_VS_MLE_EN)
    await desk.submit(MEMBER, 1, "AlphaGoを選びます。強化学習と自己対戦が革新的だからです。")
    await desk.submit(MEMBER + 1, 2, "わかりません")
    history = await desk.history(MEMBER, 2)
    assert [h.answer for h in history] == [DS_VS_MLE_JA, DS_VS_MLE_EN]
    assert set(history[0].covered) == {p.key_point.id for p in first.covered}
    assert history[1].created_at - history[0].created_at == timedelta(days=1)
    assert len(await desk.history(MEMBER)) == 3
    assert (await desk.history(MEMBER + 1))[0].covered == ()

    hints = service.bank.exercise(1).hints
    shown = [await desk.next_hint(MEMBER, 1) for _ in range(len(hints))]
    assert [h.text for h in shown] == list(hints)
    assert [h.index for h in shown] == list(range(1, len(hints) + 1))
    assert await desk.next_hint(MEMBER, 1) is None
    assert await desk.hints_seen(MEMBER, 1) == list(hints)
    assert (await desk.next_hint(MEMBER + 1, 1)).index == 1  # per member
    await desk.reset_hints(MEMBER, 1)
    assert (await desk.next_hint(MEMBER, 1)).index == 1
