"""The quality bar of the foundation issue, on the published development questions."""

from pathlib import Path

import pytest

from bot.retrieval.evaluate import load_eval_items, run_eval
from tests.conftest import DEV_SET

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dev_metrics(tutor):
    _, metrics = run_eval(tutor, load_eval_items(DEV_SET), k=10)
    return metrics


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
# question abstains" too strict for them; 90% is asked instead.
HELD_OUT = ["retrieval_check3.yaml", "retrieval_check7.yaml", "retrieval_check11.yaml",
            "retrieval_check12.yaml", "retrieval_check13.yaml"]
DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module", params=HELD_OUT)
def held_out_metrics(tutor, request):
    _, metrics = run_eval(tutor, load_eval_items(DATA / request.param), k=10)
    return metrics


def test_held_out_sets_meet_the_bar(held_out_metrics):
    for language in ("ja", "en"):
        metrics = held_out_metrics[language]
        assert metrics["R@3"] >= 0.95, (language, metrics)
        assert metrics["R@1"] >= 0.80, (language, metrics)
        assert metrics["MRR@10"] >= 0.88, (language, metrics)
    abstention = held_out_metrics["abstention"]
    assert abstention["in_scope_abstain_rate"] <= 0.03
    assert abstention["out_of_scope_abstain_rate"] >= 0.9
