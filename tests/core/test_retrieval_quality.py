"""The quality bar of the foundation issue, on the published development questions."""

from pathlib import Path

import pytest

from bot.retrieval.evaluate import load_eval_items, run_eval
from tests.conftest import DEV_SET, LEARNER_DEV_SET

pytestmark = pytest.mark.slow


def metrics_of(tutor, path: Path) -> dict:
    _, metrics = run_eval(tutor, load_eval_items(path), k=10)
    return metrics


@pytest.fixture(scope="module")
def dev_metrics(tutor):
    return metrics_of(tutor, DEV_SET)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_dev_set_meets_the_bar(dev_metrics, language):
    metrics = dev_metrics[language]
    assert metrics["R@3"] >= 0.95, metrics
    assert metrics["R@1"] >= 0.80, metrics
    assert metrics["MRR@10"] >= 0.88, metrics


def test_dev_set_abstention(dev_metrics):
    abstention = dev_metrics["abstention"]
    assert abstention["out_of_scope_abstain_rate"] == 1.0
    assert abstention["in_scope_abstain_rate"] <= 0.03



# Dev-style sets written blind from the chapter (tests/data): the same bar, so a change
# that only suits the dev questions shows here. Near misses make "every out-of-scope
# question abstains" too strict for them: 90% declined or flagged is asked instead (the
# learner bar's "handled": a price the chapter lacks may be answered from the topic after
# "The chapter doesn't state the price"), and three in four declined outright, which the
# unrelated questions among them (most of each set) must be.
HELD_OUT = ["retrieval_check3.yaml", "retrieval_check7.yaml", "retrieval_check11.yaml",
            "retrieval_check12.yaml", "retrieval_check13.yaml"]
DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module", params=HELD_OUT)
def held_out_metrics(tutor, request):
    return metrics_of(tutor, DATA / request.param)


def test_held_out_sets_meet_the_bar(held_out_metrics):
    for language in ("ja", "en"):
        metrics = held_out_metrics[language]
        assert metrics["R@3"] >= 0.95, (language, metrics)
        assert metrics["R@1"] >= 0.80, (language, metrics)
        assert metrics["MRR@10"] >= 0.88, (language, metrics)
    abstention = held_out_metrics["abstention"]
    assert abstention["in_scope_abstain_rate"] <= 0.03
    assert abstention["out_of_scope_handled_rate"] >= 0.9
    assert abstention["out_of_scope_abstain_rate"] >= 0.75


# The learner-style dev set (casual English, colloquial Japanese, near misses): the issue's
# bar (R@1 and quote@1 0.85, R@3 0.97, quote@3 0.95).
LEARNER_BAR = {"R@1": 0.85, "R@3": 0.97, "quote@1": 0.85, "quote@3": 0.95}


def assert_learner_abstention(abstention: dict) -> None:
    """Every unrelated question declined, 90% of near misses declined or flagged, at most
    3% of in-scope questions declined."""
    assert abstention["unrelated_abstain_rate"] == 1.0
    assert abstention["near-miss_handled_rate"] >= 0.9
    assert abstention["in_scope_abstain_rate"] <= 0.03


@pytest.fixture(scope="module")
def learner_metrics(tutor):
    return metrics_of(tutor, LEARNER_DEV_SET)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_learner_dev_quotes_hold_the_answer(learner_metrics, language):
    metrics = learner_metrics[language]
    for name, floor in LEARNER_BAR.items():
        assert metrics[name] >= floor, (name, metrics)
    assert metrics["quote_max_chars"] <= 600 and metrics["quote_mean_chars"] <= 200, metrics


def test_learner_dev_near_misses_and_unrelated(learner_metrics):
    assert_learner_abstention(learner_metrics["abstention"])


# The other learner-style sets, written blind by others (A-D; the models are fitted on
# them too, so these guard against losing ground rather than measure generalisation).
LEARNER_SETS = ["retrieval_learner_a.yaml", "retrieval_learner_b.yaml",
                "retrieval_learner_c.yaml", "retrieval_learner_d.yaml"]


@pytest.fixture(scope="module", params=LEARNER_SETS)
def other_learner_metrics(tutor, request):
    return metrics_of(tutor, DATA / request.param)


def test_other_learner_sets_keep_their_ground(other_learner_metrics):
    for language in ("ja", "en"):
        metrics = other_learner_metrics[language]
        assert metrics["R@3"] >= 0.95 and metrics["quote@3"] >= 0.9, (language, metrics)
        assert metrics["quote@1"] >= 0.75, (language, metrics)
    assert_learner_abstention(other_learner_metrics["abstention"])
