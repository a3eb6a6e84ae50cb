"""`tutorbot quiz list` and the chat commands /quiz, /practice, /exercise, in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.quiz.bank import QuestionBank
from bot.quiz.cli import CONSOLE_MEMBER_ID, console_commands, register
from bot.quiz.service import QuizService
from bot.quiz.srs import SpacedRepetition
from bot.storage.db import Database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return dataclasses.replace(load_settings(environ={}), data_dir=tmp_path / "data")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tutorbot")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_quiz_list_json_prints_every_question_and_exercise(settings, capsys):
    args = _parse(["quiz", "list", "--json"])
    assert args.handler(args, settings) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["questions"]) >= 90 and data["errors"] == []
    for question in data["questions"]:
        assert set(question) == {"id", "kind", "topic", "heading_path", "evidence", "question"}
        assert set(question["question"]) == {"ja", "en"}
    assert [e["number"] for e in data["exercises"]] == [1, 2, 3]
    assert all(e["hints"] and e["prompt"] for e in data["exercises"])


def test_quiz_list_text(settings, capsys):
    args = _parse(["quiz", "list"])
    assert args.handler(args, settings) == 0
    out = capsys.readouterr().out
    assert "netflix-founded" in out and "問題3 (hard)" in out and "hint 1:" in out


def test_quiz_list_exits_1_when_a_file_is_broken(settings, tmp_path, capsys):
    knowledge = tmp_path / "knowledge"
    (knowledge / "quiz").mkdir(parents=True)
    source = Path(load_settings(environ={}).knowledge_dir)
    for name in ("ch04.md", "glossary.yaml", "references.yaml"):
        (knowledge / name).write_text((source / name).read_text("utf-8"), "utf-8")
    (knowledge / "quiz" / "bad.yaml").write_text("questions: [", "utf-8")
    args = _parse(["quiz", "list"])
    assert args.handler(args, dataclasses.replace(settings, knowledge_dir=knowledge)) == 1
    assert "bad.yaml: not valid YAML" in capsys.readouterr().err


def _console(name: str, arguments: str, settings: Settings, lines: list[str]) -> tuple[str, str]:
    stdout = io.StringIO()
    result = console_commands()[name](arguments, settings, io.StringIO("\n".join(lines) + "\n"),
                                      stdout)
    return result, stdout.getvalue()


async def _rows(settings: Settings, sql: str) -> list:
    db = await Database.open(settings.database_path)
    try:
        return await db.fetchall(sql, (CONSOLE_MEMBER_ID,))
    finally:
        await db.close()


def test_console_commands_are_registered():
    assert set(console_commands()) == {"/quiz", "/practice", "/exercise"}


def test_console_quiz_then_practice_serves_the_miss(settings):
    result, out = _console("/quiz", "alphago 2", settings, ["A", "/skip"])
    assert "Q1/2" in out and "Q2/2" in out and "📖 4.1 5つの詳細ケーススタディ" in out
    assert "スキップしました。" in out
    assert result.startswith("クイズ終了(2/2問)")
    rows = asyncio.run(_rows(settings, "SELECT question_id, correct FROM quiz_answers "
                                       "WHERE member_id = ?"))
    assert len(rows) == 1  # the skipped round is not scored

    result, out = _console("/practice", "", settings, ["/stop"])
    if rows[0]["correct"]:
        assert "[新規 / new]" in out
    else:
        assert "[復習 / review]" in out  # the quiz miss comes back first
    assert "correct" in result

    result, _ = _console("/quiz", "nonsense", settings, [])
    assert result.startswith("Unknown topic")


class RightLetters:
    """Console input that answers each printed mc question with the letter printed next
    to its right option, noting the options in the order they were printed."""

    def __init__(self, bank: QuestionBank, stdout: io.StringIO) -> None:
        self.bank, self.stdout = bank, stdout
        self.shown: dict[str, list[str]] = {}
        self.letters: dict[str, str] = {}

    def readline(self) -> str:
        lines = self.stdout.getvalue().rsplit("\n[", 1)[-1].splitlines()
        asked = lines[0].split("] ", 1)[1]
        question = next(q for q in self.bank.questions.values() if q.question.ja == asked)
        options = [line.strip()[3:] for line in lines[1:] if line.startswith("  ")]
        self.shown[question.id] = options
        letter = "ABCD"[options.index(question.options[question.answer_index].ja)]
        self.letters[question.id] = letter
        return letter + "\n"


async def _queue_misses(settings: Settings, question_ids: list[str]) -> None:
    db = await Database.open(settings.database_path)
    try:
        now = datetime.now(UTC)
        for age, question_id in enumerate(question_ids):
            await SpacedRepetition(db).enqueue_missed(CONSOLE_MEMBER_ID, question_id,
                                                      now - timedelta(hours=10 - age))
    finally:
        await db.close()


def test_console_practice_shuffles_options_and_reads_letters_as_printed(
        settings, bank, monkeypatch):
    class SeededService(QuizService):  # the console's option orders, made repeatable
        @classmethod
        def create(cls, db, knowledge, clock, quiz_dir=None, rng=None) -> QuizService:
            return QuizService.create(db, knowledge, clock, quiz_dir, random.Random(5))

    monkeypatch.setattr("bot.quiz.cli.QuizService", SeededService)
    mc = [q.id for q in bank.select("data-scientist") if q.kind == "mc"][:5]
    asyncio.run(_queue_misses(settings, mc))
    stdout = io.StringIO()
    answers = RightLetters(bank, stdout)
    result = console_commands()["/practice"]("data-scientist", settings, answers, stdout)
    assert result.startswith("5/5 correct")  # every letter read as it was printed
    assert list(answers.shown) == mc and stdout.getvalue().count("✅") == 5
    yaml = {q: [o.ja for o in bank.get(q).options] for q in mc}
    assert all(sorted(answers.shown[q]) == sorted(yaml[q]) for q in mc)
    assert any(answers.shown[q] != yaml[q] for q in mc)  # not the YAML's order
    for q in mc:  # the answer line names the right option by the letter printed
        right = bank.get(q).options[bank.get(q).answer_index].ja
        assert f"✅ {answers.letters[q]}) {right} — " in stdout.getvalue()


def test_console_exercise_gives_hints_and_a_checklist(settings):
    answer = "データサイエンティストはEDAと仮説検証、MLEは本番環境へのデプロイと監視を担当します。"
    result, out = _console("/exercise", "2", settings, ["/hint", "/hint", answer, ""])
    assert "データサイエンティストと機械学習エンジニアの役割の違い" in out
    assert "ヒント 1/1: 第4.3節のキャリアパスの表を参考に、以下の違いを考えてみましょう:\n" \
        "- データサイエンティスト:ビジネス課題の特定と分析" in out  # the lead-in with its list
    assert "No more hints." in out
    assert "✅ DSの日常業務は探索と分析" in out and "⬜ 成果物の違い" in out
    assert result == "Saved. 2 of 6 key points covered."
    rows = asyncio.run(_rows(settings, "SELECT number, answer FROM exercise_answers "
                                       "WHERE member_id = ?"))
    assert [(r["number"], r["answer"]) for r in rows] == [(2, answer)]
    assert _console("/exercise", "9", settings, [])[0].startswith("Usage: /exercise N")
