"""Retrieval figures for the foundation issue; prints each one, asserts nothing.

    .venv/bin/python benchmarks/bench_retrieval.py [--scale 100] [--queries 200] [--memory-only]

- warm `ask` latency p50/p95, split into query encoding, search and answer assembly;
- index build time for the chapter;
- cold start: to the first lexical answer (long-running modes) and a one-shot `ask`;
- RSS of this process (now and its peak, which includes building the index), and where
  the memory of a warm serving process goes (benchmarks/memory.py: smaps_rollup and
  Python heap per component in load order, resident mappings by owner, the peak of a
  one-shot `tutorbot ask`);
- a scale run on a synthetic corpus N× the chapter: build time and p95 query latency.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import memory  # noqa: E402
from figures import percentile  # noqa: E402

QUESTIONS = [
    "Netflixの深層学習フェーズの精度は?", "How much annual value did Netflix's recommender create?",
    "GNMTで翻訳品質はどれくらい上がった?", "How many people use Google Translate every day?",
    "テスラの事故率はどれくらい減った?", "What rewards are used for reinforcement learning?",
    "AlphaGoが使った探索手法は?", "When did AlphaGo beat the world champion?",
    "皮膚病変の分類は何種類?", "What accuracy did the CNN reach for skin cancer diagnosis?",
    "エッジAIの利点は?", "What programming languages does a data scientist need?",
    "アメリカのAI研究者の給料は?", "What should I build in weeks 9 to 12?",
    "1年プランの最後の3ヶ月で何に特化する?", "Which course does fast.ai offer?",
]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def rss_mb() -> float:
    """This process's peak RSS (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    return memory.rollup_kb()["Rss"] / 1024


def warm_latency(tutor, rounds: int) -> None:
    parts: dict[str, list[float]] = {"encode": [], "search": [], "assemble": [], "total": []}
    for n in range(rounds):
        question = QUESTIONS[n % len(QUESTIONS)]
        started = time.perf_counter()
        answer = tutor.ask(question)
        parts["total"].append(time.perf_counter() - started)
        for key in ("encode", "search", "assemble"):
            parts[key].append(answer.timings.get(key, 0.0))
    for key, values in parts.items():
        print(f"warm ask {key:<9} p50 {ms(percentile(values, 0.5)):>9}   "
              f"p95 {ms(percentile(values, 0.95)):>9}")
    encode = statistics.median(parts["encode"])
    after = statistics.median(parts["search"]) + statistics.median(parts["assemble"])
    print(f"after-encoding overhead: {after / encode * 100:.0f}% of encoding "
          f"(goal <= 30%)")


def build_time(settings) -> None:
    from bot.retrieval.embedder import Embedder
    from bot.retrieval.index import build_index

    embedder = Embedder(settings)
    embedder.load()
    started = time.perf_counter()
    build_index(settings, embedder, progress=False)
    print(f"index build (chapter, model already loaded): {time.perf_counter() - started:.2f} s")


def cold_starts(settings) -> None:
    env_args = [f"TUTORBOT_INDEX_DIR={settings.index_dir}"]
    lexical = (
        "import time; t=time.perf_counter();"
        "from bot.config import load_settings; from bot.tutor import Tutor;"
        "tu=Tutor.open(load_settings()); tu.load_dense_in_background();"
        "a=tu.ask('Netflixの深層学習フェーズの精度は?');"
        "print(f'{time.perf_counter()-t:.2f} {a.mode} {a.answered}')"
    )
    for label, code in (("first lexical answer (bot/chat start)", lexical),):
        out = _run_python(code, env_args)
        print(f"cold start to {label}: {out}")
    started = time.perf_counter()
    subprocess.run(["env", *env_args, sys.executable, "-m", "bot.cli", "ask",
                    "Netflixの深層学習フェーズの精度は?"], cwd=ROOT, check=True,
                   capture_output=True)
    print(f"cold one-shot `tutorbot ask` (hybrid, waits for the model): "
          f"{time.perf_counter() - started:.2f} s")
    imports = _run_python("import time; t=time.perf_counter(); import sentence_transformers;"
                          "print(f'{time.perf_counter()-t:.2f} s')", env_args)
    print(f"  of which `import sentence_transformers` (torch, transformers) alone: {imports}")


def _run_python(code: str, env_args: list[str]) -> str:
    done = subprocess.run(["env", *env_args, sys.executable, "-c", code], cwd=ROOT,
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


def scale_run(settings, factor: int, queries: int) -> None:
    from bot.retrieval.embedder import Embedder
    from bot.retrieval.index import build_index
    from bot.tutor import Tutor

    with tempfile.TemporaryDirectory() as tmp:
        knowledge = Path(tmp) / "knowledge"
        knowledge.mkdir()
        _synthetic_corpus(settings.knowledge_dir, knowledge, factor)
        scaled = dataclasses.replace(settings, knowledge_dir=knowledge,
                                     index_dir=Path(tmp) / "index")
        embedder = Embedder(scaled)
        embedder.load()
        started = time.perf_counter()
        build_index(scaled, embedder, progress=False)
        build = time.perf_counter() - started
        tutor = Tutor.open(scaled, build_if_needed=False)
        tutor.embedder = embedder
        tutor.retriever.embedder = embedder
        latencies = []
        for n in range(queries):
            started = time.perf_counter()
            tutor.ask(QUESTIONS[n % len(QUESTIONS)])
            latencies.append(time.perf_counter() - started)
        chunks = len(tutor.retriever.chunks)
        print(f"scale {factor}x ({chunks} chunks): build {build:.1f} s, query p50 "
              f"{ms(percentile(latencies, 0.5))}, p95 {ms(percentile(latencies, 0.95))}")


def _synthetic_corpus(source: Path, target: Path, factor: int) -> None:
    """The chapter copied factor times, each copy a chapter of its own id."""
    shutil.copy(source / "glossary.yaml", target / "glossary.yaml")
    text = (source / "ch04.md").read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    for n in range(factor):
        front = f"---\nid: copy{n:03d}\ntitle: copy {n}\nlanguage: ja\n---\n"
        (target / f"copy{n:03d}.md").write_text(front + body.replace("第4章", f"第{n}章"),
                                                 encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--memory-only", action="store_true",
                        help="only the memory breakdown (about 2 minutes)")
    args = parser.parse_args()
    if args.memory_only:
        memory.report()
        return 0
    from bot.config import load_settings
    from bot.tutor import Tutor

    with tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(load_settings(), index_dir=Path(tmp) / "index")
        build_time(settings)
        cold_starts(settings)
        tutor = Tutor.open(settings)
        tutor.load_dense_in_background().join()
        warm_latency(tutor, args.queries)
        # This process built the index above (batches of 32 passages up to 256 tokens: the
        # activations are the peak), which the running bot never does: it loads the
        # prebuilt one. memory.report() measures the bot's own path in fresh processes.
        print(f"this benchmark process after warm queries: {current_rss_mb():.0f} MB now, "
              f"peak {rss_mb():.0f} MB (the peak includes building the index)")
        memory.report()
        if args.scale:
            scale_run(settings, args.scale, min(args.queries, 100))
        print(f"peak RSS overall: {rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
