"""Where the bot's memory goes: RSS after each component loads, the Python heap each one
allocates (tracemalloc), and the resident mappings of the warm process by what they map
(/proc/self/smaps). Each measurement runs in a fresh process, in the order the bot loads.

    .venv/bin/python benchmarks/memory.py            (also run by bench_retrieval.py)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tracemalloc
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["How many people use Google Translate every day?", "Netflixの推薦システムの精度は?",
             "What accuracy did the CNN reach for skin cancer diagnosis?", "エッジAIの利点は?"]


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def steps(settings):
    """The bot's start-up, one component at a time: (name, function)."""
    state = {}

    def imports_torch():
        import torch  # noqa: F401

    def imports_st():
        import sentence_transformers  # noqa: F401

    def imports_rest():
        import bm25s  # noqa: F401
        import faiss  # noqa: F401
        import fugashi  # noqa: F401

    def knowledge_and_index():
        from bot.knowledge.base import KnowledgeBase
        from bot.retrieval.embedder import Embedder
        from bot.retrieval.index import load_index
        from bot.retrieval.search import Retriever

        knowledge = KnowledgeBase.load(settings.knowledge_dir)
        index = load_index(settings, knowledge.chapters)
        state["parts"] = (knowledge, index, Embedder(settings))
        state["retriever"] = Retriever(index, knowledge.glossary, settings, state["parts"][2],
                                       knowledge.intents, knowledge.references)

    def tokenizer_dictionary():
        state["retriever"].search("ウォームアップ warm-up", k=1, use_dense=False)

    def word_frequencies():
        from bot.retrieval import specificity

        specificity.warm_up()

    def model():
        embedder = state["parts"][2]
        embedder.load()
        embedder.encode_queries(["warm-up"])

    def warm_queries():
        from bot.tutor import Tutor

        knowledge, _, embedder = state["parts"]
        tutor = Tutor(settings, knowledge, embedder, state["retriever"])
        for _ in range(5):
            for question in QUESTIONS:
                tutor.ask(question)

    return [("python + bot config", lambda: None), ("import torch", imports_torch),
            ("import sentence_transformers (transformers, sklearn, scipy)", imports_st),
            ("import faiss, bm25s, fugashi", imports_rest),
            ("knowledge + index (FAISS vectors, BM25)", knowledge_and_index),
            ("tokenizer dictionary (unidic-lite)", tokenizer_dictionary),
            ("word frequencies (wordfreq en + ja)", word_frequencies),
            ("embedding model loaded", model), ("20 warm questions", warm_queries)]


def measure(mode: str) -> list[tuple[str, int]]:
    """In this process: RSS (kB) or traced Python heap (bytes) after each step."""
    from bot.config import load_settings

    if mode == "heap":
        tracemalloc.start()
    settings = load_settings()
    out = []
    for name, step in steps(settings):
        step()
        out.append((name, tracemalloc.get_traced_memory()[0] if mode == "heap" else rss_kb()))
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


def run(mode: str) -> list[tuple[str, int]]:
    env = {**os.environ, "TUTORBOT_LOG_LEVEL": "ERROR"}
    done = subprocess.run([sys.executable, __file__, "--measure", mode], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return [tuple(item) for item in json.loads(done.stdout.strip().splitlines()[-1])]


def report() -> None:
    rss, heap, maps = run("rss"), run("heap"), run("smaps")
    print("memory, step by step (fresh process; RSS delta / Python heap delta by tracemalloc):")
    last_rss = last_heap = 0
    for (name, kb), (_, heap_bytes) in zip(rss, heap, strict=True):
        print(f"  {name:<58} +{(kb - last_rss) / 1024:6.0f} MB RSS "
              f"(+{(heap_bytes - last_heap) / 1e6:5.0f} MB Python heap)  total {kb / 1024:5.0f} MB")
        last_rss, last_heap = kb, heap_bytes
    total = sum(kb for _, kb in maps)
    print(f"resident mappings of the warm process by owner (smaps; {total / 1024:.0f} MB):")
    for name, kb in maps:
        if kb >= 5 * 1024:
            print(f"  {kb / 1024:6.0f} MB  {name}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2])))
    else:
        report()
