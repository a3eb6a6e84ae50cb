"""/quiz, /practice, /review and /exercise: a thin layer over bot/quiz (see its README).

Commands parse options, call QuizService and render with bot/discordbot/quiz_views.py.
A channel quiz is paced by the core's runner (one asyncio task per channel); ChannelQuiz
posts what it hands over. The core saves every transition, so on a restart the active
sessions are restored and resumed (the open question is asked again with a fresh timer)
or, after a long outage, closed with their scores; on unload the runners just stop.
"""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

import discord
import numpy as np
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.discordbot.checks import member_is_moderator, member_is_quiz_master
from bot.discordbot.client import TutorBot, send_ephemeral
from bot.discordbot.i18n import t
from bot.discordbot.limits import CONTENT, truncate
from bot.discordbot.quiz_views import (
    FORM_RE,
    ExerciseButton,
    ExerciseButtons,
    PracticeButton,
    PracticeQuestionButtons,
    PracticeResultButtons,
    PracticeState,
    QuestionButtons,
    QuizAnswerButton,
    ReviewButtons,
    choice_label,
    exercise_embed,
    exercise_history_embed,
    feedback_embeds,
    form_value,
    leaderboard_embed,
    member_stats_embed,
    missed_embed,
    practice_done_embed,
    practice_question_embed,
    practice_result_embed,
    question_embed,
    reveal_embed,
    review_embed,
    scoreboard_embed,
    start_embed,
    topic_label,
    topics_embed,
)
from bot.discordbot.texts import TEXTS, guild_language, interaction_language, tr
from bot.quiz.bank import TOPIC_LABELS, QuestionBank
from bot.quiz.exercises import assess
from bot.quiz.models import OPTION_LETTERS, Exercise
from bot.quiz.render import review_summary_text
from bot.quiz.runner import start_runner
from bot.quiz.service import QuizService
from bot.quiz.session import (
    DEFAULT_SECONDS,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_SECONDS,
    QuestionView,
    QuizError,
    QuizSession,
    Reveal,
    Scoreboard,
)
from bot.quiz.stats import render_miss_chart
from bot.quiz.times import from_seconds
from bot.retrieval.embedder import Embedder

log = logging.getLogger(__name__)

RESUME_WITHIN = timedelta(minutes=15)  # a quiz down longer than this is closed, not resumed
MISS_CHART = "quiz-missed.png"
FIRST_CORRECT = "✅"
MODE_VALUES = {"buttons": "button", "button": "button", "typed": "typed"}
MODE_CHOICES = [
    app_commands.Choice(name=t("buttons: everyone answers"), value="buttons"),
    app_commands.Choice(name=t("typed: first correct message wins"), value="typed"),
]
SCOPE_CHOICES = [
    app_commands.Choice(name=t("Whole server"), value="server"),
    app_commands.Choice(name=t("This channel"), value="channel"),
]
PERIOD_CHOICES = [
    app_commands.Choice(name=t("Last 7 days"), value="week"),
    app_commands.Choice(name=t("All time"), value="all"),
]


def quiz_error(code: str, language: str) -> str:
    key = f"quiz_err_{code}"
    return tr(key, language) if key in TEXTS else tr("quiz_err_other", language, code=code)


def resolve_topic(text: str | None) -> str | None:
    """A topic id from what the member typed: the id itself or its Japanese/English name."""
    if not text:
        return None
    wanted = text.strip().casefold()
    for topic, label in TOPIC_LABELS.items():
        if wanted in (topic, label.ja.casefold(), label.en.casefold()):
            return topic
    return text.strip()


def topic_choices(bank: QuestionBank, current: str,
                  language: str) -> list[app_commands.Choice[str]]:
    wanted = current.strip().casefold()
    choices = []
    for topic, count in bank.topic_counts().items():
        label = TOPIC_LABELS[topic]
        if wanted and not any(wanted in s.casefold() for s in (topic, label.ja, label.en)):
            continue
        name = f"{topic_label(topic, language)} ({count})"
        choices.append(app_commands.Choice(name=name[:100], value=topic))
    return choices[:25]


def can_post(interaction: discord.Interaction) -> bool:
    permissions = interaction.app_permissions
    return permissions.send_messages and permissions.embed_links


class EmbeddingSimilarity:
    """Cosine similarity of sentence embeddings for the exercise checklist.

    `assess` calls similarity(a, b) synchronously, so everything it will compare is
    encoded beforehand in a worker thread (found by a dry run of `assess`, which is pure
    and cheap), and each call is a dot product of stored unit vectors."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def __call__(self, a: str, b: str) -> float:
        return float(np.dot(self.vectors[a], self.vectors[b]))

    @classmethod
    def prepare(cls, embedder: Embedder, exercise: Exercise,
                answer: str) -> EmbeddingSimilarity | None:
        """Blocking (runs the model): call it off the event loop."""
        wanted: set[str] = set()

        def record(a: str, b: str) -> float:
            wanted.update((a, b))
            return 0.0

        assess(exercise, answer, similarity=record)
        if not wanted:
            return None
        texts = sorted(wanted)
        return cls(dict(zip(texts, embedder.encode_queries(texts), strict=True)))


class ChannelQuiz:
    """The runner's QuizEvents for one channel: posts each question, reveal and the end."""

    def __init__(self, channel: discord.abc.Messageable, language: str) -> None:
        self.channel = channel
        self.language = language
        self.question_message: discord.Message | None = None

    async def on_question(self, view: QuestionView) -> None:
        await self.close_question()
        extra = {"view": QuestionButtons(view, self.language)} if view.mode == "button" else {}
        self.question_message = await self.channel.send(
            embed=question_embed(view, self.language), **extra)

    async def on_reveal(self, reveal: Reveal) -> None:
        await self.close_question()
        await self.channel.send(embed=reveal_embed(reveal, self.language))

    async def on_end(self, board: Scoreboard) -> None:
        await self.close_question()
        await self.channel.send(embed=scoreboard_embed(board, self.language))

    async def close_question(self) -> None:
        """Take the answer buttons off the last question: its answers are closed."""
        message, self.question_message = self.question_message, None
        if message is None or not message.components:
            return
        try:
            await message.edit(view=None)
        except discord.HTTPException:
            log.warning("could not remove the buttons of question message %d", message.id,
                        exc_info=True)


class Quiz(commands.Cog):
    quiz = app_commands.Group(name=t("quiz"), description=t("Channel quizzes on the chapter"),
                              guild_only=True)
    exercise = app_commands.Group(
        name=t("exercise"),
        description=t("The chapter's exercises, with hints and key-point feedback"))

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot
        self.service: QuizService
        self.channels: dict[int, ChannelQuiz] = {}
        self.runners: dict[int, asyncio.Task] = {}
        self._background: set[asyncio.Task] = set()

    # --- lifecycle -----------------------------------------------------------------------

    async def cog_load(self) -> None:
        bot = self.bot
        # Loading the bank checks every citation against the chapter: keep it off the loop.
        self.service = await asyncio.to_thread(QuizService.create, bot.db, bot.tutor.knowledge,
                                               bot.clock)
        bot.reviews_due = self.service.reviews_due  # type: ignore[attr-defined]
        restored = await self.service.engine.restore(bot.settings.owns_guild)
        if restored:
            self._spawn(self._resume_when_ready(restored), "quiz-resume")

    async def cog_unload(self) -> None:
        """Stop the runners; every session stays checkpointed for the next start."""
        tasks = [*self.runners.values(), *self._background]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.runners:
            log.info("stopped %d quiz runner(s); their sessions resume on the next start",
                     len(self.runners))
        self.runners.clear()
        self.channels.clear()
        if getattr(self.bot, "reviews_due", None) == self.service.reviews_due:
            self.bot.reviews_due = None  # type: ignore[attr-defined]

    def _spawn(self, coroutine, name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _launch(self, channel_id: int, events: ChannelQuiz) -> None:
        self.channels[channel_id] = events
        task = start_runner(self.service.engine, channel_id, events, self.bot.clock)
        self.runners[channel_id] = task
        task.add_done_callback(lambda done: self._runner_done(channel_id, done))

    def _runner_done(self, channel_id: int, task: asyncio.Task) -> None:
        if self.runners.get(channel_id) is task:
            del self.runners[channel_id]
            self.channels.pop(channel_id, None)
        if task.cancelled() or task.exception() is None:
            return
        session = self.service.engine.get(channel_id)
        if session is not None and session.active:  # the runner died: free the channel
            self._spawn(self._close_quietly(channel_id), f"quiz-close-{channel_id}")

    async def _close_quietly(self, channel_id: int) -> None:
        try:
            board = await self.service.engine.close(channel_id)
        except QuizError:
            return
        log.warning("quiz %d in channel %d closed after its runner failed (scores kept)",
                    board.session_id, channel_id)

    async def _resume_when_ready(self, sessions: list[QuizSession]) -> None:
        await self.bot.wait_until_ready()
        for session in sessions:
            try:
                await self._resume(session)
            except Exception:
                log.exception("quiz %d in channel %d could not be resumed; closing it",
                              session.session_id, session.channel_id)
                await self._close_quietly(session.channel_id)

    async def _resume(self, session: QuizSession) -> None:
        engine, channel_id = self.service.engine, session.channel_id
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            board = await engine.close(channel_id)
            log.info("quiz %d closed: channel %d is gone", board.session_id, channel_id)
            return
        language = guild_language(getattr(channel, "guild", None))
        if self._stale(session):
            board = await engine.close(channel_id)
            await channel.send(embed=scoreboard_embed(board, language))
            log.info("quiz %d closed after a long restart (%d rounds kept)", board.session_id,
                     board.rounds_played)
            return
        await engine.resume(channel_id)
        await channel.send(tr("quiz_resumed", language))
        self._launch(channel_id, ChannelQuiz(channel, language))
        log.info("quiz %d resumed in channel %d", session.session_id, channel_id)

    def _stale(self, session: QuizSession) -> bool:
        last = session.round.deadline if session.round is not None else session.created_at
        return self.bot.clock.now() - from_seconds(last) > RESUME_WITHIN

    def _messageable(self, channel_id: int) -> discord.abc.Messageable:
        return self.bot.get_channel(channel_id) or self.bot.get_partial_messageable(channel_id)

    # --- /quiz start, stop, skip ---------------------------------------------------------

    @quiz.command(name=t("start"),
                  description=t("Start a quiz in this channel (moderators and quiz masters)"))
    @app_commands.describe(
        topic=t("A topic (default: all topics)"), count=t("How many questions"),
        seconds=t("Seconds per question"),
        mode=t("Buttons (everyone answers) or typed (first correct message wins)"))
    @app_commands.rename(topic=t("topic"), count=t("count"), seconds=t("seconds"),
                         mode=t("mode"))
    @app_commands.choices(mode=MODE_CHOICES)
    async def start(self, interaction: discord.Interaction, topic: str | None = None,
                    count: app_commands.Range[int, 1, MAX_QUESTIONS] = 10,
                    seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] = DEFAULT_SECONDS,
                    mode: str = "buttons") -> None:
        language = interaction_language(interaction)
        problem = await self._start_problem(interaction)
        if problem is not None:
            await send_ephemeral(interaction, tr(problem, language))
            return
        unknown = self._unknown_topic(topic, language)
        if unknown is not None:
            await send_ephemeral(interaction, unknown)
            return
        channel_id = interaction.channel_id
        try:
            session = await self.service.engine.start(
                interaction.guild_id, channel_id, interaction.user.id, topic=resolve_topic(topic),
                count=count, seconds=seconds, mode=MODE_VALUES.get(mode, mode))
        except QuizError as error:
            await send_ephemeral(interaction, quiz_error(error.code, language))
            return
        metrics.QUIZ_SESSIONS.inc()
        embed = start_embed(session, language, self._count_note(session, count, language))
        try:
            await interaction.response.send_message(embed=embed)
        finally:  # the quiz runs even if the announcement could not be delivered
            self._launch(channel_id, ChannelQuiz(self._messageable(channel_id), language))

    def _unknown_topic(self, typed: str | None, language: str) -> str | None:
        """What to tell a member whose topic does not exist (with the closest ones), or
        None when the topic is fine or none was given."""
        topic = resolve_topic(typed)
        bank = self.service.bank
        if topic is None or topic in bank.topic_counts():
            return None
        close = bank.close_topics(typed or "")
        if not close:
            return tr("topic_unknown", language, topic=typed)
        names = "\n".join(f"• `{t}` — {topic_label(t, language)}" for t in close)
        return tr("topic_unknown_close", language, topic=typed, matches=names)

    def _count_note(self, session: QuizSession, requested: int, language: str) -> str | None:
        """When the topic has fewer questions than asked for: how many run, and why."""
        running = len(session.question_ids)
        if running >= requested:
            return None
        topic = topic_label(session.topic, language)
        buttons_only = session.mode == "button" and \
            len(self.service.bank.select(session.topic)) > running
        key = "quiz_count_capped_buttons" if buttons_only else "quiz_count_capped"
        return tr(key, language, requested=requested, running=running, topic=topic)

    async def _start_problem(self, interaction: discord.Interaction) -> str | None:
        if not self.bot.accepting:
            return "restarting"
        if not await member_is_quiz_master(interaction):
            return "quiz_not_allowed"
        if not can_post(interaction):
            return "quiz_cannot_post"
        return None

    @start.autocomplete("topic")
    async def start_topic_autocomplete(self, interaction: discord.Interaction,
                                       current: str) -> list[app_commands.Choice[str]]:
        return topic_choices(self.service.bank, current, interaction_language(interaction))

    @quiz.command(name=t("stop"),
                  description=t("End the quiz in this channel (its starter or moderators)"))
    async def stop(self, interaction: discord.Interaction) -> None:
        language = interaction_language(interaction)
        if not await self._may_control(interaction, language):
            return
        events = self.channels.get(interaction.channel_id)
        try:
            board = await self.service.engine.stop(interaction.channel_id)
        except QuizError as error:
            await send_ephemeral(interaction, quiz_error(error.code, language))
            return
        await interaction.response.send_message(
            embed=scoreboard_embed(board, events.language if events else language))
        if events is not None:
            await events.close_question()

    @quiz.command(name=t("skip"), description=t(
        "Reveal the answer and go to the next question (its starter or moderators)"))
    async def skip(self, interaction: discord.Interaction) -> None:
        language = interaction_language(interaction)
        if not await self._may_control(interaction, language):
            return
        events = self.channels.get(interaction.channel_id)
        try:
            reveal = await self.service.engine.skip(interaction.channel_id)
        except QuizError as error:
            await send_ephemeral(interaction, quiz_error(error.code, language))
            return
        await interaction.response.send_message(
            embed=reveal_embed(reveal, events.language if events else language))
        if events is not None:
            await events.close_question()

    async def _may_control(self, interaction: discord.Interaction, language: str) -> bool:
        """Tell the member why not, if they may not skip or stop this channel's quiz."""
        engine = self.service.engine
        if engine.get(interaction.channel_id) is None:
            await send_ephemeral(interaction, quiz_error("no-session", language))
            return False
        if not engine.can_control(interaction.channel_id, interaction.user.id,
                                  await member_is_quiz_master(interaction)):
            await send_ephemeral(interaction, tr("quiz_not_controller", language))
            return False
        return True

    # --- answers -------------------------------------------------------------------------

    async def answer_button(self, interaction: discord.Interaction, channel_id: int,
                            session_id: int, number: int, choice: int) -> None:
        """A click on A-D / True-False: record (or change) the member's choice."""
        language = interaction_language(interaction)
        engine = self.service.engine
        session = engine.get(channel_id)
        view = engine.current_view(channel_id) if session is not None and session.active \
            else None
        if view is None or view.session_id != session_id or view.number != number:
            await send_ephemeral(interaction, tr("quiz_answer_closed", language))
            return
        try:
            ack = await engine.answer_button(channel_id, interaction.user.id, choice)
        except QuizError:  # the quiz ended while this click was on its way
            ack = None
        if ack is None or not ack.accepted:
            await send_ephemeral(interaction, tr("quiz_answer_closed", language))
            return
        label = choice_label(view.question, choice, language)
        await send_ephemeral(interaction, tr("quiz_answer_changed" if ack.changed
                                             else "quiz_answer_locked", language, choice=label))

    def takes_messages_in(self, channel_id: int) -> bool:
        """True while a typed quiz runs in the channel: its messages are answers, not
        questions for the tutor."""
        session = self.service.engine.get(channel_id)
        return session is not None and session.mode == "typed"

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Typed mode: every message in the quiz channel is an answer; ✅ on the winner."""
        if message.author.bot or not message.content:
            return
        engine = self.service.engine
        session = engine.get(message.channel.id)
        if session is None or session.mode != "typed" or session.phase != "asking":
            return
        try:
            ack = await engine.answer_typed(message.channel.id, message.author.id,
                                            message.content)
        except QuizError:  # the quiz ended while this message was on its way
            return
        if ack.first:
            try:
                await message.add_reaction(FIRST_CORRECT)
            except discord.HTTPException:
                log.warning("could not react to the winning answer %d", message.id)

    # --- /quiz leaderboard, topics, stats ------------------------------------------------

    @quiz.command(name=t("leaderboard"), description=t("The quiz leaderboard"))
    @app_commands.describe(scope=t("The whole server or this channel"),
                           period=t("The last 7 days or all time"))
    @app_commands.rename(scope=t("scope"), period=t("period"))
    @app_commands.choices(scope=SCOPE_CHOICES, period=PERIOD_CHOICES)
    async def leaderboard(self, interaction: discord.Interaction, scope: str = "server",
                          period: str = "all") -> None:
        language = interaction_language(interaction)
        rows = await self.service.stats.leaderboard(
            interaction.guild_id, self.bot.clock.now(), scope=scope, period=period,
            channel_id=interaction.channel_id)
        await interaction.response.send_message(
            embed=leaderboard_embed(rows, scope, period, language))

    @quiz.command(name=t("topics"), description=t("Quiz topics and how many questions each has"))
    async def topics(self, interaction: discord.Interaction) -> None:
        bank = self.service.bank
        buttons = {topic: len(bank.select(topic, buttons_only=True))
                   for topic in bank.topic_counts()}
        await interaction.response.send_message(
            embed=topics_embed(bank.topic_counts(), buttons, interaction_language(interaction)),
            ephemeral=True)

    @quiz.command(name=t("stats"), description=t(
        "Your quiz stats (moderators also get what the server misses most)"))
    @app_commands.describe(period=t("The last 7 days or all time"))
    @app_commands.rename(period=t("period"))
    @app_commands.choices(period=PERIOD_CHOICES)
    async def stats(self, interaction: discord.Interaction, period: str = "all") -> None:
        language = interaction_language(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = self.service.stats
        mine = await stats.member_stats(interaction.guild_id, interaction.user.id)
        embeds, files = [member_stats_embed(mine, language)], []
        if await member_is_moderator(interaction):
            report = await stats.missed_most(interaction.guild_id, self.bot.clock.now(), period)
            png = await asyncio.to_thread(render_miss_chart, report)  # matplotlib: off-loop
            embeds.append(missed_embed(report, self.service.bank.questions, period, language,
                                       MISS_CHART))
            files.append(discord.File(io.BytesIO(png), filename=MISS_CHART))
        await interaction.followup.send(embeds=embeds, files=files, ephemeral=True)

    # --- /practice and /review -----------------------------------------------------------

    @app_commands.command(name=t("practice"), description=t(
        "Practise on your own: reviews due first, then new questions"))
    @app_commands.describe(count=t("How many questions (default 10)"),
                           topic=t("A topic (default: all topics)"))
    @app_commands.rename(count=t("count"), topic=t("topic"))
    async def practice(self, interaction: discord.Interaction,
                       count: app_commands.Range[int, 1, MAX_QUESTIONS] = 10,
                       topic: str | None = None) -> None:
        language = interaction_language(interaction)
        if not self.bot.accepting:
            await send_ephemeral(interaction, tr("restarting", language))
            return
        unknown = self._unknown_topic(topic, language)
        if unknown is not None:
            await send_ephemeral(interaction, unknown)
            return
        await self.practice_next(interaction, PracticeState(count, topic=resolve_topic(topic)),
                                 edit=False)

    @practice.autocomplete("topic")
    async def practice_topic_autocomplete(self, interaction: discord.Interaction,
                                          current: str) -> list[app_commands.Choice[str]]:
        return topic_choices(self.service.bank, current, interaction_language(interaction))

    async def practice_next(self, interaction: discord.Interaction, state: PracticeState, *,
                            edit: bool) -> None:
        """The member's next item (a due review first, else a question never seen)."""
        language = interaction_language(interaction)
        items = await self.service.practice.plan(interaction.user.id, 1, state.topic) \
            if state.left > 0 else []
        if not items and state.done:
            await self.practice_finish(interaction, state, edit=edit)
            return
        if not items:
            await self._show(interaction, discord.Embed(
                description=tr("practice_nothing", language)), None, edit)
            return
        state = state.asked()
        await self._show(interaction, practice_question_embed(items[0], state, language),
                         PracticeQuestionButtons(items[0], state, language), edit)

    async def practice_pick(self, interaction: discord.Interaction, question_id: str,
                            choice: int, state: PracticeState, seed: int | None = None) -> None:
        """A choice button: `choice` counts in the order the question was shown in, which
        `seed` (from the button's id) gives back."""
        if question_id not in self.service.bank.questions:
            await self.practice_next(interaction, state, edit=True)  # gone from the bank
            return
        question = self.service.practice.shown(question_id, seed)
        if not 0 <= choice < len(question.choices):
            await self.practice_next(interaction, state, edit=True)
            return
        response = OPTION_LETTERS[choice] if question.kind == "mc" else \
            ("true" if choice == 0 else "false")
        shown = choice_label(question, choice, interaction_language(interaction))
        await self.practice_answer(interaction, question_id, response, shown, state, seed)

    async def practice_answer(self, interaction: discord.Interaction, question_id: str,
                              response: str, shown: str, state: PracticeState,
                              seed: int | None = None) -> None:
        """Check the answer (a letter in the order `seed` showed), record it as an SM-2
        review, show the result and Next."""
        language = interaction_language(interaction)
        if question_id not in self.service.bank.questions:
            await self.practice_next(interaction, state, edit=True)
            return
        async with self.bot.work():
            result = await self.service.practice.answer(interaction.user.id, question_id,
                                                        response, shuffle_seed=seed)
        state = state.answered(result.correct)
        await self._show(interaction, practice_result_embed(result, shown, language),
                         PracticeResultButtons(state, language), edit=True)

    async def practice_finish(self, interaction: discord.Interaction, state: PracticeState, *,
                              edit: bool = True) -> None:
        language = interaction_language(interaction)
        summary = await self.service.practice.summary(interaction.user.id)
        line = review_summary_text(summary, self.bot.clock.now(), language)
        await self._show(interaction, practice_done_embed(state, line, language), None, edit)

    @staticmethod
    async def _show(interaction: discord.Interaction, embed: discord.Embed,
                    view: discord.ui.View | None, edit: bool) -> None:
        """Replace the practice message (a button or form on it) or send a private one."""
        if edit and interaction.message is not None:
            await interaction.response.edit_message(embed=embed, view=view)
            return
        extra = {"view": view} if view is not None else {}
        await interaction.response.send_message(embed=embed, ephemeral=True, **extra)

    @app_commands.command(name=t("review"), description=t("How many reviews are due, and when"))
    async def review(self, interaction: discord.Interaction) -> None:
        language = interaction_language(interaction)
        summary = await self.service.practice.summary(interaction.user.id)
        line = review_summary_text(summary, self.bot.clock.now(), language)
        count = min(summary.due_now or 10, MAX_QUESTIONS)
        await interaction.response.send_message(embed=review_embed(summary, line, language),
                                                view=ReviewButtons(count, language),
                                                ephemeral=True)

    # --- /exercise -----------------------------------------------------------------------

    @exercise.command(name=t("show"),
                      description=t("Post an exercise with Hint and Answer buttons"))
    @app_commands.describe(number=t("Exercise number (default: your next unanswered one)"))
    @app_commands.rename(number=t("number"))
    async def exercise_show(self, interaction: discord.Interaction,
                            number: app_commands.Range[int, 1, 99] | None = None) -> None:
        language = interaction_language(interaction)
        number = number or await self._next_exercise(interaction.user.id)
        exercise = self.service.bank.exercises.get(number)
        if exercise is None:
            await send_ephemeral(interaction, self._unknown_exercise(number, language))
            return
        await interaction.response.send_message(embed=exercise_embed(exercise, language),
                                                view=ExerciseButtons(number, language))

    @exercise.command(name=t("history"), description=t("Your answers to the exercises"))
    @app_commands.describe(number=t("Only this exercise"))
    @app_commands.rename(number=t("number"))
    async def exercise_history(self, interaction: discord.Interaction,
                               number: app_commands.Range[int, 1, 99] | None = None) -> None:
        language = interaction_language(interaction)
        attempts = await self.service.exercises.history(interaction.user.id, number)
        await interaction.response.send_message(
            embed=exercise_history_embed(attempts, language), ephemeral=True)

    @exercise_show.autocomplete("number")
    @exercise_history.autocomplete("number")
    async def exercise_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[int]]:
        language = interaction_language(interaction)
        return [app_commands.Choice(name=f"{n}. {e.title.get(language)}"[:100], value=n)
                for n, e in sorted(self.service.bank.exercises.items())
                if not current or current in str(n) or
                current.casefold() in e.title.get(language).casefold()][:25]

    async def _next_exercise(self, member_id: int) -> int:
        """The first exercise the member has not answered yet (else the first one)."""
        done = {a.number for a in await self.service.exercises.history(member_id)}
        numbers = sorted(self.service.bank.exercises) or [1]
        return next((n for n in numbers if n not in done), numbers[0])

    def _unknown_exercise(self, number: int, language: str) -> str:
        numbers = ", ".join(str(n) for n in sorted(self.service.bank.exercises))
        return tr("exercise_unknown", language, number=number, numbers=numbers)

    async def exercise_hint(self, interaction: discord.Interaction, number: int) -> None:
        language = interaction_language(interaction)
        if number not in self.service.bank.exercises:
            await send_ephemeral(interaction, self._unknown_exercise(number, language))
            return
        desk = self.service.exercises
        hint = await desk.next_hint(interaction.user.id, number, language)
        if hint is None:
            seen = await desk.hints_seen(interaction.user.id, number, language)
            text = tr("exercise_no_more_hints", language,
                      hints="\n".join(f"{i}. {h}" for i, h in enumerate(seen, start=1)))
        else:
            text = tr("exercise_hint", language, index=hint.index, total=hint.total,
                      text=hint.text)
        await send_ephemeral(interaction, truncate(text, CONTENT))

    async def submit_exercise(self, interaction: discord.Interaction, number: int,
                              answer: str) -> None:
        """The key-point checklist (lexical, plus meaning once the model is loaded), then the
        chapter's model answer; private, and stored in the member's history."""
        exercise = self.service.bank.exercises.get(number)
        if exercise is None:
            await send_ephemeral(interaction, self._unknown_exercise(
                number, interaction_language(interaction)))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.bot.work():
            similarity = await self._similarity(exercise, answer)
            feedback = await self.service.exercises.submit(interaction.user.id, number, answer,
                                                           similarity=similarity)
        # Worded in the member's client language, like every private reply, whatever
        # language they answered in (the checker reads both).
        for embed in feedback_embeds(feedback, interaction_language(interaction)):
            await interaction.followup.send(embed=embed, ephemeral=True)

    async def _similarity(self, exercise: Exercise,
                          answer: str) -> Callable[[str, str], float] | None:
        tutor = self.bot.tutor
        if not tutor.dense_ready:
            return None  # lexical only until the model has loaded
        try:
            return await asyncio.to_thread(EmbeddingSimilarity.prepare, tutor.embedder,
                                           exercise, answer)
        except Exception:
            log.exception("exercise %d: embeddings failed; the checklist is lexical only",
                          exercise.number)
            return None

    # --- answer forms --------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Every answer form (modal) submission, routed by its custom id."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = interaction.data or {}
        match = FORM_RE.match(str(data.get("custom_id", "")))
        if match is None:
            return
        text = form_value(data).strip()  # type: ignore[arg-type]
        if not text:  # only spaces: nothing to check and nothing to store
            await send_ephemeral(interaction, tr("answer_empty", interaction_language(interaction)))
            return
        try:
            if match["number"]:
                await self.submit_exercise(interaction, int(match["number"]), text)
            else:
                await self.practice_answer(interaction, match["qid"], text, text,
                                           PracticeState.decode(match["state"]))
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("answer form %s failed [error_id=%s]", data.get("custom_id"),
                          error_id, extra={"error_id": error_id})
            await send_ephemeral(interaction, tr("error", interaction_language(interaction),
                                                 error_id=error_id))


async def setup(bot: TutorBot) -> None:
    bot.add_dynamic_items(QuizAnswerButton, PracticeButton, ExerciseButton)
    await bot.add_cog(Quiz(bot))
