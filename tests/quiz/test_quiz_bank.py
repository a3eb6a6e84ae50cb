"""The question bank: schema errors name file, id and field; the real bank is sound."""

from __future__ import annotations

import logging
import shutil
import unicodedata
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.document import normalize_path
from bot.quiz.bank import TOPICS, QuestionBank, load_bank
from bot.quiz.exercises import assess
from bot.quiz.matching import check_answer
from bot.quiz.models import OPTION_LETTERS

NETFLIX = "4.1 5つの詳細ケーススタディ › Case Study 1: Netflix推薦システム"
FOUNDED = "Netflixは1997年にDVDレンタル会社として創業し"
STREAMING = "2007年にストリーミングサービスを開始しました"
GOOD = f"""
version: 1
questions:
  - id: good-one
    topic: netflix
    kind: tf
    difficulty: easy
    question: {{ja: "Netflixは1997年創業", en: "Netflix was founded in 1997"}}
    answer: true
    explanation: {{ja: "はい", en: "Yes"}}
    citation: {{heading_path: "{NETFLIX}", evidence: "{FOUNDED}"}}
  - id: good-two
    topic: netflix
    kind: short
    difficulty: medium
    question: {{ja: "ストリーミング開始は?", en: "Streaming started in?"}}
    answer: "2007"
    numeric: {{value: 2007, unit: "年"}}
    explanation: {{ja: "2007年", en: "2007"}}
    citation: {{heading_path: "{NETFLIX}", evidence: "{STREAMING}"}}
"""
VALID_CITATION = f'citation: {{heading_path: "{NETFLIX}", evidence: "{STREAMING}"}}'
COMMON = ('difficulty: easy\n    question: {ja: "問", en: "Q"}\n'
          '    explanation: {ja: "説明", en: "Why"}')
BROKEN = f"""
version: 1
questions:
  - id: no-explanation
    topic: netflix
    kind: tf
    difficulty: easy
    question: {{ja: "問", en: "Q"}}
    answer: true
    {VALID_CITATION}
  - id: question-not-mapping
    topic: netflix
    kind: tf
    difficulty: easy
    question: "just a string"
    explanation: {{ja: "説明", en: "Why"}}
    answer: true
    {VALID_CITATION}
  - id: three-options
    topic: netflix
    kind: mc
    {COMMON}
    options: [{{ja: "a", en: "a"}}, {{ja: "b", en: "b"}}, {{ja: "c", en: "c"}}]
    answer: 0
    {VALID_CITATION}
  - id: no-such-section
    topic: netflix
    kind: tf
    {COMMON}
    answer: false
    citation: {{heading_path: "4.9 存在しない節", evidence: "Netflix"}}
  - id: evidence-not-verbatim
    topic: netflix
    kind: tf
    {COMMON}
    answer: false
    citation: {{heading_path: "{NETFLIX}", evidence: "Netflixは2099年に創業した"}}
  - id: tf-answer-string
    topic: netflix
    kind: tf
    {COMMON}
    answer: "yes"
    {VALID_CITATION}
  - id: misspelt-field
    topic: netflix
    kind: tf
    {COMMON}
    answer: true
    explaination: {{ja: "x", en: "x"}}
    {VALID_CITATION}
  - topic: netflix
    kind: tf
    {COMMON}
    answer: true
    {VALID_CITATION}
  - id: good-one
    topic: netflix
    kind: tf
    {COMMON}
    answer: true
    {VALID_CITATION}
  - id: numeric-not-number
    topic: netflix
    kind: short
    {COMMON}
    answer: "2007"
    numeric: {{value: "two thousand seven", unit: "年"}}
    {VALID_CITATION}
  - id: unknown-topic
    topic: netflx
    kind: tf
    {COMMON}
    answer: true
    {VALID_CITATION}
  - id: still-fine
    topic: netflix
    kind: tf
    {COMMON}
    answer: true
    {VALID_CITATION}
exercises:
  - id: exercise-9
    number: 9
    difficulty: easy
    heading_path: "演習問題 › 問題1(難易度:easy)"
    prompt: "5つのケーススタディから、最も印象的だったものを選び、その理由を説明してください。"
    hints: ["これは本文にないヒント"]
    model_answer: "選択:AlphaGo"
    key_points:
      - id: choice
        label: {{ja: "選択", en: "Choice"}}
        source: "選択:AlphaGo"
        cues: {{ja: [AlphaGo], en: [AlphaGo]}}
"""


@pytest.fixture
def broken_bank(tmp_path: Path, kb: KnowledgeBase, caplog) -> QuestionBank:
    (tmp_path / "a_good.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b_broken.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "c_bad_yaml.yaml").write_text("questions:\n  - id: x\n    question: [oops\n",
                                              encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.quiz.bank"):
        return load_bank(tmp_path, kb)


EXPECTED_ERRORS = [
    ("b_broken.yaml", "no-explanation", "explanation"),
    ("b_broken.yaml", "question-not-mapping", "question"),
    ("b_broken.yaml", "three-options", "options"),
    ("b_broken.yaml", "no-such-section", "citation.heading_path"),
    ("b_broken.yaml", "evidence-not-verbatim", "citation.evidence"),
    ("b_broken.yaml", "tf-answer-string", "answer"),
    ("b_broken.yaml", "misspelt-field", "explaination"),
    ("b_broken.yaml", "#8", "id"),
    ("b_broken.yaml", "good-one", "id"),
    ("b_broken.yaml", "numeric-not-number", "numeric.value"),
    ("b_broken.yaml", "unknown-topic", "topic"),
    ("b_broken.yaml", "exercise-9", "hints[0]"),
]


@pytest.mark.parametrize(("file", "item_id", "field"), EXPECTED_ERRORS)
def test_broken_entry_is_reported_with_file_id_and_field(broken_bank, file, item_id, field):
    found = [e for e in broken_bank.errors
             if (e.file, e.item_id, e.field) == (file, item_id, field)]
    assert found, [str(e) for e in broken_bank.errors]
    text = str(found[0])
    assert file in text and item_id in text and field in text


def test_bad_yaml_names_the_file_and_line(broken_bank):
    errors = [e for e in broken_bank.errors if e.file == "c_bad_yaml.yaml"]
    assert len(errors) == 1
    assert "not valid YAML" in errors[0].message and "line" in errors[0].message


def test_valid_questions_still_load_and_errors_are_logged(broken_bank, caplog):
    assert set(broken_bank.questions) == {"good-one", "good-two", "still-fine"}
    assert broken_bank.questions["good-one"].source == "a_good.yaml"  # the first one wins
    assert broken_bank.exercises == {}
    logged = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    assert "b_broken.yaml: question three-options: field options" in logged
    assert "c_bad_yaml.yaml" in logged


def test_missing_directory_is_an_error_not_a_crash(tmp_path, kb):
    bank = load_bank(tmp_path / "nowhere", kb)
    assert bank.questions == {} and len(bank.errors) == 1


# --- the real bank -------------------------------------------------------------------------

def test_real_bank_has_no_errors(bank):
    assert bank.errors == []


def test_at_least_90_fact_questions_in_every_topic(bank):
    assert len(bank.questions) >= 90
    counts = bank.topic_counts()
    assert set(counts) == set(TOPICS)
    assert all(n >= 3 for n in counts.values()), counts


REQUIRED_SECTIONS = [
    "学習目標",
    "4.1 5つの詳細ケーススタディ › Case Study 1: Netflix推薦システム",
    "4.1 5つの詳細ケーススタディ › Case Study 2: Google翻訳(GNMT)",
    "4.1 5つの詳細ケーススタディ › Case Study 3: Tesla Autopilot(自動運転)",
    "4.1 5つの詳細ケーススタディ › Case Study 4: AlphaGo(囲碁AI)",
    "4.1 5つの詳細ケーススタディ › Case Study 5: 医療診断(皮膚癌検出)",
    "4.2 将来トレンド:3つの主要動向 › Trend 1: 基盤モデル(Foundation Models)",
    "4.2 将来トレンド:3つの主要動向 › Trend 2: AutoML(自動機械学習)",
    "4.2 将来トレンド:3つの主要動向 › Trend 3: エッジAI(デバイス上の機械学習)",
    "4.3 キャリアパス:3つの主要進路 › Path 1: データサイエンティスト",
    "4.3 キャリアパス:3つの主要進路 › Path 2: 機械学習エンジニア(MLE)",
    "4.3 キャリアパス:3つの主要進路 › Path 3: AI研究者",
    "4.4 スキル開発タイムライン › 3ヶ月プラン(基礎固め)",
    "4.4 スキル開発タイムライン › 1年プラン(実践力強化)",
    "4.4 スキル開発タイムライン › 3年プラン(エキスパート)",
    "4.5 学習リソース集 › オンラインコース",
    "4.5 学習リソース集 › 書籍(日本語)",
    "4.5 学習リソース集 › 書籍(英語)",
    "4.5 学習リソース集 › コミュニティ",
    "4.5 学習リソース集 › カンファレンス",
    "4.5 学習リソース集 › ツール・プラットフォーム",
    "本章のまとめ",
    "参考文献",
]


@pytest.mark.parametrize("section", REQUIRED_SECTIONS)
def test_every_section_has_questions(bank, kb, section):
    assert kb.find_section(section) is not None, f"no such section in the chapter: {section}"
    wanted = normalize_path(section)
    cited = [q.id for q in bank.questions.values()
             if normalize_path(q.citation.heading_path) == wanted
             or normalize_path(q.citation.heading_path).startswith(wanted + " › ")]
    assert cited, f"no question cites {section}"


def test_every_citation_resolves_verbatim(bank, kb):
    for q in bank.questions.values():
        assert kb.find_section(q.citation.heading_path) is not None, q.id
        assert kb.evidence_under(q.citation.heading_path, q.citation.evidence), q.id


def test_every_reveal_quote_is_verbatim_and_holds_the_evidence(bank, kb):
    assert set(bank.quotes) == set(bank.questions)
    for qid, quote in bank.quotes.items():
        evidence = bank.get(qid).citation.evidence
        assert all(kb.is_verbatim(quote.chapter_id, line) for line in quote.lines), qid
        assert any(evidence in line for line in quote.lines) or evidence in quote.text, qid
        assert normalize_path(quote.heading_path).startswith(
            normalize_path(bank.get(qid).citation.heading_path)), qid


def _in_chapter(text: str, chapter: str) -> bool:
    text = unicodedata.normalize("NFKC", text)
    return text in chapter or all(part in chapter for part in text.split("、"))


def test_mc_questions_have_four_distinct_options_taken_from_the_chapter(bank, kb):
    chapter = unicodedata.normalize("NFKC", kb.chapters[0].text)
    mc = [q for q in bank.questions.values() if q.kind == "mc"]
    assert len(mc) >= 30
    for q in mc:
        assert len(q.options) == 4 and len({o.ja for o in q.options}) == 4, q.id
        assert q.answer_index in range(4), q.id
        for option in q.options:
            assert _in_chapter(option.ja, chapter), (q.id, option.ja)
    positions = [q.answer_index for q in mc]
    assert all(positions.count(i) >= 5 for i in range(4)), positions


def test_every_question_accepts_its_own_answer(bank):
    for q in bank.questions.values():
        if q.kind in ("mc", "tf"):
            letter = OPTION_LETTERS[q.correct_choice] if q.kind == "mc" else \
                ("true" if q.answer_bool else "false")
            assert check_answer(q, letter).correct, q.id
        else:
            for form in q.accepted:
                assert check_answer(q, form).correct, (q.id, form)


def test_exercises_are_verbatim_from_the_chapter(bank, kb):
    assert sorted(bank.exercises) == [1, 2, 3]
    assert [bank.exercise(n).difficulty for n in (1, 2, 3)] == ["easy", "medium", "hard"]
    for exercise in bank.exercises.values():
        _, section = kb.find_section(exercise.heading_path)
        assert f"問題{exercise.number}" in section.heading
        assert f"難易度:{exercise.difficulty}" in section.heading
        texts = [exercise.prompt, exercise.model_answer, *exercise.hints]
        assert exercise.hints
        for text in texts:
            assert kb.is_verbatim("ch04", text), text[:40]
            assert kb.evidence_under(exercise.heading_path, text), text[:40]
        for point in exercise.key_points:
            assert point.source in exercise.model_answer, point.id
            assert point.cues_ja and point.cues_en, point.id


def test_key_points_summarise_the_model_answer_not_the_prompt(bank):
    """Each key point is drawn from a content line of the model answer (not a section
    heading that repeats the prompt), and no cue is a word of the prompt itself, so an
    answer that only echoes the question ticks nothing."""
    for exercise in bank.exercises.values():
        for point in exercise.key_points:
            assert not point.source.startswith("#"), (exercise.number, point.id)
            assert point.source not in exercise.prompt, (exercise.number, point.id)
        generic = {"技術", "モデル", "影響", "1年", "technology", "model", "impact", "1 year"}
        assert not [(p.id, c) for p in exercise.key_points for c in p.cues
                    if c.casefold() in generic], exercise.number
        for language in ("ja", "en"):
            echo = "\n".join([exercise.prompt_in(language), *exercise.hints_in(language)])
            ticked = assess(exercise, echo).covered
            assert not ticked, (exercise.number, language,
                                [(p.key_point.id, p.cues_found) for p in ticked])


def test_exercises_have_english_text_beside_the_verbatim_japanese(bank):
    for exercise in bank.exercises.values():
        assert exercise.english is not None, exercise.number
        assert len(exercise.english.hints) == len(exercise.hints)
        assert exercise.prompt_in("en") == exercise.english.prompt != exercise.prompt
        assert exercise.prompt_in("ja") == exercise.prompt
        assert exercise.model_answer_in("en").count("\n") >= 5
        assert not any("\u3040" <= ch <= "\u30ff" for ch in exercise.english.prompt)
        for point in exercise.key_points:
            assert point.label.en and point.label.ja != point.label.en


def test_english_hints_must_pair_with_the_japanese_ones(tmp_path, kb):
    for source in Path(__file__).resolve().parents[2].joinpath("knowledge", "quiz").glob("*.yaml"):
        shutil.copy(source, tmp_path / source.name)
    exercises = tmp_path / "exercises.yaml"
    exercises.write_text(exercises.read_text("utf-8").replace(
        "    - 'Scale: how many people did it affect?'\n", ""), "utf-8")
    bank = load_bank(tmp_path, kb)
    assert [(e.item_id, e.field) for e in bank.errors] == [("exercise-1", "en.hints")]
    assert "one hint per Japanese hint (4), not 3" in str(bank.errors[0])


def test_bank_loads_from_a_copy_and_rejects_a_hint_edit(tmp_path, kb):
    """Editing a hint so it is no longer verbatim is caught, and only that exercise drops."""
    for source in Path(__file__).resolve().parents[2].joinpath("knowledge", "quiz").glob("*.yaml"):
        shutil.copy(source, tmp_path / source.name)
    exercises = tmp_path / "exercises.yaml"
    exercises.write_text(exercises.read_text("utf-8").replace(
        "スケール:どれだけの人に影響を与えたか", "スケール:どれだけ儲かったか"), "utf-8")
    bank = load_bank(tmp_path, kb)
    assert [(e.item_id, e.field) for e in bank.errors] == [("exercise-1", "hints[3]")]
    assert sorted(bank.exercises) == [2, 3] and len(bank.questions) >= 90


def test_a_hint_that_introduces_a_list_carries_the_list(bank, kb):
    lead_in = bank.exercise(2).hints[0]
    assert lead_in.startswith("第4.3節のキャリアパスの表を参考に、以下の違いを考えてみましょう:")
    assert lead_in.endswith("\n- データサイエンティスト:ビジネス課題の特定と分析"
                            "\n- 機械学習エンジニア:MLシステムの実装と運用")
    assert kb.is_verbatim("ch04", lead_in)  # as the chapter prints it
    assert len(bank.exercise(3).hints) >= 4  # "自己評価:…" hints are no lead-ins


def test_close_topics_name_what_a_member_probably_meant(bank):
    assert bank.close_topics("netflx") == ["netflix"]
    assert bank.close_topics("推薦") == ["netflix"]  # by its Japanese name
    assert bank.close_topics("edge")[0] == "edge-ai"
    assert bank.close_topics("qwzxv") == []

def test_english_hints_carry_their_list_like_the_japanese(bank):
    """A member's n-th hint is one hint in either language: the English hints (issue 16)
    are grouped by the Japanese lead-ins (issue 14), so both lists have one length."""
    for exercise in bank.exercises.values():
        assert exercise.english is not None
        assert len(exercise.hints_in("en")) == len(exercise.hints_in("ja")), exercise.number
    lead_in = bank.exercise(2).hints_in("en")[0]
    assert lead_in.startswith("Using the career-path table in Section 4.3")
    assert lead_in.endswith("\n- Data scientist: identifying and analysing business problems"
                            "\n- Machine learning engineer: implementing and operating ML "
                            "systems")


# --- fairness: what a learner would notice (issue 16) ---------------------------------------

def test_guessing_true_does_not_pay(bank):
    """A member who answers "true" to every true/false question gets 40-60% right, not 76%."""
    tf = [q for q in bank.questions.values() if q.kind == "tf"]
    share = sum(q.answer_bool for q in tf) / len(tf)
    assert len(tf) >= 30 and 0.4 <= share <= 0.6, f"{share:.0%} of {len(tf)} keyed true"


# Wrong options that the chapter itself would defend, or that nobody would pick.
NOT_A_WRONG_OPTION = [
    ("fm-few-shot", "Transfer Learning"),          # the chapter's word for using pretrained models
    ("alphago-policy-network", "Deep Neural Networks"),  # the networks are DNNs
    ("automl-ds-role-2030", "MLシステムの設計・実装・運用"),  # MLE work, i.e. ML engineering
    ("alphago-ke-jie", "皮膚科医"),                 # not a Go player
    ("alphago-elo", "2,032"),                      # the skin-cancer class count
]


@pytest.mark.parametrize(("qid", "option"), NOT_A_WRONG_OPTION)
def test_wrong_options_are_ones_the_chapter_rules_out(bank, qid, option):
    question = bank.get(qid)
    assert option not in [o.ja for o in question.options], (qid, option)


def test_precision_is_not_called_accuracy_beside_recall(bank):
    question = bank.get("plan3m-metrics")
    answer = question.options[question.answer_index]
    assert answer.ja == "精度、再現率、F1、R²" and answer.en.startswith("Precision")


def test_the_latest_papers_point_to_one_community_only(bank, kb):
    """res-community-reddit asks for what only one line of the community list says."""
    question = bank.get("res-community-reddit")
    chapter, section = kb.find_section(question.citation.heading_path)
    lines = [line for line in chapter.body(section).splitlines() if line.startswith("- ")]
    asked = "最新論文"
    assert asked in question.question.ja
    matching = [line for line in lines if asked in line]
    assert len(matching) == 1
    assert matching[0].startswith("- " + question.options[question.answer_index].ja)
    # Nothing the question says is also what another option is listed for (Kaggle:
    # コンペティション、ディスカッション、ノートブック共有).
    for line in lines:
        if line is not matching[0]:
            for item in line.split(":", 1)[-1].split("、"):
                assert item.split("(")[0] not in question.question.ja, (item, line)


@pytest.mark.parametrize("qid", ["skin-cancer-fda", "gnmt-quality", "fm-gpt4-parameters",
                                 "tesla-accident-reduction"])
def test_doubtful_figures_are_asked_as_the_chapters_claim(bank, qid):
    question = bank.get(qid)
    assert question.question.ja.startswith("本章によると")
    assert question.question.en.startswith("According to the chapter")


def test_netflix_prize_explanation_claims_no_winner(bank):
    explanation = bank.get("netflix-prize-money").explanation
    assert "won" not in explanation.en and "与えられ" not in explanation.ja


@pytest.mark.parametrize(("qid", "typed", "correct"), [
    ("plan1y-kaggle-goal", "Bronze", True),
    ("plan1y-kaggle-goal", "ブロンズメダル", True),
    ("plan1y-kaggle-goal", "silver medal", True),
    ("plan1y-kaggle-goal", "Gold", False),
    ("air-phd-years", "3-5", True),
    ("air-phd-years", "3〜5", True),
    ("air-phd-years", "2-3", False),
    ("plan3y-blog-pace", "2〜4本", True),
    ("plan3y-blog-pace", "月2〜4本", True),
    ("plan3y-blog-pace", "1-2本", False),
])
def test_variants_a_learner_would_type(bank, qid, typed, correct):
    assert check_answer(bank.get(qid), typed).correct is correct


@pytest.mark.parametrize("phrase", ["has more than how many", "predicts how many",
                                    "match earlier performance"])
def test_no_awkward_english_questions(bank, phrase):
    assert not [q.id for q in bank.questions.values() if phrase in q.question.en]
