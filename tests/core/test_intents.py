from pathlib import Path

import pytest

from bot.knowledge.document import KnowledgeError
from bot.knowledge.intents import load_intents


@pytest.mark.parametrize(("question", "expected"), [
    ("What is AutoML?", "定義"),
    ("エッジAIとは?", "定義"),
    ("What does a data scientist actually do?", "役割"),
    ("Where can I work as an AI researcher?", "組織例"),
    ("Which companies hire ML engineers?", "企業例"),
    ("How much less data do foundation models need?", "効果"),
    ("What is predicted for AutoML by 2025?", "予測"),
])
def test_question_forms_name_their_section(knowledge, question, expected):
    assert expected in knowledge.intents.expand(question)


def test_an_ordinary_question_adds_nothing(knowledge):
    assert knowledge.intents.expand("Netflixの深層学習フェーズの精度は?") == []
    assert "定義" not in knowledge.intents.expand(
        "What is the accuracy of the CNN compared to dermatologists, and why?")


def test_broken_pattern_names_the_file_and_entry(tmp_path: Path):
    path = tmp_path / "intents.yaml"
    path.write_text("intents:\n  - name: x\n    patterns: ['(unclosed']\n    adds: [定義]\n",
                    encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"intents\.yaml: intents\[0\]"):
        load_intents(path)


def test_the_reference_list_is_owned_by_citation_questions(knowledge):
    assert "参考文献" in knowledge.intents.unasked_sections("What is AutoML?")
    assert "参考文献" not in knowledge.intents.unasked_sections("Who wrote the AlphaGo paper?")
    assert "参考文献" not in knowledge.intents.unasked_sections("AutoMLの参考文献は?")


def test_owns_must_be_a_list_of_headings(tmp_path: Path):
    path = tmp_path / "intents.yaml"
    text = "intents:\n  - name: x\n    patterns: ['a']\n    adds: []\n    owns: 参考文献\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"intents\[0\]: field 'owns'"):
        load_intents(path)


def test_exercise_answers_are_owned_by_exercise_questions(knowledge):
    assert "演習問題" in knowledge.intents.unasked_sections("What does an ML engineer do?")
    assert "演習問題" not in knowledge.intents.unasked_sections("問題3のヒントは?")
    assert "演習問題" not in knowledge.intents.unasked_sections(
        "In the sample three-year plan, what salary is the target?")


@pytest.mark.parametrize(("question", "kind"), [
    ("How much does the Coursera Deep Learning Specialization cost?", "price"),
    ("テスラの完全自動運転の価格はいくら?", "price"),
    ("What do data scientists earn in Japan?", "price"),
    ("Who wrote Hands-On Machine Learning?", "person"),
    ("H2O.aiの創業者は誰?", "person"),
    ("How is the BLEU score calculated?", "formula"),
])
def test_some_questions_expect_a_kind_of_answer(knowledge, question, kind):
    names = [i.name for i in knowledge.intents.matching(question) if i.expects is not None]
    assert names == [kind]


@pytest.mark.parametrize("question", [
    "Which dataset is used for the house price regression project?",
    "How much did Netflix cut churn?",
    "誰でも使えるAutoMLツールは?",
])
def test_other_questions_expect_nothing_in_particular(knowledge, question):
    assert knowledge.intents.expected_answers(question) == []


def test_a_broken_expects_pattern_names_the_file_entry_and_field(tmp_path: Path):
    path = tmp_path / "intents.yaml"
    text = "intents:\n  - name: x\n    patterns: ['a']\n    adds: []\n    expects: '[$'\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"intents\.yaml: intents\[0\]: expects"):
        load_intents(path)
