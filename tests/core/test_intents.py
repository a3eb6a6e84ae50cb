from pathlib import Path

import pytest

from bot.knowledge.document import KnowledgeError
from bot.knowledge.intents import load_intents


@pytest.mark.parametrize(("question", "expected"), [
    ("What is AutoML?", "定義"),
    ("エッジAIとは?", "定義"),
    ("what's automl?", "定義"),
    ("what does edge ai mean", "定義"),
    ("AutoMLってどういうこと?", "定義"),
    ("エッジAIってどういう意味？", "定義"),
    ("AutoMLって何?", "定義"),
    ("エッジAIってなに", "定義"),
    ("ok i finished everything, what should i do next?", "次のステップ"),
    ("全部読み終わったら、次は何をすればいいですか?", "次のステップ"),
    ("What does a data scientist actually do?", "役割"),
    ("Where can I work as an AI researcher?", "組織例"),
    ("Which companies hire ML engineers?", "企業例"),
    ("How much less data do foundation models need?", "効果"),
    ("What is predicted for AutoML by 2025?", "予測"),
    # An English word inside Japanese, between kana that Unicode counts as word characters.
    ("AutoMLのfutureってどうなるの?", "予測"),
])
def test_question_forms_name_their_section(knowledge, question, expected):
    assert expected in knowledge.intents.expand(question)


def test_what_to_do_in_a_plan_is_no_question_about_next_steps(knowledge):
    assert "次のステップ" not in knowledge.intents.expand("3ヶ月プランの最初の1ヶ月って何する?")


@pytest.mark.parametrize("question", [
    "transformerになって何が良くなったの?",  # なって + 何が: what improved
    "Transformerって何がすごいの?",  # 何が: what about it is great
])
def test_what_about_a_thing_asks_no_definition(knowledge, question):
    assert "定義" not in knowledge.intents.expand(question)


def test_an_ordinary_question_adds_nothing(knowledge):
    assert knowledge.intents.expand("Netflixの深層学習フェーズの精度は?") == []
    assert "定義" not in knowledge.intents.expand(
        "What is the accuracy of the CNN compared to dermatologists, and why?")


@pytest.mark.parametrize(("entry", "message"), [
    ("patterns: ['(unclosed']\n    adds: [定義]", r"intents\.yaml: intents\[0\]: patterns"),
    ("patterns: ['a']\n    adds: []\n    owns: 参考文献", r"intents\[0\]: field 'owns'"),
    ("patterns: ['a']\n    adds: []\n    expects: '[$'", r"intents\.yaml: intents\[0\]: expects"),
])
def test_a_broken_entry_names_the_file_entry_and_field(tmp_path: Path, entry, message):
    path = tmp_path / "intents.yaml"
    path.write_text(f"intents:\n  - name: x\n    {entry}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        load_intents(path)


def test_the_reference_list_is_owned_by_citation_questions(knowledge):
    assert "参考文献" in knowledge.intents.unasked_sections("What is AutoML?")
    assert "参考文献" not in knowledge.intents.unasked_sections("Who wrote the AlphaGo paper?")
    assert "参考文献" not in knowledge.intents.unasked_sections("AutoMLの参考文献は?")


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
    ("How do I reverse a list in Python?", "code"),
    ("SQLで2つのテーブルをJOINするには?", "code"),
    ("明日の会議って何時から?", "clock_time"),
    ("what time does the study group start tonight", "clock_time"),
])
def test_some_questions_expect_a_kind_of_answer(knowledge, question, kind):
    names = [i.name for i in knowledge.intents.matching(question) if i.expects is not None]
    assert names == [kind]


@pytest.mark.parametrize("question", [
    "Which dataset is used for the house price regression project?",
    "How much did Netflix cut churn?",
    "誰でも使えるAutoMLツールは?",
    "How do I get started with Python?",
    "Pythonで機械学習を始めるには?",
    "AutoMLって何時間で学習できる?",  # hours, not a time of day
])
def test_other_questions_expect_nothing_in_particular(knowledge, question):
    assert knowledge.intents.expected_answers(question) == []
