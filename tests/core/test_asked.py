import pytest

from bot.retrieval.answer import gather_evidence
from bot.retrieval.asked import asked_noun


@pytest.mark.parametrize(("question", "noun"), [
    ("How many paid subscribers does Netflix have?", "subscriber"),
    ("How many GPUs did AlphaGo use?", "gpus"),
    ("Teslaの完全自動運転(FSD)の月額料金はいくら?", "料金"),
    ("AlphaGoの学習に使ったGPUは何枚?", "gpu"),
    # units are not what is asked about
    ("How many languages can Google Translate handle?", None),
    ("How many years of study does it take to become an AI researcher?", None),
    ("推薦経由の視聴の割合はどれくらい増えた?", None),
    ("テスラの車には何台のカメラがある?", None),
    ("What is Netflix?", None),
])
def test_the_noun_a_quantity_question_asks_about(question, noun):
    assert asked_noun(question) == noun


def test_an_asked_noun_absent_from_the_passage_is_evidence(tutor):
    result = tutor.retriever.search("How many paid subscribers does Netflix have?", k=3)
    assert gather_evidence(tutor.retriever, result).asked_missing == 1.0
    result = tutor.retriever.search("How many cameras does a Tesla have?", k=3)
    assert gather_evidence(tutor.retriever, result).asked_missing == 0.0
