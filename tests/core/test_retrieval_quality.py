"""The quality bar of the foundation issue, on the published development questions."""

import pytest

from bot.render_text import answer_to_json
from bot.retrieval.evaluate import first_hit_rank, load_eval_items, summarize
from tests.conftest import DEV_SET

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dev_metrics(tutor):
    items = load_eval_items(DEV_SET)
    answers = [tutor.ask(item.question, k=10) for item in items]
    ranks = [first_hit_rank(answer_to_json(a)["passages"], i.evidence)
             for i, a in zip(items, answers, strict=True)]
    return summarize(items, ranks, answers)


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
