"""The topicality gate: a question the abstention model doubts is answered with a hedge
when it is about the chapter's subject, and declined when it is not."""

from __future__ import annotations

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.retrieval.answer import AnswerBuilder
from bot.retrieval.calibration import calibration_for
from bot.retrieval.topicality import TopicModel, char_wb_ngrams, load_topicality

HEDGE_JA = "この章に、この質問にそのまま答える記載は見当たりません"
DOUBTED_JA = "翻訳AIってどれくらい賢くなったの?数字ある?"


@pytest.mark.parametrize("text", [
    "How much  value did Netflix's\trecommender create?",
    "おすすめの本は?",
    "a GNMT vs SMT ab",
    "",
])
def test_character_ngrams_are_scikit_learns(text):
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).build_analyzer()
    assert char_wb_ngrams(text, 2, 4) == analyzer(text)


def test_the_classifier_scores_as_the_scikit_learn_fit_it_was_exported_from():
    texts = ["netflix recommender value", "翻訳の品質は?", "tesla autopilot cameras",
             "pasta recipe tonight", "明日の天気", "my cat scratches the sofa"]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    x = vectorizer.fit_transform(texts)
    fitted = LogisticRegression(C=4.0).fit(x, [1, 1, 1, 0, 0, 0])
    model = TopicModel.from_ngrams(
        (2, 4), {g: (vectorizer.idf_[i], fitted.coef_[0][i])
                 for g, i in vectorizer.vocabulary_.items()}, float(fitted.intercept_[0]))
    unseen = ["netflix netflix prize", "天気と翻訳", "nothing known here", "ＸＹＺ"]
    expected = fitted.decision_function(vectorizer.transform(unseen))
    assert [model.logit(t) for t in unseen] == pytest.approx(list(expected), abs=1e-9)


@pytest.mark.parametrize(("question", "about_the_chapter"), [
    ("what did tesla's cameras learn to see?", True),
    ("画像で皮膚がんを見つけるAIの精度ってどのくらい?", True),
    ("which online course should a beginner take first?", True),
    ("what's a good pasta recipe for tonight?", False),
    ("明日の天気どう?", False),
    ("how do i get my cat to stop scratching the sofa", False),
])
def test_the_shipped_classifier_knows_the_chapters_subject(question, about_the_chapter):
    model, _ = load_topicality()
    assert (model.logit(question) > 0) == about_the_chapter


def test_a_doubted_question_about_the_chapter_is_answered_with_a_hedge(tutor):
    """The abstention model doubts a chatty question with no word of the quality line, but
    the chapter answers it: the learner gets the line, after saying plainly that nothing
    answers it word for word."""
    answer = tutor.ask(DOUBTED_JA)
    assert answer.hedged and answer.outcome == "partial", answer.message
    assert answer.message.startswith(HEDGE_JA) or answer.unmentioned, answer.message
    assert any("60%向上" in line for p in answer.passages for line in p.quote)


@pytest.mark.parametrize("question", [
    "my classroom projector keeps saying 'no signal' on hdmi, any ideas?",
    "おすすめのラーメン屋ある?",
    "how do i get my cat to stop scratching the sofa",
])
def test_a_question_off_the_subject_is_still_declined(tutor, question):
    answer = tutor.ask(question)
    assert answer.status == "abstained" and not answer.passages, answer.message


def test_strictness_moves_the_gate_too(tutor):
    """abstain_strictness 0.5 declines what the gate would answer with a hedge."""
    result = tutor.retriever.search(DOUBTED_JA, k=5, use_dense=tutor.dense_ready)
    calibration = calibration_for(result.mode, tutor.settings)
    lenient = AnswerBuilder(tutor.knowledge, tutor.retriever, calibration, tutor.name_forms)
    strict = AnswerBuilder(tutor.knowledge, tutor.retriever, calibration, tutor.name_forms,
                           strictness=0.5)
    assert lenient.build(DOUBTED_JA, result, 3).hedged
    assert strict.build(DOUBTED_JA, result, 3).status == "abstained"

