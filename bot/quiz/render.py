"""Plain-text renderings of quiz objects, in Japanese or English.

Used by the terminal console; the Discord layer may use them as message bodies or build
embeds from the same objects. Member names come from a callable so this stays Discord-free.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.quiz.models import OPTION_LETTERS, Question
from bot.quiz.scoring import competition_ranks
from bot.quiz.session import Reveal, Scoreboard
from bot.quiz.srs import ReviewSummary

log = logging.getLogger(__name__)

Names = Callable[[int], str]


def _default_name(member_id: int) -> str:
    return f"<@{member_id}>"


def question_text(question: Question, language: str = "ja", number: int | None = None,
                  total: int | None = None) -> str:
    head = f"Q{number}/{total} " if number is not None and total is not None else ""
    lines = [f"{head}{question.question.get(language)}"]
    if question.kind == "mc":
        lines += [f"  {OPTION_LETTERS[i]}) {o.get(language)}" for i, o in
                  enumerate(question.options)]
    elif question.kind == "tf":
        lines.append("  (正しい / 誤り)" if language == "ja" else "  (true / false)")
    return "\n".join(lines)


def reveal_text(reveal: Reveal, language: str = "ja", names: Names = _default_name) -> str:
    ja = language == "ja"
    lines = [("スキップしました。" if ja else "Skipped.")] if reveal.skipped else []
    lines.append(("正解: " if ja else "Answer: ") + reveal.answer.get(language))
    lines.append(reveal.explanation.get(language))
    if reveal.quote is not None:
        lines.append(f"📖 {reveal.quote.heading_path}")
        lines += [f"> {line}" for line in reveal.quote.lines]
    winners = [r for r in reveal.results if r.correct]
    if not reveal.skipped:
        if winners:
            lines.append(("正解者: " if ja else "Correct: ") + ", ".join(
                f"{names(r.member_id)} +{r.points}" for r in winners))
        else:
            lines.append("正解者なし" if ja else "Nobody got it.")
    return "\n".join(lines)


def scoreboard_text(board: Scoreboard, language: str = "ja", names: Names = _default_name) -> str:
    ja = language == "ja"
    ended = {"finished": ("終了", "finished"), "stopped": ("中止", "stopped"),
             "closed": ("再起動のため終了", "closed after a restart")}[board.status]
    lines = [f"クイズ{ended[0]}({board.rounds_played}/{board.total}問)" if ja
             else f"Quiz {ended[1]} ({board.rounds_played}/{board.total} questions)"]
    if not board.rows:
        lines.append("参加者なし" if ja else "Nobody played.")
    for rank, row in zip(competition_ranks([r.points for r in board.rows]), board.rows,
                         strict=True):
        lines.append(f"{rank}. {names(row.member_id)} — {row.points} pt "
                     f"({row.correct}/{row.answered})")
    return "\n".join(lines)


def review_summary_text(summary: ReviewSummary, now: datetime, language: str = "ja") -> str:
    """"5 reviews due" for /review and the weekly reminder."""
    ja = language == "ja"
    if summary.due_now:
        text = f"復習が{summary.due_now}件あります" if ja else \
            f"{summary.due_now} review{'s' if summary.due_now != 1 else ''} due"
    else:
        text = "今すぐの復習はありません" if ja else "No reviews due right now"
    if summary.next_due_at is not None:
        hours = max(0.0, (summary.next_due_at - now).total_seconds() / 3600)
        when = f"{hours:.0f}時間後" if hours < 48 else f"{hours / 24:.0f}日後"
        when_en = f"in {hours:.0f} h" if hours < 48 else f"in {hours / 24:.0f} days"
        text += f"(次は{when})" if ja else f" (next {when_en})"
    return text
