"""Channel quiz sessions on a real SQLite file: play, reveal, scoreboard, stats, restart."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.knowledge.base import KnowledgeBase
from bot.quiz.bank import QuestionBank
from bot.quiz.scoring import BASE_POINTS
from bot.quiz.session import QuizEngine, QuizError, QuizSession, SessionStore
from bot.quiz.srs import SpacedRepetition
from bot.quiz.stats import QuizStats

GUILD, CHANNEL, OTHER_CHANNEL = 900, 901, 902
ALICE, BOB, CAROL = 1001, 1002, 1003


def wrong_choice(question) -> int:
    return (question.correct_choice + 1) % len(question.choices)


async def test_full_button_session_with_three_players(service, clock: FakeClock, db,
                                                      kb: KnowledgeBase):
    engine = service.engine
    session = await engine.start(GUILD, CHANNEL, ALICE, topic="alphago", count=3, seconds=30,
                                 mode="button")
    assert len(session.question_ids) == 3
    expected = {ALICE: 0, BOB: 0, CAROL: 0}
    seen = []
    while engine.has_next(CHANNEL):
        view = await engine.next_question(CHANNEL)
        question = view.question
        seen.append(question.id)
        assert question.buttons and view.choices == question.choices
        assert view.deadline - view.opened_at == timedelta(seconds=30)
        right, wrong = question.correct_choice, wrong_choice(question)
        clock.advance(3)
        assert (await engine.answer_button(CHANNEL, ALICE, right)).accepted
        assert (await engine.answer_button(CHANNEL, BOB, wrong)).accepted
        assert (await engine.answer_button(CHANNEL, CAROL, wrong)).accepted
        clock.advance(17)  # 20 s in: Bob changes his mind
        ack = await engine.answer_button(CHANNEL, BOB, right)
        assert ack.accepted and ack.changed
        assert engine.member_answer(CHANNEL, BOB) == right
        assert not (await engine.answer_button(CHANNEL, CAROL, 9)).accepted  # no such button
        clock.advance(10)  # time is up
        late = await engine.answer_button(CHANNEL, CAROL, right)
        assert (late.accepted, late.reason) == (False, "time-up")
        assert engine.round_over(CHANNEL)
        reveal = await engine.reveal(CHANNEL)
        base = BASE_POINTS[question.difficulty]
        points = {r.member_id: r.points for r in reveal.results}
        assert points == {ALICE: base + 5, BOB: base + 2, CAROL: 0}
        for member, p in points.items():
            expected[member] += p
        assert reveal.choice_counts[right] == 2 and reveal.choice_counts[wrong] == 1
        assert reveal.answer == question.answer_display()
        assert reveal.quote is not None and reveal.quote.heading_path.startswith(
            "4.1 5つの詳細ケーススタディ › Case Study 4: AlphaGo(囲碁AI)")
        assert all(kb.is_verbatim("ch04", line) for line in reveal.quote.lines)
        assert question.citation.evidence in reveal.quote.text
        assert [s.member_id for s in reveal.standings][:2] == [ALICE, BOB]
        clock.advance(5)

    board = await engine.finish(CHANNEL)
    assert board.status == "finished" and board.rounds_played == 3
    assert [(r.member_id, r.points, r.correct, r.answered) for r in board.rows] == [
        (ALICE, expected[ALICE], 3, 3), (BOB, expected[BOB], 3, 3), (CAROL, 0, 0, 3)]
    assert board.winner.member_id == ALICE
    assert engine.get(CHANNEL) is None

    # Saved per member: answered, correct, accuracy per topic, streaks.
    stats = service.stats
    alice = await stats.member_stats(GUILD, ALICE)
    carol = await stats.member_stats(GUILD, CAROL)
    assert (alice.answered, alice.correct, alice.current_streak, alice.best_streak) == (3, 3, 3, 3)
    assert alice.topics[0].topic == "alphago" and alice.topics[0].accuracy == 1.0
    assert (carol.correct, carol.accuracy, carol.current_streak) == (0, 0.0, 0)
    # Carol's misses wait in her review queue; Alice has none.
    due = await service.srs.due_items(CAROL, clock.now())
    assert sorted(i.question_id for i in due) == sorted(seen)
    assert await service.srs.due_items(ALICE, clock.now()) == []
    row = await db.fetchone("SELECT status, ended_at FROM quiz_sessions WHERE id = ?",
                            (session.session_id,))
    assert row["status"] == "finished" and row["ended_at"]

    # Leaderboards: scope server|channel, period week|all.
    top = await stats.leaderboard(GUILD, clock.now(), "server", "all")
    assert [(r.rank, r.member_id, r.points) for r in top] == [
        (1, ALICE, expected[ALICE]), (2, BOB, expected[BOB]), (3, CAROL, 0)]
    assert top[0].accuracy == 1.0 and top[0].games == 1
    here = await stats.leaderboard(GUILD, clock.now(), "channel", "week", channel_id=CHANNEL)
    assert [r.member_id for r in here] == [ALICE, BOB, CAROL]
    assert await stats.leaderboard(GUILD, clock.now(), "channel", "all",
                                   channel_id=OTHER_CHANNEL) == []
    clock.advance(timedelta(days=8))
    assert await stats.leaderboard(GUILD, clock.now(), "server", "week") == []
    assert len(await stats.leaderboard(GUILD, clock.now(), "server", "all")) == 3
    with pytest.raises(ValueError):
        await stats.leaderboard(GUILD, clock.now(), "channel", "all")


async def test_typed_mode_first_correct_message_wins(service, clock: FakeClock):
    engine = service.engine
    await engine.start(GUILD, CHANNEL, ALICE, topic="gnmt", count=2, mode="typed")
    view = await engine.next_question(CHANNEL)
    question = view.question
    right = question.accepted[0] if question.kind == "short" else (
        "ABCD"[question.correct_choice] if question.kind == "mc"
        else ("true" if question.answer_bool else "false"))
    wrong = await engine.answer_typed(CHANNEL, BOB, "まったく違う答え")
    assert wrong.accepted and not wrong.correct
    assert not engine.round_over(CHANNEL)
    clock.advance(4)
    won = await engine.answer_typed(CHANNEL, CAROL, right)
    assert won.correct and won.first and won.points == BASE_POINTS[question.difficulty]
    assert engine.round_over(CHANNEL)  # the first correct answer ends the round
    reveal = await engine.reveal(CHANNEL)
    results = {r.member_id: r for r in reveal.results}
    assert results[CAROL].points == won.points and not results[BOB].correct
    button = await engine.answer_button(CHANNEL, ALICE, 0)
    assert button.reason == "wrong-mode"
    board = await engine.stop(CHANNEL)
    assert board.status == "stopped" and board.rows[0].member_id == CAROL


async def test_one_session_per_channel_and_controls(service, clock: FakeClock):
    engine = service.engine
    await engine.start(GUILD, CHANNEL, ALICE, count=2)
    with pytest.raises(QuizError) as exists:
        await engine.start(GUILD, CHANNEL, BOB)
    assert exists.value.code == "exists"
    await engine.start(GUILD, OTHER_CHANNEL, BOB, count=1)  # another channel is fine
    assert engine.can_control(CHANNEL, ALICE, is_moderator=False)
    assert not engine.can_control(CHANNEL, BOB, is_moderator=False)
    assert engine.can_control(CHANNEL, BOB, is_moderator=True)
    with pytest.raises(QuizError) as not_asking:
        await engine.reveal(CHANNEL)
    assert not_asking.value.code == "not-asking"
    await engine.next_question(CHANNEL)
    await engine.answer_button(CHANNEL, BOB, 0)
    skipped = await engine.skip(CHANNEL)
    assert skipped.skipped and skipped.results == ()
    assert (await service.stats.member_stats(GUILD, BOB)).answered == 0  # skips are not scored
    with pytest.raises(QuizError) as topic:
        await engine.start(GUILD, 903, ALICE, topic="no-such-topic")
    assert topic.value.code == "no-questions"
    with pytest.raises(QuizError):
        await engine.answer_button(904, ALICE, 0)


async def test_button_mode_only_asks_questions_with_buttons(service):
    session = await service.engine.start(GUILD, CHANNEL, ALICE, count=50, mode="button")
    kinds = {service.bank.get(q).kind for q in session.question_ids}
    assert kinds <= {"mc", "tf"} and len(session.question_ids) == 50


async def _play_first_round_and_open_second(engine: QuizEngine, clock: FakeClock) -> tuple:
    session = await engine.start(GUILD, CHANNEL, ALICE, topic="netflix", count=3, seconds=30)
    first = await engine.next_question(CHANNEL)
    await engine.answer_button(CHANNEL, ALICE, first.question.correct_choice)
    await engine.answer_button(CHANNEL, BOB, wrong_choice(first.question))
    clock.advance(30)
    await engine.reveal(CHANNEL)
    clock.advance(5)
    second = await engine.next_question(CHANNEL)
    clock.advance(2)
    await engine.answer_button(CHANNEL, ALICE, second.question.correct_choice)
    return session, first, second


async def test_restart_mid_question_then_resume(open_db, bank: QuestionBank,
                                                clock: FakeClock):
    db = await open_db()
    engine = QuizEngine(db, bank, clock, rng=random.Random(1))
    session, first, second = await _play_first_round_and_open_second(engine, clock)
    alice_first = BASE_POINTS[first.question.difficulty] + 5
    await db.close()  # the bot dies here, mid-question, without stopping anything

    clock.advance(timedelta(minutes=3))
    db = await open_db()
    stored = await SessionStore(db).load_active()
    assert [s.session_id for s in stored] == [session.session_id]
    assert stored[0].phase == "asking" and ALICE in stored[0].round.buttons
    engine = QuizEngine(db, bank, clock, rng=random.Random(2))
    restored = await engine.restore()
    assert [s.channel_id for s in restored] == [CHANNEL]
    view = await engine.resume(CHANNEL)
    assert view.question.id == second.question.id and view.number == 2
    assert view.opened_at == clock.now()  # asked again with a full timer
    assert engine.member_answer(CHANNEL, ALICE) == second.question.correct_choice
    await engine.answer_button(CHANNEL, BOB, second.question.correct_choice)
    clock.advance(30)
    reveal = await engine.reveal(CHANNEL)
    assert {r.member_id for r in reveal.results if r.correct} == {ALICE, BOB}
    standings = {s.member_id: s for s in reveal.standings}
    assert standings[ALICE].correct == 2 and standings[ALICE].points > alice_first
    third = await engine.next_question(CHANNEL)
    assert third.number == 3
    clock.advance(30)
    await engine.reveal(CHANNEL)
    board = await engine.finish(CHANNEL)
    assert board.rounds_played == 3
    assert {r.member_id: r.answered for r in board.rows} == {ALICE: 2, BOB: 2}
    count = await db.fetchone("SELECT COUNT(*) AS n FROM quiz_answers WHERE session_id = ?",
                              (session.session_id,))
    assert count["n"] == 4
    assert await SessionStore(db).load_active() == []


async def test_restart_mid_question_then_close_keeps_scores(open_db, bank,
                                                           clock: FakeClock):
    db = await open_db()
    engine = QuizEngine(db, bank, clock, rng=random.Random(1))
    session, first, _ = await _play_first_round_and_open_second(engine, clock)
    await db.close()  # restart

    db = await open_db()
    engine = QuizEngine(db, bank, clock)
    with pytest.raises(QuizError) as busy:  # the saved session still holds the channel
        await engine.start(GUILD, CHANNEL, BOB, count=1)
    assert busy.value.code == "exists"
    await engine.restore()
    board = await engine.close(CHANNEL)
    assert board.status == "closed" and board.rounds_played == 1
    assert {r.member_id: (r.points, r.correct) for r in board.rows} == {
        ALICE: (BASE_POINTS[first.question.difficulty] + 5, 1), BOB: (0, 0)}
    stats = await QuizStats(db).member_stats(GUILD, ALICE)
    assert (stats.answered, stats.correct) == (1, 1)  # the voided open round is not counted
    row = await db.fetchone("SELECT status, state FROM quiz_sessions WHERE id = ?",
                            (session.session_id,))
    assert row["status"] == "closed"
    assert QuizSession.from_json(row["state"]).round.outcome == "void"
    # The channel is free again.
    await engine.start(GUILD, CHANNEL, BOB, count=1)


async def test_crash_between_recording_and_saving_a_reveal_counts_once(open_db, bank,
                                                                      clock: FakeClock):
    db = await open_db()
    engine = QuizEngine(db, bank, clock, rng=random.Random(3))
    await engine.start(GUILD, CHANNEL, ALICE, topic="tesla", count=2)
    view = await engine.next_question(CHANNEL)
    await engine.answer_button(CHANNEL, ALICE, view.question.correct_choice)
    clock.advance(30)
    # The first write of a reveal lands, then the bot dies before the state is saved.
    session = engine.get(CHANNEL)
    results = engine._score(session, view.question)
    await engine.store.record_round(session, view.question, results, clock.now())
    await db.close()

    db = await open_db()
    engine = QuizEngine(db, bank, clock)
    await engine.restore()
    await engine.resume(CHANNEL)
    clock.advance(30)
    await engine.reveal(CHANNEL)
    stats = await QuizStats(db).member_stats(GUILD, ALICE)
    assert (stats.answered, stats.correct) == (1, 1)


async def test_silent_rounds_are_counted(db, bank, clock: FakeClock):
    engine = QuizEngine(db, bank, clock, SpacedRepetition(db), random.Random(5),
                        max_silent_rounds=2)
    await engine.start(GUILD, CHANNEL, ALICE, count=5)
    for _ in range(2):
        assert engine.has_next(CHANNEL)
        await engine.next_question(CHANNEL)
        clock.advance(30)
        await engine.reveal(CHANNEL)
    assert engine.is_silent(CHANNEL) and not engine.has_next(CHANNEL)
