"""The quiz's command-line surface, for bot/cli.py and bot/console.py to wire in.

* `register(subparsers)` adds `tutorbot quiz list [--json]`.
* `console_commands()` returns the `tutorbot chat` line handlers for `/quiz [topic] [count]`,
  `/practice [topic]` and `/exercise N`. Each handler is called as
  `handler(arguments, settings, stdin, stdout)` and returns a closing line to print; while it
  runs it reads the member's answers from stdin itself (one line each; `/stop` ends).

The console plays as one fixed member (CONSOLE_MEMBER_ID) in a fixed guild and channel, in
the same database as the bot (settings.database_target), so practice queues persist.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.clock import SystemClock
from bot.config import Settings
from bot.knowledge.base import KnowledgeBase
from bot.quiz.bank import TOPICS, QuestionBank, load_bank
from bot.quiz.exercises import render_feedback
from bot.quiz.render import question_text, reveal_text, review_summary_text, scoreboard_text
from bot.quiz.service import QuizService
from bot.quiz.session import MAX_SECONDS, QuizError
from bot.storage.db import Database

log = logging.getLogger(__name__)

CONSOLE_MEMBER_ID = 0
CONSOLE_GUILD_ID = 0
CONSOLE_CHANNEL_ID = 0
DEFAULT_CONSOLE_COUNT = 5

ConsoleHandler = Callable[[str, Settings, TextIO, TextIO], str]


# ---------------------------------------------------------------------------------------------
# tutorbot quiz list

def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    quiz = subparsers.add_parser("quiz", help="the question bank and exercises")
    commands = quiz.add_subparsers(dest="quiz_command", required=True)
    listing = commands.add_parser("list", help="every question and exercise, with citations")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=cmd_quiz_list)
    return quiz


def load_for(settings: Settings) -> tuple[KnowledgeBase, QuestionBank]:
    knowledge = KnowledgeBase.load(settings.knowledge_dir)
    return knowledge, load_bank(settings.knowledge_dir / "quiz", knowledge)


def bank_to_json(bank: QuestionBank) -> dict:
    return {
        "questions": [
            {"id": q.id, "kind": q.kind, "topic": q.topic,
             "heading_path": q.citation.heading_path, "evidence": q.citation.evidence,
             "question": {"ja": q.question.ja, "en": q.question.en}}
            for q in bank.questions.values()
        ],
        "exercises": [
            {"id": e.id, "number": e.number, "difficulty": e.difficulty,
             "heading_path": e.heading_path, "prompt": e.prompt, "hints": list(e.hints),
             "key_points": [p.id for p in e.key_points],
             "en": ({"prompt": e.english.prompt, "hints": list(e.english.hints)}
                    if e.english else None)}
            for e in sorted(bank.exercises.values(), key=lambda e: e.number)
        ],
        "errors": [str(e) for e in bank.errors],
    }


def cmd_quiz_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print the bank; exit status 1 if any question file had errors (they go to stderr)."""
    _, bank = load_for(settings)
    for error in bank.errors:
        print(f"tutorbot: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps(bank_to_json(bank), ensure_ascii=False, indent=2))
        return 1 if bank.errors else 0
    for q in bank.questions.values():
        print(f"{q.id:<36} {q.kind:<5} {q.topic:<18} {q.question.ja}")
        print(f"{'':<36} ↳ {q.citation.heading_path}")
    for e in sorted(bank.exercises.values(), key=lambda e: e.number):
        print(f"\n問題{e.number} ({e.difficulty}) — {e.heading_path}")
        print(e.prompt)
        for i, hint in enumerate(e.hints, start=1):
            print(f"  hint {i}: {hint}")
    counts = ", ".join(f"{t} {n}" for t, n in bank.topic_counts().items())
    print(f"\n{len(bank.questions)} questions ({counts}); {len(bank.exercises)} exercises")
    return 1 if bank.errors else 0


# ---------------------------------------------------------------------------------------------
# tutorbot chat: /quiz, /practice, /exercise

def console_commands() -> dict[str, ConsoleHandler]:
    return {"/quiz": console_quiz, "/practice": console_practice, "/exercise": console_exercise}


def _run(settings: Settings, body: Callable[[QuizService], Awaitable[str]]) -> str:
    async def main() -> str:
        knowledge = KnowledgeBase.load(settings.knowledge_dir)
        db = await Database.open(settings.database_target)
        try:
            return await body(QuizService.create(db, knowledge, SystemClock()))
        finally:
            await db.close()

    return asyncio.run(main())


def _ask(stdin: TextIO, stdout: TextIO, prompt: str = "> ") -> str | None:
    """One answer line; None at end of input."""
    print(prompt, end="", file=stdout, flush=True)
    line = stdin.readline()
    return None if line == "" else line.strip()


def console_quiz(arguments: str, settings: Settings, stdin: TextIO, stdout: TextIO) -> str:
    """A typed-mode quiz in the terminal: /quiz [topic] [count]."""
    words = arguments.split()
    topic = next((w for w in words if w in TOPICS), None)
    count = next((int(w) for w in words if w.isdigit()), DEFAULT_CONSOLE_COUNT)
    unknown = [w for w in words if w not in TOPICS and not w.isdigit()]
    if unknown:
        return f"Unknown topic {unknown[0]!r}. Topics: {', '.join(TOPICS)}"

    async def body(service: QuizService) -> str:
        engine = service.engine
        # A console quiz left open by a crash is closed, not resumed: nobody is waiting.
        for stale in await engine.restore():
            if stale.channel_id == CONSOLE_CHANNEL_ID:
                await engine.close(stale.channel_id)
        try:
            await engine.start(CONSOLE_GUILD_ID, CONSOLE_CHANNEL_ID, CONSOLE_MEMBER_ID, topic,
                               count, MAX_SECONDS, "typed")
        except QuizError as problem:
            return str(problem)
        print("Type your answer; /skip to skip, /stop to stop.", file=stdout)
        while engine.has_next(CONSOLE_CHANNEL_ID):
            view = await engine.next_question(CONSOLE_CHANNEL_ID)
            print("\n" + question_text(view.question, "ja", view.number, view.total),
                  file=stdout)
            print(question_text(view.question, "en"), file=stdout)
            line = _ask(stdin, stdout)
            if line is None or line == "/stop":
                board = await engine.stop(CONSOLE_CHANNEL_ID)
                return scoreboard_text(board, "ja", lambda _: "you")
            if line == "/skip":
                reveal = await engine.skip(CONSOLE_CHANNEL_ID)
            else:
                ack = await engine.answer_typed(CONSOLE_CHANNEL_ID, CONSOLE_MEMBER_ID, line)
                if not ack.accepted:  # e.g. more than MAX_SECONDS spent on one question
                    print(f"(not counted: {ack.reason})", file=stdout)
                print("✅" if ack.correct else "❌", file=stdout)
                reveal = await engine.reveal(CONSOLE_CHANNEL_ID)
            print(reveal_text(reveal, "ja", lambda _: "you"), file=stdout)
        board = await engine.finish(CONSOLE_CHANNEL_ID)
        return scoreboard_text(board, "ja", lambda _: "you")

    return _run(settings, body)


def console_practice(arguments: str, settings: Settings, stdin: TextIO, stdout: TextIO) -> str:
    """Due reviews first, then new questions: /practice [topic]."""
    topic = arguments.strip() or None
    if topic is not None and topic not in TOPICS:
        return f"Unknown topic {topic!r}. Topics: {', '.join(TOPICS)}"

    async def body(service: QuizService) -> str:
        run = await service.practice.start(CONSOLE_MEMBER_ID, DEFAULT_CONSOLE_COUNT, topic)
        if run.done:
            return "Nothing to practise."
        while not run.done:
            item = run.current
            assert item is not None
            label = "復習 / review" if item.reason == "due" else "新規 / new"
            print(f"\n[{label}] " + question_text(item.question, "ja"), file=stdout)
            line = _ask(stdin, stdout)
            if line is None or line == "/stop":
                break
            result = await service.practice.answer_current(run, line)
            mark = "✅" if result.correct else "❌"
            days = result.item.interval_days
            print(f"{mark} {result.answer.ja} — {result.explanation.ja}", file=stdout)
            if result.quote is not None:
                print(f"📖 {result.quote.heading_path}\n> {result.quote.text}", file=stdout)
            print(f"次の復習: {days:g}日後 / next review in {days:g} day(s)", file=stdout)
        now = service.clock.now()
        summary = await service.practice.summary(CONSOLE_MEMBER_ID, now)
        return (f"{run.correct}/{len(run.results)} correct. "
                f"{review_summary_text(summary, now, 'en')}")

    return _run(settings, body)


def console_exercise(arguments: str, settings: Settings, stdin: TextIO, stdout: TextIO) -> str:
    """/exercise N: the prompt, hints on /hint, then a key-point checklist for your answer."""
    async def body(service: QuizService) -> str:
        numbers = sorted(service.bank.exercises)
        text = arguments.strip()
        if not text.isdigit() or int(text) not in service.bank.exercises:
            return f"Usage: /exercise N (N = {', '.join(map(str, numbers))})"
        number = int(text)
        exercise = service.exercises.exercise(number)
        print(f"問題{number}({exercise.difficulty})\n{exercise.prompt}", file=stdout)
        print("\nWrite your answer, then an empty line. /hint shows the next hint.",
              file=stdout)
        lines: list[str] = []
        while True:
            line = _ask(stdin, stdout, "")
            if line is None or (line == "" and lines):
                break
            if line == "/stop":
                return "Exercise left without an answer."
            if line == "/hint":
                hint = await service.exercises.next_hint(CONSOLE_MEMBER_ID, number)
                print(f"ヒント {hint.index}/{hint.total}: {hint.text}" if hint else
                      "No more hints.", file=stdout)
                continue
            if line:
                lines.append(line)
        if not lines:
            return "No answer given."
        feedback = await service.exercises.submit(CONSOLE_MEMBER_ID, number, "\n".join(lines))
        print(render_feedback(feedback, feedback.language), file=stdout)
        return f"Saved. {len(feedback.covered)} of {len(feedback.points)} key points covered."

    return _run(settings, body)
