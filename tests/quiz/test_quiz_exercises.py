"""Exercise feedback: a key-point checklist (lexical, optionally semantic), then the model
answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

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
    assert covered == {"ds-work", "mle-work", "skills"}
    assert missed == {"phases", "deliverables", "complementary"}
    assert all(p.method == "lexical" for p in feedback.covered)
    daily = next(p for p in feedback.points if p.key_point.id == "ds-work")
    assert {"EDA", "仮説検証"} <= set(daily.cues_found)
    assert feedback.language == "ja"
    assert feedback.model_answer == bank.exercise(2).model_answer


def test_english_answer_uses_whole_word_cues(bank):
    feedback = assess(bank.exercise(2), DS_VS_MLE_EN)
    covered = {p.key_point.id for p in feedback.covered}
    assert {"ds-work", "mle-work", "deliverables"} <= covered
    assert "complementary" not in covered
    assert feedback.language == "en"
    pickled = assess(bank.exercise(2), "The output is a report and a model.pkl file.")
    deliverables = next(p for p in pickled.points if p.key_point.id == "deliverables")
    assert deliverables.covered and set(deliverables.cues_found) == {"report", ".pkl"}
    # "model" inside "remodel" is not the cue "model" (whole words only for Latin cues).
    achievement = assess(bank.exercise(1), "We beat the kitchen into a remodelled state.").points[2]
    assert achievement.key_point.id == "achievement" and achievement.cues_found == ()


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
    assert "✅ DSの日常業務は探索と分析" in text and "⬜ 成果物の違い" in text
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


# --- weak and strong answers: the checklist tells them apart ---------------------------------

# A weak answer restates the question with generic words (技術, モデル, 影響, 1年); a strong
# one says what the model answer says, in the member's own words, about any case.
ANSWERS = {
    (1, "ja"): (
        "AlphaGoが一番印象的でした。技術がすごくて、モデルも良く、ビジネスや社会への影響も"
        "大きかったと思います。1年で世界が変わりました。",
        "Netflixの推薦システムを選びます。技術面では、ルールベースから協調フィルタリングと"
        "行列分解、さらに深層学習へと進化し、精度は約60%から約85%まで上がりました。ビジネス面"
        "では視聴時間が30%増え、離脱率が30%下がり、年間10億ドルの価値を生んでいます。"
        "推薦がおまけから視聴の中心になり、サービスの常識を変えた点が印象的です。"),
    (1, "en"): (
        "AlphaGo impressed me the most. The technology was great, the model was good, and the "
        "business and social impact was big. I think it changed a lot in 1 year.",
        "I choose AlphaGo. Technically it combined deep reinforcement learning with self-play "
        "and Monte Carlo tree search, and it beat the world champion Lee Sedol 4-1 without "
        "relying on human data. It made reinforcement learning credible in other fields such "
        "as drug discovery, and it found new joseki that overturned thousands of years of "
        "human play. For me it is a historic turning point: AI went from helping humans to "
        "surpassing them."),
    (2, "ja"): (
        "データサイエンティストと機械学習エンジニアは日常業務の内容もスキルセットも"
        "フェーズも成果物も違います。どちらも大切な仕事で、技術とモデルに関わります。",
        "DSは課題をヒアリングし、探索的データ分析(EDA)や仮説検証、A/Bテストを行い、"
        "レポートやダッシュボードで経営層に報告します。MLEはモデルを本番環境にデプロイし、"
        "パイプラインを作り、監視を整えます。DSには統計と数学の深い理解、MLEにはDockerや"
        "Kubernetesなどのインフラが必要です。DSが問題定式化からプロトタイプまでを担い、"
        "MLEがそれを本番化します。DSは何を作るべきかを探し、MLEはどう作るかを実現する"
        "補完関係です。"),
    (2, "en"): (
        "A data scientist and an ML engineer differ in their daily work, skill sets, project "
        "phases and deliverables. Both jobs matter and both involve technology and models.",
        "The data scientist hears out the business, runs exploratory data analysis, tests "
        "hypotheses with A/B tests and reports to management. The ML engineer deploys models "
        "to production, builds the pipeline and sets up monitoring. The data scientist needs "
        "deep statistics and SQL; the engineer needs Docker, Kubernetes and PyTorch. The data "
        "scientist takes a problem from problem formulation to a prototype, which the engineer "
        "productionises as an API endpoint while the scientist delivers a report and a "
        "dashboard. One decides what to build, the other how to build it: they complement "
        "each other."),
    (3, "ja"): (
        "現在のスキルレベルは初級です。3年後の目標はMLEです。3ヶ月、6ヶ月、1年、2年、3年の"
        "マイルストーンを作り、コースや書籍やコミュニティで学び、ポートフォリオや論文や"
        "プロジェクトを成果物にします。困難もありますが対策します。",
        "今はPythonの変数や関数は書けますが、線形代数と統計は未学習です。3年後はスタート"
        "アップに機械学習エンジニアとして就職し、年収700万円を目指します。3ヶ月後にTitanic"
        "で精度80%を達成してGitHubに3つ公開、6ヶ月後にFast.aiを完了してKaggleでBronze"
        "メダルを獲得、2年後にMLOpsを習得します。リソースはCoursera、Fast.ai、arXiv、"
        "connpassの勉強会。成果物はGitHubに15個、技術ブログ30記事、勉強会で3回登壇。困難は"
        "仕事との両立による時間不足で、毎朝1時間を確保し、モチベーションは学習仲間と保ち"
        "ます。大事なのは継続とアウトプットです。"),
    (3, "en"): (
        "My current skill level is beginner. My goal in three years is MLE. I will set "
        "milestones at 3 months, 6 months, 1 year, 2 years and 3 years, learn from courses, "
        "books and communities, and produce a portfolio, papers and projects. There will be "
        "difficulties but I will handle them.",
        "I can write Python functions and classes but have not studied linear algebra or "
        "statistics. In three years I want to be hired by a startup as an ML engineer with a "
        "salary of 7 million yen. After 3 months I reach 80% accuracy on Titanic and publish "
        "three projects on GitHub; after 6 months I finish Fast.ai and win a Bronze medal on "
        "Kaggle. I will use Coursera, Fast.ai, arXiv and connpass meetups. I plan 15 GitHub "
        "projects, 30 blog posts and three talks. My main difficulty is lack of time next to "
        "my job, so I study one hour every morning, and I keep my motivation with study "
        "partners. Persistence and output matter most."),
}


@pytest.mark.parametrize(("number", "language"), sorted(ANSWERS))
def test_a_strong_answer_covers_clearly_more_than_a_weak_one(bank, number, language):
    weak, strong = ANSWERS[number, language]
    exercise = bank.exercise(number)
    weak_covered = assess(exercise, weak).covered
    strong_covered = assess(exercise, strong).covered
    total = len(exercise.key_points)
    assert len(weak_covered) <= 1, [(p.key_point.id, p.cues_found) for p in weak_covered]
    assert len(strong_covered) >= total - 1, \
        [p.key_point.id for p in assess(exercise, strong).missed]
    assert len(strong_covered) - len(weak_covered) >= total // 2


async def test_english_members_get_english_hints_and_model_answer(service):
    exercise = service.bank.exercise(3)
    hint = await service.exercises.next_hint(MEMBER, 3, "en")
    assert hint.text == exercise.english.hints[0] and hint.text.startswith("Self-assessment")
    assert (await service.exercises.next_hint(MEMBER, 3, "ja")).text == exercise.hints[1]
    assert await service.exercises.hints_seen(MEMBER, 3, "en") == list(exercise.english.hints[:2])
    feedback = await service.exercises.submit(MEMBER, 3, ANSWERS[3, "en"][1])
    english = render_feedback(feedback, "en")
    assert english.rstrip().endswith(exercise.english.model_answer.rstrip())
    assert "✅ Rates the current level area by area" in english
    japanese = render_feedback(feedback, "ja")
    assert japanese.rstrip().endswith(exercise.model_answer.rstrip())
