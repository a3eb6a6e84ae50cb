"""What the server misses most, and its chart as a PNG."""

from __future__ import annotations

import io
import random

from PIL import Image

from bot.clock import FakeClock
from bot.quiz.session import QuizEngine
from bot.quiz.stats import QuizStats, render_miss_chart

GUILD, CHANNEL = 500, 501
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def _play(engine: QuizEngine, clock: FakeClock, rounds: int, wrong_members: list[int],
                right_members: list[int]) -> list[str]:
    asked = []
    for _ in range(rounds):
        view = await engine.next_question(CHANNEL)
        question = view.question
        asked.append(question.id)
        for member in wrong_members:
            await engine.answer_button(CHANNEL, member,
                                       (question.correct_choice + 1) % len(question.choices))
        for member in right_members:
            await engine.answer_button(CHANNEL, member, question.correct_choice)
        clock.advance(30)
        await engine.reveal(CHANNEL)
    return asked


async def test_missed_most_orders_questions_and_topics(db, bank, clock: FakeClock):
    engine = QuizEngine(db, bank, clock, rng=random.Random(21))
    await engine.start(GUILD, CHANNEL, 1, topic="tesla", count=2)
    tesla = await _play(engine, clock, 2, wrong_members=[1, 2, 3], right_members=[4])
    await engine.finish(CHANNEL)
    await engine.start(GUILD, CHANNEL, 1, topic="automl", count=2)
    automl = await _play(engine, clock, 2, wrong_members=[1], right_members=[2, 3, 4])
    await engine.finish(CHANNEL)

    report = await QuizStats(db).missed_most(GUILD, clock.now())
    assert [q.question_id for q in report.questions[:2]] == sorted(tesla)
    assert {q.question_id for q in report.questions} == set(tesla) | set(automl)
    assert report.questions[0].missed == 3 and report.questions[0].miss_rate == 0.75
    assert [(t.topic, t.answered, t.missed) for t in report.topics] == [
        ("tesla", 8, 6), ("automl", 8, 2)]
    other = await QuizStats(db).missed_most(GUILD + 1, clock.now())
    assert other.questions == () and other.topics == ()


async def test_miss_chart_is_a_valid_png(db, bank, clock: FakeClock):
    engine = QuizEngine(db, bank, clock, rng=random.Random(22))
    await engine.start(GUILD, CHANNEL, 1, count=4)
    await _play(engine, clock, 4, wrong_members=[1, 2], right_members=[3])
    report = await QuizStats(db).missed_most(GUILD, clock.now(), period="week")
    png = render_miss_chart(report)
    assert png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.size == (1100, 550)
    empty = render_miss_chart(await QuizStats(db).missed_most(GUILD + 9, clock.now()))
    assert Image.open(io.BytesIO(empty)).size == (1100, 550)


async def test_tied_scores_share_a_rank_on_the_leaderboard(db, bank, clock: FakeClock):
    engine = QuizEngine(db, bank, clock, rng=random.Random(5))
    await engine.start(GUILD, CHANNEL, 1, count=2)
    await _play(engine, clock, 2, wrong_members=[3], right_members=[1, 2])
    await engine.finish(CHANNEL)
    rows = await QuizStats(db).leaderboard(GUILD, clock.now())
    assert [(r.member_id, r.rank) for r in rows] == [(1, 1), (2, 1), (3, 3)]
    assert rows[0].points == rows[1].points > rows[2].points
