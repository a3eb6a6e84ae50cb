"""Answer quality on several question files at once, with the model loaded once.

    python benchmarks/quality.py tests/data/retrieval_learner_dev.yaml \
        tests/data/retrieval_check*.yaml
    python benchmarks/quality.py FILE --failures   # also list the questions that miss

Prints per file and language: R@1, R@3, MRR (the passage holds the evidence), quote@1 and
quote@3 (what the learner reads holds it), the mean and longest quote, in-scope declined,
and for out-of-scope questions, near misses declined or flagged and unrelated declined.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import load_settings
from bot.retrieval.evaluate import first_hit_rank, load_eval_items, run_eval
from bot.tutor import Tutor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--failures", action="store_true", help="list what misses")
    parser.add_argument("--lexical", action="store_true", help="without the embedding model")
    parser.add_argument("--markdown", action="store_true", help="a table for the README")
    args = parser.parse_args()
    tutor = Tutor.open(load_settings())
    if not args.lexical:
        tutor.load_dense_in_background().join()
    if args.markdown:
        print("| set | lang | n | R@1 | R@3 | MRR@10 | quote@1 | quote@3 | quote chars mean/max |"
              " in-scope declined + flagged | near misses declined or flagged |"
              " unrelated declined |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    else:
        print(f"{'set':<28}{'lang':<5}{'n':>4}{'R@1':>7}{'R@3':>7}{'MRR':>7}{'q@1':>7}"
              f"{'q@3':>7}{'chars':>10}{'declined':>10}{'near-miss':>11}{'unrelated':>11}")
    for name in args.files:
        items = load_eval_items(Path(name))
        rows, metrics = run_eval(tutor, items, k=10)
        abstention = metrics["abstention"]
        for lang in ("ja", "en"):
            m = metrics.get(lang)
            if not m or not m.get("n"):
                continue
            declined = sum(1 for i, r in zip(items, rows, strict=True)
                           if i.in_scope and i.language == lang and not r["answered"])
            flagged = sum(1 for i, r in zip(items, rows, strict=True)
                          if i.in_scope and i.language == lang and r["outcome"] == "partial")
            near = _rate(abstention, "near-miss") if lang == "ja" else ""
            unrelated = _rate(abstention, "unrelated") if lang == "ja" else ""
            if args.markdown:
                stem = Path(name).stem.removeprefix("retrieval_") if lang == "ja" else ""
                print(f"| {stem} | {lang} | {m['n']} | {m['R@1']:.3f} | {m['R@3']:.3f} | "
                      f"{m['MRR@10']:.3f} | {m['quote@1']:.3f} | {m['quote@3']:.3f} | "
                      f"{m.get('quote_mean_chars', 0):.0f}/{m.get('quote_max_chars', 0)} | "
                      f"{declined} + {flagged} | {near} | {unrelated} |")
                continue
            print(f"{Path(name).stem.removeprefix('retrieval_'):<28}{lang:<5}{m['n']:>4}"
                  f"{m['R@1']:>7.3f}{m['R@3']:>7.3f}{m['MRR@10']:>7.3f}{m['quote@1']:>7.3f}"
                  f"{m['quote@3']:>7.3f}{m.get('quote_mean_chars', 0):>6.0f}/"
                  f"{m.get('quote_max_chars', 0):<3}{declined:>4}+{flagged}/{m['n']:<3}{near:>11}"
                  f"{unrelated:>11}")
        if args.failures:
            _print_failures(items, rows)
    return 0


def _rate(abstention: dict, kind: str) -> str:
    n = abstention.get(f"{kind}_n")
    if not n:
        return ""
    return f"{round(abstention[f'{kind}_handled_rate'] * n)}/{n}"


def _print_failures(items, rows) -> None:
    for item, row in zip(items, rows, strict=True):
        if not item.in_scope:
            if row["outcome"] == "answered":
                top = row["passages"][0]
                print(f"  OUT answered {item.item_id} {item.question!r} -> {top['quote'][:80]!r}")
            continue
        rank = first_hit_rank(row["passages"], item.evidence)
        quote_rank = first_hit_rank(row["passages"], item.evidence, field="quote")
        if rank == 1 and quote_rank == 1 and row["outcome"] == "answered":
            continue
        top = row["passages"][0] if row["passages"] else None
        shown = f"{top['heading_path'][-40:]!r} {top['quote'][:90]!r}" if top else row["status"]
        print(f"  {item.item_id} R{rank} Q{quote_rank} {row['outcome']} {item.question!r}"
              f" want {item.evidence}"
              f" -> {shown}")


if __name__ == "__main__":
    sys.exit(main())
