"""The quality bar of the foundation issue, on the published development questions."""

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
