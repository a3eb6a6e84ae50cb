"""`tutorbot chat`: try the bot in a terminal, no Discord needed.

Answers are lexical from the first prompt and become hybrid once the model has loaded.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from bot.config import Settings
from bot.render_text import render_answer

log = logging.getLogger(__name__)

HELP = """Type a question in Japanese or English, or a command:
  /help              this help
  /sections          the chapter's table of contents
  /glossary WORD     look a term up (English ↔ Japanese)
  /plan 3m|1y|3y [N] week N of a study plan
  /quiz [topic] [N]  a quiz in the terminal (answers typed)
  /practice          your spaced-repetition reviews, then new questions
  /exercise N        exercise N with hints and feedback on your answer
  /quit              leave"""

LineHandler = Callable[[str], str]


def feature_commands(settings: Settings, stdin=None, stdout=None) -> dict[str, LineHandler]:
    """Console lines that the quiz and plan features answer."""
    from functools import partial

    from bot.plans import cli as plan_cli
    from bot.quiz import cli as quiz_cli

    interactive = {
        name: partial(_with_console, handler, settings, stdin or sys.stdin, stdout or sys.stdout)
        for name, handler in quiz_cli.console_commands().items()
    }
    return {**plan_cli.console_commands(settings.knowledge_dir), **interactive}


def _with_console(handler, settings: Settings, stdin, stdout, arguments: str) -> str:
    # Quiz, practice and exercise read their answers from the same terminal.
    return handler(arguments, settings, stdin, stdout)


def run_console(settings: Settings, stdin=None, stdout=None) -> int:
    from bot.tutor import Tutor

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    tutor = Tutor.open(settings, notify=lambda m: print(m, file=stdout))
    tutor.load_dense_in_background()
    print("tutorbot chat — /help for commands, /quit to leave", file=stdout)
    color = stdout.isatty()
    context = ""
    try:
        extra = feature_commands(settings, stdin, stdout)
        for line in stdin:
            line = line.strip()
            if line in ("/quit", "/exit"):
                break
            reply, context = handle_line(tutor, line, context, color, extra)
            print(reply, file=stdout, flush=True)
    finally:
        tutor.close()  # on every way out, or the model loader is cut off mid-load
    return 0


def handle_line(tutor, line: str, context: str, color: bool = False,
                extra: dict[str, LineHandler] | None = None) -> tuple[str, str]:
    """The console's reply to one line, and the conversation context to keep."""
    name, _, rest = line.partition(" ")
    if extra and name in extra:
        return extra[name](rest.strip()), context
    if line == "/help":
        return HELP, context
    if line == "/sections":
        toc = tutor.knowledge.table_of_contents()
        return "\n".join("  " * (level - 1) + heading for level, heading in toc), context
    if line.startswith("/glossary"):
        return render_glossary(tutor, line.removeprefix("/glossary").strip()), context
    answer = tutor.ask(line, context=context)
    if answer.status in ("answered", "abstained"):
        # A declined turn's subject still carries over to the next question.
        context = answer.question
    return render_answer(answer, color), context


def render_glossary(tutor, word: str) -> str:
    if not word:
        return "Usage: /glossary WORD"
    terms = tutor.knowledge.glossary.lookup(word)
    if not terms:
        return f"No glossary entry for {word!r}."
    return "\n".join(f"{t.en} — {t.ja}" + (f"  ({t.note})" if t.note else "") for t in terms)
