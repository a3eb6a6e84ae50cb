"""The asyncio runner paces a quiz on the injected clock and never fails silently."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import timedelta

from bot.clock import FakeClock
from bot.quiz.runner import start_runner
from bot.quiz.session import QuestionView, QuizEngine, Reveal, Scoreboard

GUILD, CHANNEL = 700, 701
ALICE, BOB, CAROL = 1, 2, 3


class Recorder:
    """QuizEvents that records what would be posted and plays like three members."""

    def __init__(self, engine: QuizEngine, play: bool = True) -> None:
        self.engine = engine
        self.play = play
        self.questions: list[QuestionView] = []
        self.reveals: list[Reveal] = []
        self.boards: list[Scoreboard] = []

    async def on_question(self, view: QuestionView) -> None:
        self.questions.append(view)
        if not self.play:
            return
        question = view.question
        if view.mode == "typed":
            await self.engine.answer_typed(CHANNEL, BOB, "わかりません")
            answer = question.accepted[0] if question.kind == "short" else (
                "ABCD"[question.correct_choice] if question.kind == "mc"
                else ("true" if question.answer_bool else "false"))
            await self.engine.answer_typed(CHANNEL, ALICE, answer)
            return
        await self.engine.answer_button(CHANNEL, ALICE, question.correct_choice)
        await self.engine.answer_button(CHANNEL, BOB, question.correct_choice)
        await self.engine.answer_button(CHANNEL, CAROL,
                                        (question.correct_choice + 1) % len(question.choices))

    async def on_reveal(self, reveal: Reveal) -> None:
        self.reveals.append(reveal)

    async def on_end(self, board: Scoreboard) -> None:
        self.boards.append(board)


async def test_button_quiz_runs_to_the_end_on_the_clock(db, bank, clock: FakeClock):
    engine = QuizEngine(db, bank, clock, rng=random.Random(8))
    await engine.start(GUILD, CHANNEL, ALICE, topic="edge-ai", count=3, seconds=20)
    events = Recorder(engine)
    started = clock.now()
    board = await start_runner(engine, CHANNEL, events, clock, gap_seconds=5)
    assert board is events.boards[0] and board.status == "finished"
    assert len(events.questions) == len(events.reveals) == 3
    assert [r.member_id for r in board.rows] == [ALICE, BOB, CAROL]
    assert board.rows[2].points == 0 and board.rows[0].correct == 3
    # Each round waited its full 20 s (answers do not end a button round) plus a 5 s pause.
    assert clock.now() - started == timedelta(seconds=3 * 25)
    assert engine.get(CHANNEL) is None


async def test_typed_quiz_reveals_as_soon_as_someone_is_right(db, bank, clock: FakeClock):
    engine = QuizEngine(db, bank, clock, rng=random.Random(9))
    await engine.start(GUILD, CHANNEL, ALICE, topic="automl", count=2, seconds=60,
                       mode="typed")
    events = Recorder(engine)
    started = clock.now()
    board = await start_runner(engine, CHANNEL, events, clock, gap_seconds=3)
    assert board.rows[0].member_id == ALICE and board.rows[0].correct == 2
    assert all(any(r.correct for r in reveal.results) for reveal in events.reveals)
    assert clock.now() - started == timedelta(seconds=2 * 3)  # no round waited for its timer


async def test_nobody_playing_ends_the_quiz(db, bank, clock: FakeClock):
    engine = QuizEngine(db, bank, clock, rng=random.Random(10), max_silent_rounds=2)
    await engine.start(GUILD, CHANNEL, ALICE, count=6)
    events = Recorder(engine, play=False)
    board = await start_runner(engine, CHANNEL, events, clock)
    assert board.rounds_played == 2 and board.total == 6 and board.rows == ()


async def test_stop_from_a_command_ends_the_runner(db, bank, clock: FakeClock):
    engine = QuizEngine(db, bank, clock, rng=random.Random(11))
    await engine.start(GUILD, CHANNEL, ALICE, count=5)

    class Stopper(Recorder):
        async def on_reveal(self, reveal: Reveal) -> None:
            await super().on_reveal(reveal)
            self.boards.append(await self.engine.stop(CHANNEL))

    events = Stopper(engine)
    assert await start_runner(engine, CHANNEL, events, clock) is None
    assert len(events.reveals) == 1 and events.boards[0].status == "stopped"


async def test_a_crashing_runner_is_logged_by_its_done_callback(db, bank, clock: FakeClock,
                                                                caplog):
    engine = QuizEngine(db, bank, clock, rng=random.Random(12))
    await engine.start(GUILD, CHANNEL, ALICE, count=2)

    class Broken(Recorder):
        async def on_reveal(self, reveal: Reveal) -> None:
            raise RuntimeError("cannot post to Discord")

    with caplog.at_level(logging.ERROR, logger="bot.quiz.runner"):
        task = start_runner(engine, CHANNEL, Broken(engine), clock)
        await asyncio.wait([task])
        await asyncio.sleep(0)  # let the done-callback run
    assert isinstance(task.exception(), RuntimeError)
    record = next(r for r in caplog.records if "crashed" in r.getMessage())
    assert f"channel {CHANNEL}" in record.getMessage() and record.exc_info is not None


async def test_runner_reannounces_a_resumed_question(open_db, bank, clock: FakeClock):
    db = await open_db()
    engine = QuizEngine(db, bank, clock, rng=random.Random(13))
    await engine.start(GUILD, CHANNEL, ALICE, count=2)
    opened = await engine.next_question(CHANNEL)
    await db.close()  # restart

    db = await open_db()
    engine = QuizEngine(db, bank, clock)
    await engine.restore()
    await engine.resume(CHANNEL)
    events = Recorder(engine)
    board = await start_runner(engine, CHANNEL, events, clock)
    assert events.questions[0].question.id == opened.question.id
    assert board.rounds_played == 2
