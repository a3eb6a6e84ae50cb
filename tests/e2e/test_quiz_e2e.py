"""/quiz, /practice, /review and /exercise: the real bot against the fake Discord.

The bot's clock is the system clock plus an offset the test moves forward (QuizClock), and
its sleep() wakes when that clock reaches the target, so a 10-second question (the engine's
minimum) closes as soon as the test moves the clock. The clock is only moved while no
question it waits for is open (checked against the engine's phase, atomically with each
step), so clicks made right after a question is posted earn the full speed bonus.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from bot.clock import SystemClock
from bot.quiz.matching import check_answer
from bot.quiz.models import OPTION_LETTERS, Question
from tests.e2e.conftest import assert_within_limits

pytestmark = pytest.mark.e2e

QUIZ = "quiz"  # the fake's #quiz channel


class QuizClock(SystemClock):
    """Real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        target = self.now() + timedelta(seconds=max(0.0, seconds))
        while self.now() < target:
            await asyncio.sleep(min(0.02, (target - self.now()).total_seconds()))


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> QuizClock:
    """One clock for every bot the test starts (TutorBot builds SystemClock() by default)."""
    shared = QuizClock()
    monkeypatch.setattr("bot.discordbot.client.SystemClock", lambda: shared)
    return shared


async def advance_until(clock: QuizClock, condition: Callable[[], bool], what: str,
                        step: float = 4.0, timeout: float = 15.0) -> None:
    """Move the clock forward a step at a time until condition holds (checked before
    every step, with no await in between)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, f"timed out waiting for {what}"
        clock.advance(step)
        await asyncio.sleep(0.05)


def titled(fake, prefix: str, channel: str = QUIZ) -> list:
    return [m for m in fake.sent_messages(channel)
            if m.embeds and m.embeds[0].get("title", "").startswith(prefix)]


def embed_text(embed: dict) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def engine(bot):
    return bot.get_cog("Quiz").service.engine


def bank(bot):
    return bot.get_cog("Quiz").service.bank


def typed_answer(question: Question) -> str:
    if question.kind == "mc":
        return OPTION_LETTERS[question.answer_index]
    if question.kind == "tf":
        return "true" if question.answer_bool else "false"
    return question.answer_display().en


def phase(fake, bot) -> tuple[str, int] | None:
    """The #quiz session's phase and question number; None when no quiz is running."""
    session = engine(bot).get(fake.channel(QUIZ).id)
    if session is None:
        return None
    return session.phase, session.round.index + 1 if session.round is not None else 0


async def open_question(fake, bot, clock, number: int, nth: int = 1):
    """Question `number` asked (the clock moves only until then) and posted (its nth post)."""
    await advance_until(clock, lambda: phase(fake, bot) == ("asking", number),
                        f"question {number}")
    title = f"Question {number} of"
    await fake.wait_until(lambda: len(titled(fake, title)) >= nth, what=title)
    return fake.message(titled(fake, title)[nth - 1].id)


async def close_question(fake, bot, clock, number: int) -> None:
    await advance_until(clock, lambda: phase(fake, bot) != ("asking", number),
                        f"the end of question {number}")


async def play_to_the_end(fake, bot, clock) -> None:
    await advance_until(clock, lambda: phase(fake, bot) is None, "the end of the quiz")


def option_lines(message) -> list[str]:
    """A posted multiple-choice question's "**A)** …" lines, in the order shown."""
    return [line for line in message.embeds[0]["description"].splitlines()
            if re.match(r"\*\*[A-D]\)\*\* ", line)]


def shown_at(message, option: str) -> int:
    """Where a posted mc question shows an option (by its English text): 0 for A."""
    return next(i for i, line in enumerate(option_lines(message))
                if line.split(")** ", 1)[1].split(" / ")[0] == option)


def practice_pick(message, question_id: str, choice: int) -> str:
    """The custom id of a practice question's button for the choice shown at `choice`."""
    return next(c for c in message.custom_ids()
                if re.match(rf"prac:pick:{question_id}:{choice}[.:]", c))


async def click_choice(fake, user, message, choice: int):
    custom_id = next(c for c in message.custom_ids() if c.endswith(f":{choice}"))
    return await fake.click(user, message.id, custom_id)


async def test_buttons_quiz_with_three_players(fake, start_bot, clock):
    bob, carol, alice = fake.student, fake.user("carol"), fake.owner
    async with start_bot() as bot:
        commands = fake.commands()
        assert {"quiz", "practice", "review", "exercise"} <= set(commands)
        assert commands["quiz"]["name_localizations"]["ja"] == "クイズ"
        assert bot.reviews_due is not None

        start = await fake.slash(fake.moderator, "quiz start",
                                 {"count": 2, "seconds": 10, "mode": "buttons"}, channel=QUIZ)
        assert "2 question(s)" in start.callback_data["embeds"][0]["title"]
        channel_id = fake.channel(QUIZ).id
        missed_by_carol = []
        for number in (1, 2):
            message = await open_question(fake, bot, clock, number)
            view = engine(bot).current_view(channel_id)
            right = view.question.correct_choice
            wrong = (right + 1) % len(view.question.choices)
            assert len(message.custom_ids()) == len(view.question.choices)
            lines = option_lines(message)  # the options in the order the engine shows them
            assert len(lines) == (len(view.choices) if view.question.kind == "mc" else 0)
            assert all(line.startswith(f"**{letter})** {choice.en}") for line, letter, choice
                       in zip(lines, OPTION_LETTERS, view.choices, strict=False))
            first = await click_choice(fake, bob, message, right)
            assert first.ephemeral and "You can change it" in first.content
            japanese = await click_choice(fake, carol, message, wrong)
            assert japanese.ephemeral and "回答" in japanese.content
            await click_choice(fake, alice, message, wrong)
            # With 4 of the 10 seconds left: the bonus counts from the final choice.
            clock.advance((view.deadline - clock.now()).total_seconds() - 4)
            changed = await click_choice(fake, alice, message, right)
            assert "Changed to" in changed.content
            missed_by_carol.append(view.question.id)

            await close_question(fake, bot, clock, number)
            await fake.wait_until(lambda n=number: len(titled(fake, "✅ Answer")) >= n,
                                  what=f"reveal {number}")
            reveal = titled(fake, "✅ Answer")[number - 1].embeds[0]
            text = embed_text(reveal)
            quote = bank(bot).quote(view.question.id)
            assert f"📖 {quote.heading_path}"[:200] in text
            assert f"> {quote.lines[0]}"[:200] in text  # the chapter, verbatim
            assert f"<@{bob.id}> +{view.points + 5} (⚡+5)" in text
            assert f"<@{alice.id}> +{view.points + 2} (⚡+2)" in text
            assert f"<@{carol.id}>" not in text.split("Correct", 1)[1].split("Standings")[0]
            assert not fake.message(message.id).custom_ids()  # buttons gone at the reveal

        await play_to_the_end(fake, bot, clock)
        await fake.wait_until(lambda: titled(fake, "🏁 Quiz finished"), what="the scoreboard")
        board = embed_text(titled(fake, "🏁 Quiz finished")[0].embeds[0])
        assert "(2/2 questions)" in board
        assert board.index(f"<@{bob.id}>") < board.index(f"<@{alice.id}>") \
            < board.index(f"<@{carol.id}>")

        rows = await bot.db.fetchall("SELECT member_id, correct FROM quiz_answers")
        assert len(rows) == 6
        status = await bot.db.fetchone("SELECT status FROM quiz_sessions")
        assert status["status"] == "finished"
        assert await bot.reviews_due(carol.id) == 2  # what she missed is queued for review

        top = await fake.slash(bob, "quiz leaderboard", {"scope": "channel", "period": "week"},
                               channel=QUIZ)
        assert embed_text(top.callback_data["embeds"][0]).split("\n")[1].startswith(
            f"🥇 <@{bob.id}>")
        due = await fake.slash(carol, "practice", {"count": 1}, channel=QUIZ)
        assert due.callback_data["embeds"][0]["title"] == "🔁 復習"
        assert any(qid in cid for qid in missed_by_carol
                   for cid in fake.response_message(due).custom_ids())
    assert_within_limits(fake)


async def test_typed_round_is_won_by_the_first_correct_message(fake, start_bot, clock):
    bob, carol = fake.student, fake.user("carol")
    async with start_bot() as bot:
        # The quiz channel also answers questions without a mention: quiz answers must win.
        await fake.slash(fake.moderator, "tutor config", {"answer_channel": fake.channel(QUIZ)})
        await fake.slash(fake.moderator, "quiz start", {"count": 1, "seconds": 60,
                                                        "mode": "typed", "topic": "netflix"},
                         channel=QUIZ)
        question_message = await open_question(fake, bot, clock, 1)
        assert "Type your answer" in question_message.embeds[0]["description"]
        assert not question_message.custom_ids()
        question = engine(bot).current_view(fake.channel(QUIZ).id).question
        answer = typed_answer(question)
        assert check_answer(question, answer).correct

        await fake.post_message(carol, QUIZ, "no idea, sorry")
        session = engine(bot).get(fake.channel(QUIZ).id)
        await fake.wait_until(lambda: session.round.typed, what="carol's try")
        winner = await fake.post_message(bob, QUIZ, answer)
        await fake.wait_for_request(lambda r: r.method == "PUT" and "/reactions/" in r.path
                                    and f"/messages/{winner.id}/" in r.path)
        await fake.wait_until(lambda: titled(fake, "✅ Answer"), what="the reveal")
        reveal = embed_text(titled(fake, "✅ Answer")[0].embeds[0])
        assert f"<@{bob.id}> +" in reveal and f"<@{carol.id}> +" not in reveal
        await play_to_the_end(fake, bot, clock)
        await fake.wait_until(lambda: titled(fake, "🏁 Quiz finished"), what="the scoreboard")
        tutor_replies = [m for m in fake.sent_messages(QUIZ) if m.embeds and
                         "chapter" in m.embeds[0].get("description", "")]
        assert tutor_replies == []  # the answers were quiz answers, not questions
        rows = {r["member_id"]: r for r in await bot.db.fetchall("SELECT * FROM quiz_answers")}
        assert rows[bob.id]["correct"] == 1 and rows[bob.id]["points"] > 0
        assert rows[carol.id]["correct"] == 0 and rows[carol.id]["mode"] == "typed"
    assert_within_limits(fake)


async def test_a_restart_resumes_the_open_question_with_answers_kept(fake, start_bot, clock):
    bob, carol = fake.student, fake.user("carol")
    async with start_bot() as bot:
        await fake.slash(fake.moderator, "quiz start", {"count": 2, "seconds": 10},
                         channel=QUIZ)
        before = await open_question(fake, bot, clock, 1)
        view = engine(bot).current_view(fake.channel(QUIZ).id)
        right = view.question.correct_choice
        await click_choice(fake, bob, before, right)
        await click_choice(fake, carol, before, (right + 1) % len(view.question.choices))
    # The bot stopped with the question open: the session is checkpointed, not ended.
    async with start_bot() as bot:
        await fake.wait_until(lambda: any("I restarted" in m.content
                                          for m in fake.sent_messages(QUIZ)), what="resume")
        again = await open_question(fake, bot, clock, 1, nth=2)  # asked again
        assert again.id != before.id
        assert {c.rsplit(":", 1)[0] for c in again.custom_ids()} == \
            {c.rsplit(":", 1)[0] for c in before.custom_ids()}  # same session and question
        assert option_lines(again) == option_lines(before)  # the same shuffled order
        await close_question(fake, bot, clock, 1)
        await fake.wait_until(lambda: titled(fake, "✅ Answer"), what="the reveal")
        reveal = embed_text(titled(fake, "✅ Answer")[0].embeds[0])
        assert f"<@{bob.id}> +" in reveal  # his click from before the restart counted
        stop = await fake.slash(fake.moderator, "quiz stop", channel=QUIZ)
        board = embed_text(stop.callback_data["embeds"][0])
        assert "stopped" in board and f"<@{bob.id}> — {view.points + 5} pt" in board
        rows = await bot.db.fetchall("SELECT member_id, correct FROM quiz_answers")
        assert {(r["member_id"], r["correct"]) for r in rows} == {(bob.id, 1), (carol.id, 0)}
    assert_within_limits(fake)


async def test_a_long_outage_closes_the_quiz_with_its_scores(fake, start_bot, clock):
    bob = fake.student
    async with start_bot() as bot:
        await fake.slash(fake.moderator, "quiz start", {"count": 3, "seconds": 10},
                         channel=QUIZ)
        first = await open_question(fake, bot, clock, 1)
        await click_choice(fake, bob, first, engine(bot).current_view(
            fake.channel(QUIZ).id).question.correct_choice)
        await open_question(fake, bot, clock, 2)
    clock.advance(3600)
    async with start_bot() as bot:
        await fake.wait_until(lambda: titled(fake, "⏹️ Quiz closed"), what="closed board")
        board = embed_text(titled(fake, "⏹️ Quiz closed")[0].embeds[0])
        assert "(1/3 questions)" in board and f"<@{bob.id}>" in board
        row = await bot.db.fetchone("SELECT status FROM quiz_sessions")
        assert row["status"] == "closed" and engine(bot).get(fake.channel(QUIZ).id) is None
        again = await fake.slash(fake.moderator, "quiz start", {"count": 1}, channel=QUIZ)
        assert not again.ephemeral  # the channel is free again
        await fake.slash(fake.moderator, "quiz stop", channel=QUIZ)


async def test_only_the_starter_or_a_moderator_may_stop(fake, start_bot, clock):
    master = fake.state.add_role("Quiz Master", 0)
    quinn = fake.add_user("quinn", roles=[master])
    bob = fake.student
    async with start_bot() as bot:
        settings = await bot.guild_settings.get(fake.guild.id)
        settings.quiz_master_role_id = master.id
        await bot.guild_settings.save(settings)

        refused = await fake.slash(bob, "quiz start", {}, channel=QUIZ)
        assert refused.ephemeral and "quiz-master role" in refused.content
        started = await fake.slash(quinn, "quiz start", {"count": 3, "seconds": 10},
                                   channel=QUIZ)
        assert not started.ephemeral
        await open_question(fake, bot, clock, 1)
        for command in ("quiz stop", "quiz skip"):
            no = await fake.slash(bob, command, channel=QUIZ)
            assert no.ephemeral and "Only the member who started" in no.content
        assert engine(bot).get(fake.channel(QUIZ).id).active
        skipped = await fake.slash(quinn, "quiz skip", channel=QUIZ)
        assert skipped.callback_data["embeds"][0]["title"].startswith("⏭️ Skipped")
        stopped = await fake.slash(quinn, "quiz stop", channel=QUIZ)
        assert "stopped" in stopped.callback_data["embeds"][0]["title"]
        nothing = await fake.slash(fake.moderator, "quiz stop", channel=QUIZ)
        assert nothing.ephemeral and "No quiz is running" in nothing.content
    assert_within_limits(fake)


async def test_practice_reviews_due_items_first_then_review(fake, start_bot, clock):
    bob = fake.student
    async with start_bot() as bot:
        service = bot.get_cog("Quiz").service
        now = clock.now()
        await service.srs.enqueue_missed(bob.id, "netflix-founded", now - timedelta(hours=2))
        await service.srs.enqueue_missed(bob.id, "netflix-phase2-accuracy",
                                         now - timedelta(hours=1))
        assert await bot.reviews_due(bob.id) == 2

        rec = await fake.slash(bob, "practice", {"count": 3})
        assert rec.ephemeral and rec.callback_data["embeds"][0]["title"] == "🔁 Review"
        message_id = fake.response_message_id(rec)
        asked = fake.message(message_id)
        pick = practice_pick(asked, "netflix-founded", shown_at(asked, "1997"))
        result = await fake.click(bob, message_id, pick)
        shown = result.callback_data["embeds"][0]
        assert shown["title"] == "✅ Correct!" and "1997" in embed_text(shown)
        assert shown["fields"][0]["name"].startswith("📖 4.1")  # the verbatim quote

        next_id = next(c for c in fake.message(message_id).custom_ids()
                       if c.startswith("prac:next:"))
        short = await fake.click(bob, message_id, next_id)
        assert "phase 2" in short.callback_data["embeds"][0]["description"]
        typed = next(c for c in fake.message(message_id).custom_ids()
                     if c.startswith("prac:type:netflix-phase2-accuracy:"))
        form = await fake.click(bob, message_id, typed)
        assert form.callback_type == 9
        answered = await fake.submit_modal(bob, form.modal["custom_id"], {"answer": "約75%"})
        assert answered.callback_data["embeds"][0]["title"] == "✅ Correct!"

        new = await fake.click(bob, message_id, next(
            c for c in fake.message(message_id).custom_ids() if c.startswith("prac:next:")))
        assert new.callback_data["embeds"][0]["title"] == "🆕 New question"
        done = await fake.click(bob, message_id, next(
            c for c in fake.message(message_id).custom_ids() if c.startswith("prac:stop:")))
        assert done.callback_data["embeds"][0]["title"] == "🎓 Practice done: 2/2 correct"

        assert await bot.reviews_due(bob.id) == 0
        review = await fake.slash(bob, "review", locale="ja")
        body = review.callback_data["embeds"][0]["description"]
        assert "今すぐの復習はありません" in body and "登録済み: 2件" in body
    assert_within_limits(fake)


async def test_practice_buttons_follow_the_shuffled_options_across_a_restart(
        fake, start_bot, clock):
    bob = fake.student
    async with start_bot() as bot:
        service = bot.get_cog("Quiz").service
        service.practice.rng = random.Random(2)  # an order that moves 1997 off B
        await service.srs.enqueue_missed(bob.id, "netflix-founded",
                                         clock.now() - timedelta(hours=1))
        asked = await fake.slash(bob, "practice", {"count": 1})
        message_id = fake.response_message_id(asked)
        lines = option_lines(fake.message(message_id))
        yaml = [o.en for o in bank(bot).get("netflix-founded").options]
        assert sorted(line.split(")** ", 1)[1].split(" / ")[0] for line in lines) == \
            sorted(yaml)
        right = shown_at(fake.message(message_id), "1997")
        assert right != yaml.index("1997")  # not where the YAML puts it
    async with start_bot() as bot:  # the bot restarted before the press
        pick = practice_pick(fake.message(message_id), "netflix-founded", right)
        result = await fake.click(bob, message_id, pick)
        shown = result.callback_data["embeds"][0]
        letter = OPTION_LETTERS[right]
        assert shown["title"] == "✅ Correct!"
        assert f"You answered: {letter}) 1997" in shown["description"]
        assert f"Answer: {letter}) 1997" in shown["description"]  # the letter it was shown at
        assert await bot.reviews_due(bob.id) == 0
    assert_within_limits(fake)


async def test_exercise_hints_and_feedback_even_across_a_restart(fake, start_bot, clock):
    bob = fake.student
    answer = ("A data scientist does exploratory data analysis and A/B test work and "
              "writes a report or a dashboard. An ML engineer deploys models to production "
              "with Docker and Kubernetes.")
    async with start_bot() as bot:
        exercise = bank(bot).exercises[2]
        posted = await fake.slash(bob, "exercise show", {"number": 2}, channel="study")
        assert not posted.ephemeral
        shown = posted.callback_data["embeds"][0]
        assert "Exercise 2" in shown["title"]
        # An English-speaking member reads the prompt in English, the chapter's Japanese beside it.
        assert shown["description"] == exercise.english.prompt
        assert {"name": "The chapter's Japanese · 原文", "value": exercise.prompt,
                "inline": False} in shown["fields"]
        message_id = fake.response_message_id(posted)
        assert set(fake.message(message_id).custom_ids()) == {"ex:hint:2", "ex:answer:2"}
        hint = await fake.click(bob, message_id, "ex:hint:2")
        assert hint.ephemeral and hint.content == f"💡 Hint 1/1: {exercise.english.hints[0]}"
        assert hint.content.endswith("- Machine learning engineer: implementing and operating "
                                     "ML systems")  # the lead-in carries its list
        second = await fake.click(bob, message_id, "ex:hint:2")
        assert second.content.startswith("That's every hint")

        form = await fake.click(bob, message_id, "ex:answer:2")
        assert form.callback_type == 9
        feedback = await fake.submit_modal(bob, form.modal["custom_id"], {"answer": answer})
        await fake.wait_until(lambda: len(feedback.followups) >= 2, what="feedback")
        checklist = feedback.followups[0]["embeds"][0]["description"]
        assert "✅ The DS's daily work" in checklist and "✅ How the skills differ" in checklist
        model = feedback.followups[1]["embeds"][0]
        assert model["title"].startswith("📖 Model answer")
        assert model["description"].startswith("**1. Daily work**\n\nData scientist (DS):")
        assert "#####" not in model["description"]
        assert "Hearing out business problems" in model["description"]  # our English text
        assert feedback.followups[0].get("flags", 0) & 64  # ephemeral

        reopened = await fake.click(bob, message_id, "ex:answer:2")
    # The form was open while the bot restarted: the answer still counts.
    async with start_bot() as bot:
        late = await fake.submit_modal(bob, reopened.modal["custom_id"],
                                       {"answer": "データサイエンティストは分析とレポート、"
                                                  "MLエンジニアは本番環境へのデプロイと監視。"})
        await fake.wait_until(lambda: len(late.followups) >= 2, what="feedback after restart")
        # bob's client is English: the feedback is, though he answered in Japanese
        assert "Exercise 2: key-point checklist" in late.followups[0]["embeds"][0]["description"]
        choices = await fake.autocomplete(bob, "exercise history", {"number": "2"},
                                          focused="number")
        assert [c["value"] for c in choices.choices] == [2]
        history = await fake.slash(bob, "exercise history")
        rows = history.callback_data["embeds"][0]["description"]
        assert rows.count("Exercise 2 ·") == 2 and "key points 4/6" in rows
    assert_within_limits(fake)


async def test_quiz_stats_sends_the_chart_to_moderators(fake, start_bot, clock):
    bob = fake.student
    async with start_bot() as bot:
        await fake.slash(fake.moderator, "quiz start", {"count": 1, "seconds": 10},
                         channel=QUIZ)
        message = await open_question(fake, bot, clock, 1)
        view = engine(bot).current_view(fake.channel(QUIZ).id)
        await click_choice(fake, bob, message, (view.question.correct_choice + 1) % 2)
        await play_to_the_end(fake, bot, clock)

        own = await fake.slash(bob, "quiz stats", channel=QUIZ)
        await fake.wait_until(lambda: own.followups, what="member stats")
        assert own.followups[0]["embeds"][0]["title"] == "📊 Your quiz stats"
        assert not [r for r in fake.requests("POST") if r.files]

        mod = await fake.slash(fake.moderator, "quiz stats", channel=QUIZ)
        await fake.wait_until(lambda: mod.followups, what="moderator stats")
        upload = next(r for r in fake.requests("POST") if r.files)
        assert upload.files[0].is_png and upload.files[0].filename == "quiz-missed.png"
        missed = upload.json["embeds"][1]
        assert view.question.id in missed["description"]
        assert missed["image"]["url"] == "attachment://quiz-missed.png"

        topics = await fake.slash(bob, "quiz topics", channel=QUIZ)
        assert "Netflix recommendations" in topics.callback_data["embeds"][0]["description"]
        choices = await fake.autocomplete(bob, "quiz start", {"topic": "netf"}, focused="topic",
                                          channel=QUIZ)
        assert [c["value"] for c in choices.choices] == ["netflix"]
    assert_within_limits(fake)
