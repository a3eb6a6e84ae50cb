"""The `tutorbot` command line: the same core as the Discord bot, no token needed."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bot import __version__
from bot.caches import direct_caches
from bot.config import ConfigError, Settings, load_settings
from bot.knowledge.document import KnowledgeError
from bot.logging_setup import setup_logging
from bot.retrieval.embedder import EmbedderError
from bot.retrieval.index import IndexError_
from bot.storage.db import DatabaseError

log = logging.getLogger(__name__)

USER_ERRORS = (ConfigError, KnowledgeError, IndexError_, EmbedderError, DatabaseError)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def open_tutor(settings: Settings, wait_for_model: bool = True):
    from bot.tutor import Tutor

    tutor = Tutor.open(settings, progress=sys.stderr.isatty(), notify=_say)
    if wait_for_model:
        tutor.load_dense_in_background().join()
    return tutor


def cmd_index_build(args: argparse.Namespace, settings: Settings) -> int:
    from bot.retrieval.embedder import Embedder
    from bot.retrieval.index import ReadOnlyIndexError, build_index, describe, load_index

    problem = None
    if not args.force:
        try:
            load_index(settings)
            print(f"index at {settings.index_dir} is current (use --force to rebuild)")
            return 0
        except IndexError_ as found:
            problem = describe(found, settings)
            print(f"{problem}: building")
    try:
        path = build_index(settings, Embedder(settings),
                           progress=sys.stderr.isatty() or args.progress)
    except ReadOnlyIndexError as read_only:
        why = f"{problem}, and " if problem else ""
        _say(f"tutorbot: {why}{read_only}: make it writable, or set index_dir to a "
             "writable folder")
        return 2
    print(f"index built at {path.resolve()}")
    return 0


def cmd_index_info(args: argparse.Namespace, settings: Settings) -> int:
    from bot.knowledge.document import load_chapters
    from bot.retrieval.index import check_current, check_files, current_dir, read_manifest

    directory = current_dir(settings.index_dir)
    manifest = read_manifest(directory)
    try:
        check_current(manifest, settings, load_chapters(settings.knowledge_dir))
        check_files(directory, manifest)  # "current" only if the files are what was built
        state = "current"
    except IndexError_ as problem:
        state = str(problem)
    if args.json:
        print(json.dumps({"state": state, "manifest": manifest}, ensure_ascii=False, indent=2))
        return 0
    print(f"state:      {state}")
    for key in ("model", "dimension", "index_type", "chunk_count", "chunker_version",
                "tokenizer_version", "built_at", "build_seconds"):
        print(f"{key + ':':<12}{manifest.get(key)}")
    for name, digest in (manifest.get("knowledge_sha256") or {}).items():
        print(f"knowledge:  {name} sha256 {digest[:16]}…")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.knowledge.lang import detect_language
    from bot.render_text import answer_to_json, render_answer
    from bot.retrieval.answer import validate_question

    # Bad input is answered at once, without loading the model.
    answer = validate_question(args.question, detect_language(args.question))
    if answer is None:
        answer = open_tutor(settings).ask(args.question, k=args.k)
    if args.json:
        print(json.dumps(answer_to_json(answer), ensure_ascii=False, indent=2))
    else:
        print(render_answer(answer, color=sys.stdout.isatty()))
    return 0 if answer.status != "invalid" else 1


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.retrieval.evaluate import EvalFileError, load_eval_items, run_eval

    try:
        items = load_eval_items(Path(args.file))
    except EvalFileError as problem:  # before the model loads: a typo costs no wait
        _say(f"tutorbot: eval: {problem}")
        return 2
    rows, metrics = run_eval(open_tutor(settings), items, k=args.k)
    if args.json:
        out = [{"id": i.item_id, "answered": r["answered"], "status": r["outcome"], "passages": [
            {k: p[k] for k in ("text", "heading_path", "quote", "score")} for p in r["passages"]
        ]} for i, r in zip(items, rows, strict=True)]
        print(json.dumps({"items": out, "metrics": metrics}, ensure_ascii=False, indent=2))
    else:
        print_metrics(metrics)
    return 0


def print_metrics(metrics: dict) -> None:
    print(f"{'lang':<6}{'n':>4}{'R@1':>8}{'R@3':>8}{'R@5':>8}{'MRR@10':>8}"
          f"{'quote@1':>9}{'quote@3':>9}{'quote chars':>13}")
    for lang, m in metrics.items():
        if lang == "abstention" or not m.get("n"):
            continue
        print(f"{lang:<6}{m['n']:>4}{m['R@1']:>8.3f}{m['R@3']:>8.3f}{m['R@5']:>8.3f}"
              f"{m['MRR@10']:>8.3f}{m['quote@1']:>9.3f}{m['quote@3']:>9.3f}"
              f"{m.get('quote_mean_chars', 0):>7.0f}/{m.get('quote_max_chars', 0):<5}")
    a = metrics["abstention"]
    print(f"abstained: in-scope {a['in_scope_abstain_rate']} of {a['in_scope_n']}, "
          f"out-of-scope {a['out_of_scope_abstain_rate']} of {a['out_of_scope_n']}")
    for kind in ("near-miss", "unrelated"):
        if a.get(f"{kind}_n"):
            print(f"  {kind}: declined {a[f'{kind}_abstain_rate']}, declined or flagged "
                  f"{a[f'{kind}_handled_rate']} of {a[f'{kind}_n']}")


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discordbot.runner import run_bot

    return run_bot(settings)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import run_console

    return run_console(settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tutorbot", description="Study-group tutor for the "
                                     "chapter: cited answers, quizzes and study plans.")
    parser.add_argument("--version", action="version", version=f"tutorbot {__version__}")
    parser.add_argument("--config", type=Path, help="YAML settings file (default ./config.yaml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="build or inspect the search index")
    index_commands = index.add_subparsers(dest="index_command", required=True)
    build = index_commands.add_parser("build", help="build the index")
    build.add_argument("--force", action="store_true", help="rebuild even if current")
    build.add_argument("--progress", action="store_true", help="show a progress bar")
    build.set_defaults(handler=cmd_index_build)
    info = index_commands.add_parser("info", help="show the index manifest")
    info.add_argument("--json", action="store_true")
    info.set_defaults(handler=cmd_index_info)

    ask = commands.add_parser("ask", help="ask a question about the chapter")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("-k", type=int, default=None, help="passages to show (default 3)")
    ask.set_defaults(handler=cmd_ask)

    evaluate = commands.add_parser("eval", help="score retrieval on a question file")
    evaluate.add_argument("file")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("-k", type=int, default=10, help="passages per question (default 10)")
    evaluate.set_defaults(handler=cmd_eval)

    chat = commands.add_parser("chat", help="interactive console: ask, quiz, practise, plans")
    chat.set_defaults(handler=cmd_chat)

    run = commands.add_parser("run", help="run the Discord bot (token from DISCORD_TOKEN)")
    run.add_argument("--shard-count", dest="shard_count", metavar="N",
                     help="total shards of the bot across all processes (setting shard_count)")
    run.add_argument("--shards", dest="shard_ids", metavar="IDS",
                     help="the shards this process runs, e.g. 0-3 or 0,2 (setting shard_ids)")
    run.set_defaults(handler=cmd_run)

    from bot.plans import cli as plan_cli
    from bot.quiz import cli as quiz_cli
    from bot.storage import cli as db_cli

    plan_cli.register(commands)
    quiz_cli.register(commands)
    db_cli.register(commands)
    return parser


def main(argv: list[str] | None = None, handlers: dict[str, Callable] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # Flags are text, checked by the config module like environment variables.
        flags = {name: getattr(args, name, None) for name in ("shard_count", "shard_ids")}
        settings = load_settings(args.config, flags=flags)
        setup_logging("DEBUG" if args.verbose else "WARNING", settings.log_json)
        direct_caches(settings.data_dir)
        if getattr(args, "k", None) is not None and not 1 <= args.k <= 20:
            raise ConfigError("-k must be between 1 and 20")
        return args.handler(args, settings)
    except USER_ERRORS as problem:
        _say(f"tutorbot: {problem}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `tutorbot ask … | head`: the reader left. Python would print a traceback when it
        # flushes stdout at exit; point stdout at nothing instead (Python's signal docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a command ended by SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
