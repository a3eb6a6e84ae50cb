"""Score retrieval, the quotes shown and abstention on a question file (the format of
retrieval_dev.yaml).

A passage hits when its text or heading path contains any evidence string of the item
(R@k, MRR). A quote hits when what the learner reads, the quoted lines shown for the
passage or its heading path, contains one (quote@k): on Discord the passage text itself
is not shown, so a right passage with the wrong line quoted still leaves the learner
without the answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.retrieval.answer import Answer
from bot.yamlfile import load_yaml

log = logging.getLogger(__name__)


class EvalFileError(ValueError):
    pass


@dataclass(frozen=True)
class EvalItem:
    item_id: str
    language: str
    question: str
    evidence: tuple[str, ...]
    in_scope: bool
    kind: str = ""  # the file's `type`: fact, explain, ... near-miss, unrelated


def load_eval_items(path: Path) -> list[EvalItem]:
    data = load_yaml(path, EvalFileError)  # one line naming the file, whatever is wrong
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise EvalFileError(f"{path}: expected a top-level 'items' list")
    return [_item(path, i, raw) for i, raw in enumerate(items)]


def _item(path: Path, index: int, raw: object) -> EvalItem:
    if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
        raise EvalFileError(f"{path}: items[{index}] needs a 'q' string")
    return EvalItem(
        item_id=str(raw.get("id", index)),
        language=str(raw.get("lang", "ja")),
        question=raw["q"],
        evidence=tuple(str(e) for e in raw.get("any") or []),
        in_scope=raw.get("kind") != "out",
        kind=str(raw.get("type") or ""),
    )


def run_eval(tutor, items: list[EvalItem], k: int = 10) -> tuple[list[dict], dict]:
    """Ask every item; the answers as JSON rows and the metrics over them."""
    from bot.render_text import answer_to_json

    answers = [tutor.ask(item.question, k=k) for item in items]
    rows = [answer_to_json(a) for a in answers]
    pairs = list(zip(items, rows, strict=True))
    ranks = [first_hit_rank(r["passages"], i.evidence) for i, r in pairs]
    quote_ranks = [first_hit_rank(r["passages"], i.evidence, field="quote") for i, r in pairs]
    return rows, summarize(items, ranks, answers, quote_ranks)


def passage_hits(text: str, heading_path: str, evidence: tuple[str, ...]) -> bool:
    return any(e in text or e in heading_path for e in evidence)


def first_hit_rank(answer_passages: list[dict], evidence: tuple[str, ...],
                   field: str = "text") -> int | None:
    """The rank of the first passage whose `field` ("text", or "quote": what is shown) or
    heading path holds an evidence string."""
    for rank, passage in enumerate(answer_passages, start=1):
        if passage_hits(passage[field], passage["heading_path"], evidence):
            return rank
    return None


def retrieval_metrics(ranks: list[int | None]) -> dict[str, float]:
    count = len(ranks)
    if count == 0:
        return {"n": 0}

    def recall(k: int) -> float:
        return round(sum(1 for r in ranks if r is not None and r <= k) / count, 4)

    mrr = sum(1 / r for r in ranks if r is not None and r <= 10) / count
    return {"n": count, "R@1": recall(1), "R@3": recall(3), "R@5": recall(5),
            "MRR@10": round(mrr, 4)}


def quote_metrics(ranks: list[int | None]) -> dict[str, float]:
    count = len(ranks)
    if count == 0:
        return {}
    return {f"quote@{k}": round(sum(1 for r in ranks if r is not None and r <= k) / count, 4)
            for k in (1, 3)}


def summarize(items: list[EvalItem], ranks: list[int | None], answers: list[Answer],
              quote_ranks: list[int | None] | None = None) -> dict:
    quote_ranks = quote_ranks or [None] * len(items)
    rows = list(zip(items, ranks, quote_ranks, answers, strict=True))
    metrics: dict[str, dict] = {}
    for language in [*sorted({i.language for i in items}), "all"]:
        chosen = [(r, q, a) for i, r, q, a in rows
                  if i.in_scope and language in ("all", i.language)]
        metrics[language] = {**retrieval_metrics([r for r, _, _ in chosen]),
                             **quote_metrics([q for _, q, _ in chosen]),
                             **_quote_lengths([a for _, _, a in chosen])}
    metrics["abstention"] = _abstention(items, answers)
    return metrics


def _quote_lengths(answers: list[Answer]) -> dict[str, float]:
    """How much a learner reads: the mean and longest quote shown for a passage."""
    lengths = [len(" … ".join(p.quote)) for a in answers for p in a.passages]
    if not lengths:
        return {}
    return {"quote_mean_chars": round(sum(lengths) / len(lengths), 1),
            "quote_max_chars": max(lengths)}


def _abstention(items: list[EvalItem], answers: list[Answer]) -> dict[str, float]:
    pairs = list(zip(items, answers, strict=True))
    in_scope = [a for i, a in pairs if i.in_scope]
    out_scope = [a for i, a in pairs if not i.in_scope]

    def rate(group: list[Answer]) -> float | None:
        if not group:
            return None
        return round(sum(1 for a in group if not a.answered) / len(group), 4)

    def handled(group: list[Answer]) -> float | None:
        """Declined, or answered only after saying the chapter doesn't state it."""
        if not group:
            return None
        return round(sum(1 for a in group if a.outcome != "answered") / len(group), 4)

    summary: dict[str, float | None] = {
        "in_scope_abstain_rate": rate(in_scope), "out_of_scope_abstain_rate": rate(out_scope),
        "in_scope_n": len(in_scope), "out_of_scope_n": len(out_scope),
        "in_scope_flagged_rate": handled(in_scope),
        "out_of_scope_handled_rate": handled(out_scope)}
    for kind in sorted({i.kind for i, _ in pairs if not i.in_scope and i.kind}):
        group = [a for i, a in pairs if not i.in_scope and i.kind == kind]
        summary[f"{kind}_n"] = len(group)
        summary[f"{kind}_abstain_rate"] = rate(group)
        summary[f"{kind}_handled_rate"] = handled(group)
    return summary
