"""Multiple-choice options are shuffled per session, so the answer's letter is no giveaway;
a restarted session shows the same order, and buttons, typed letters and typed option text
all follow the order the session showed."""

from __future__ import annotations

import random

from bot.clock import FakeClock
from bot.quiz.bank import QuestionBank
from bot.quiz.models import OPTION_LETTERS
from bot.quiz.session import QuestionView, QuizEngine, SessionStore

GUILD, CHANNEL, OTHER_CHANNEL = 900, 901, 902
ALICE, BOB, CAROL = 1001, 1002, 1003


def bank_letter(bank: QuestionBank, view: QuestionView) -> int:
    """Where the bank's YAML puts the right option."""
    return bank.get(view.question.id).answer_index


def shown_right(view: QuestionView) -> int:
    return view.question.correct_choice


async def next_moved_mc(engine: QuizEngine, bank: QuestionBank, clock: FakeClock,
                        channel: int = CHANNEL) -> QuestionView:
    """Ask questions (skipping the others) until an mc one whose right answer is not where
    the YAML puts it."""
    while engine.has_next(channel):
        view = await engine.next_question(channel)
        if view.question.kind == "mc" and shown_right(view) != bank_letter(bank, view):
            return view
        await engine.skip(channel)
        clock.advance(5)
    raise AssertionError("every mc question kept the YAML order")


async def shown_orders(engine: QuizEngine, clock: FakeClock, channel: int
                       ) -> dict[str, tuple[str, ...]]:
    """Every mc question of a whole quiz: the options as shown, by question id."""
    orders = {}
    while engine.has_next(channel):
        view = await engine.next_question(channel)
        if view.question.kind == "mc":
            orders[view.question.id] = tuple(c.en for c in view.choices)
        await engine.skip(channel)
        clock.advance(5)
    return orders


async def test_each_session_shows_the_options_in_its_own_order(service, bank, clock):
    engine = service.engine
    await engine.start(GUILD, CHANNEL, ALICE, count=50, mode="button")
    await engine.start(GUILD, OTHER_CHANNEL, BOB, count=50, mode="button")
    first = await shown_orders(engine, clock, CHANNEL)
    second = await shown_orders(engine, clock, OTHER_CHANNEL)
    yaml = {qid: tuple(o.en for o in bank.get(qid).options) for qid in first | second}
    for qid, shown in (first | second).items():
        assert sorted(shown) == sorted(yaml[qid])  # the same four options
    assert sum(first[q] != yaml[q] for q in first) > len(first) // 2
    both = set(first) & set(second)
    assert both and any(first[q] != second[q] for q in both)


async def test_buttons_and_the_reveal_follow_the_shown_order(service, bank, clock):
    engine = service.engine
    await engine.start(GUILD, CHANNEL, ALICE, count=50, mode="button")
    view = await next_moved_mc(engine, bank, clock)
    right = view.question.options[shown_right(view)]
    assert right == bank.get(view.question.id).options[bank_letter(bank, view)]
    assert view.choices == view.question.options
    await engine.answer_button(CHANNEL, ALICE, shown_right(view))
    await engine.answer_button(CHANNEL, BOB, bank_letter(bank, view))  # the YAML's letter
    clock.advance(30)
    reveal = await engine.reveal(CHANNEL)
    assert {r.member_id: r.correct for r in reveal.results} == {ALICE: True, BOB: False}
    letter = OPTION_LETTERS[shown_right(view)]
    assert reveal.answer.en == f"{letter}) {right.en}"  # the letter the players saw
    assert reveal.choice_counts[shown_right(view)] == 1
    assert reveal.question.correct_choice == shown_right(view)


async def test_typed_letters_follow_the_shown_order_and_option_text_still_counts(
        service, bank, clock):
    engine = service.engine
    await engine.start(GUILD, CHANNEL, ALICE, count=50, mode="typed")
    view = await next_moved_mc(engine, bank, clock)
    right = view.question.options[shown_right(view)]
    yaml_letter = OPTION_LETTERS[bank_letter(bank, view)]
    assert not (await engine.answer_typed(CHANNEL, BOB, yaml_letter)).correct
    won = await engine.answer_typed(CHANNEL, ALICE, OPTION_LETTERS[shown_right(view)])
    assert won.correct and won.first
    assert (await engine.answer_typed(CHANNEL, CAROL, right.ja)).correct
    clock.advance(1)
    reveal = await engine.reveal(CHANNEL)
    assert {r.member_id: r.correct for r in reveal.results} == {
        ALICE: True, BOB: False, CAROL: True}


async def test_a_resumed_session_shows_the_same_order(open_db, bank, clock):
    db = await open_db()
    engine = QuizEngine(db, bank, clock, rng=random.Random(8))
    session = await engine.start(GUILD, CHANNEL, ALICE, count=50, mode="button")
    before = await next_moved_mc(engine, bank, clock)
    await engine.answer_button(CHANNEL, ALICE, shown_right(before))
    await db.close()  # the bot dies mid-question

    db = await open_db()
    engine = QuizEngine(db, bank, clock, rng=random.Random(99))  # another rng after a restart
    await engine.restore()
    after = await engine.resume(CHANNEL)
    assert after.question.id == before.question.id
    assert after.choices == before.choices
    assert engine.member_answer(CHANNEL, ALICE) == shown_right(after) == shown_right(before)
    await engine.answer_button(CHANNEL, BOB, bank_letter(bank, before))
    clock.advance(30)
    reveal = await engine.reveal(CHANNEL)
    assert {r.member_id: r.correct for r in reveal.results} == {ALICE: True, BOB: False}
    # Stored answers name the bank's option, whatever order the session showed.
    rows = await db.fetchall("SELECT member_id, response FROM quiz_answers"
                             " WHERE session_id = ?", (session.session_id,))
    bob_option = bank.get(before.question.id).options.index(
        before.choices[bank_letter(bank, before)])
    assert {r["member_id"]: r["response"] for r in rows} == {
        ALICE: str(bank_letter(bank, before)), BOB: str(bob_option)}
    assert (await SessionStore(db).load(session.session_id)).shuffle_seed is not None
