"""What /quiz, /practice, /review and /exercise look like: embeds, buttons and forms.

Rendering only. Every button is a DynamicItem whose custom id carries what it needs
(channel, session and question; exercise number; practice question and progress), so it
keeps working after a restart; its callback hands the parsed id to the Quiz cog, which
calls bot/quiz and renders the result with the functions here. Answer forms (modals) are
routed the same way, by custom id, in Quiz.on_interaction.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.discordbot.limits import (
    EMBED_DESCRIPTION,
    EMBED_TITLE,
    FIELD_NAME,
    FIELD_VALUE,
    split_text,
    truncate,
)
from bot.discordbot.markdown import for_discord
from bot.discordbot.texts import interaction_language, tr
from bot.quiz.bank import TOPIC_LABELS
from bot.quiz.citations import Quote
from bot.quiz.exercises import ExerciseAttempt, ExerciseFeedback, render_feedback
from bot.quiz.models import OPTION_LETTERS, Exercise, Question, Text
from bot.quiz.practice import PracticeItem, PracticeResult
from bot.quiz.scoring import competition_ranks
from bot.quiz.session import MemberScore, QuestionView, QuizSession, Reveal, Scoreboard
from bot.quiz.srs import ReviewSummary
from bot.quiz.stats import LeaderboardRow, MemberStats, MissReport

if TYPE_CHECKING:
    from bot.discordbot.cogs.quiz import Quiz

log = logging.getLogger(__name__)

TF_EMOJI = ("⭕", "❌")
MEDALS = ("🥇", "🥈", "🥉")
STANDINGS_SHOWN = 5
FORM_PREFIX = "quizform"
FORM_FIELD = "answer"
PRACTICE_FORM_MAX = 300
EXERCISE_FORM_MAX = 4000
MODEL_ANSWER_PIECE = 4000
HISTORY_SHOWN = 10
HISTORY_EXCERPT = 200


def other_language(language: str) -> str:
    return "en" if language == "ja" else "ja"


def both(text: Text, language: str) -> str:
    """The text in the reader's language, then the other one in italics if it differs."""
    first, second = text.get(language), text.get(other_language(language))
    return first if first == second else f"{first}\n*{second}*"


def topic_label(topic: str | None, language: str) -> str:
    if topic is None:
        return tr("quiz_all_topics", language)
    label = TOPIC_LABELS.get(topic)
    return label.get(language) if label is not None else topic


def difficulty_label(difficulty: str, language: str) -> str:
    return tr(f"quiz_difficulty_{difficulty}", language)


def when(moment: datetime) -> str:
    """A Discord timestamp: every reader sees it in their own time zone."""
    return f"<t:{int(moment.timestamp())}:R>"


def rank_mark(rank: int) -> str:
    """🥇🥈🥉 for the first three places (shared by ties), then "4."."""
    return MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."


def mention(member_id: int) -> str:
    return f"<@{member_id}>"  # shown as a name; the bot never pings (allowed_mentions none)


def choice_label(question: Question, choice: int, language: str) -> str:
    """How a pressed button reads back to the member: "B) 1997年" or "⭕ 正しい"."""
    if question.kind == "tf":
        return f"{TF_EMOJI[choice]} {question.choices[choice].get(language)}"
    return f"{OPTION_LETTERS[choice]}) {question.choices[choice].get(language)}"


def _options_lines(question: Question, language: str) -> list[str]:
    second = other_language(language)
    lines = []
    for letter, option in zip(OPTION_LETTERS, question.options, strict=False):
        text = option.get(language)
        if option.get(second) != text:
            text += f" / *{option.get(second)}*"
        lines.append(f"**{letter})** {text}")
    return lines


def _question_body(question: Question, language: str) -> list[str]:
    lines = [f"**{question.question.get(language)}**"]
    second = question.question.get(other_language(language))
    if second != question.question.get(language):
        lines.append(f"*{second}*")
    if question.kind == "mc":
        lines += ["", *_options_lines(question, language)]
    return lines


# --- channel quiz -------------------------------------------------------------------------

def start_embed(session: QuizSession, language: str, note: str | None = None) -> discord.Embed:
    mode = tr("quiz_mode_button" if session.mode == "button" else "quiz_mode_typed", language)
    body = tr("quiz_started_body", language, topic=topic_label(session.topic, language),
              seconds=session.seconds, starter=mention(session.started_by), mode=mode)
    return discord.Embed(
        title=tr("quiz_started_title", language, count=len(session.question_ids)),
        description=f"ℹ️ {note}\n\n{body}" if note else body)


def question_embed(view: QuestionView, language: str) -> discord.Embed:
    question = view.question
    lines = _question_body(question, language)
    if view.mode == "typed":
        lines += ["", tr("quiz_type_prompt", language)]
        if question.kind in ("mc", "tf"):
            lines.append(tr(f"quiz_type_{question.kind}", language))
    lines += ["", tr("quiz_closes", language, when=when(view.deadline))]
    embed = discord.Embed(title=tr("quiz_question_title", language, number=view.number,
                                   total=view.total),
                          description=truncate("\n".join(lines), EMBED_DESCRIPTION))
    embed.set_footer(text=tr("quiz_question_footer", language,
                             topic=topic_label(question.topic, language),
                             difficulty=difficulty_label(question.difficulty, language),
                             points=view.points))
    return embed


def quote_field(quote: Quote | None) -> tuple[str, str] | None:
    """The verbatim chapter text behind an answer, under its heading path."""
    if quote is None:
        return None
    name = truncate(f"📖 {quote.heading_path}", FIELD_NAME)
    value = truncate("\n".join(f"> {line}" for line in quote.lines), FIELD_VALUE)
    return name, value


def reveal_embed(reveal: Reveal, language: str) -> discord.Embed:
    answer = reveal.answer.get(language)
    title = tr("quiz_skipped_title" if reveal.skipped else "quiz_reveal_title", language,
               answer=answer)
    embed = discord.Embed(title=truncate(title, EMBED_TITLE),
                          description=truncate(both(reveal.explanation, language),
                                               EMBED_DESCRIPTION))
    quote = quote_field(reveal.quote)
    if quote is not None:
        embed.add_field(name=quote[0], value=quote[1], inline=False)
    if reveal.choice_counts and any(reveal.choice_counts):
        embed.add_field(name=tr("quiz_choices_field", language),
                        value=_choice_counts(reveal), inline=False)
    if not reveal.skipped:
        embed.add_field(name=tr("quiz_correct_field", language),
                        value=_winners(reveal, language), inline=False)
    if reveal.standings:
        embed.add_field(name=tr("quiz_standings_field", language),
                        value=_standings(reveal.standings[:STANDINGS_SHOWN], language),
                        inline=False)
    embed.set_footer(text=tr("quiz_reveal_footer", language, number=reveal.number,
                             total=reveal.total))
    return embed


def _choice_counts(reveal: Reveal) -> str:
    question = reveal.question
    marks = TF_EMOJI if question.kind == "tf" else tuple(OPTION_LETTERS)
    parts = []
    for index, count in enumerate(reveal.choice_counts):
        part = f"{marks[index]} {count}"
        parts.append(f"**{part}** ✓" if index == question.correct_choice else part)
    return " · ".join(parts)


def _winners(reveal: Reveal, language: str) -> str:
    winners = [r for r in reveal.results if r.correct and r.points]
    late = [r for r in reveal.results if r.correct and not r.points]
    if not winners and not late:
        return tr("quiz_nobody", language)
    lines = [f"{mention(r.member_id)} +{r.points}" + (f" (⚡+{r.bonus})" if r.bonus else "")
             for r in winners]
    if late:  # typed mode: right, but after the first correct message
        lines.append("✓ " + " ".join(mention(r.member_id) for r in late))
    return truncate("\n".join(lines), FIELD_VALUE)


def _standings(rows: tuple[MemberScore, ...], language: str) -> str:
    lines = []
    for rank, row in zip(competition_ranks([r.points for r in rows]), rows, strict=True):
        row_text = tr("quiz_score_row", language, member=mention(row.member_id),
                      points=row.points, correct=row.correct, answered=row.answered)
        lines.append(f"{rank_mark(rank)} {row_text}")
    return truncate("\n".join(lines), FIELD_VALUE)


def scoreboard_embed(board: Scoreboard, language: str) -> discord.Embed:
    title = tr(f"quiz_end_{board.status}", language, played=board.rounds_played,
               total=board.total)
    body = _standings(board.rows, language) if board.rows else tr("quiz_nobody_played",
                                                                  language)
    embed = discord.Embed(title=title, description=truncate(body, EMBED_DESCRIPTION))
    embed.set_footer(text=tr("quiz_scores_saved", language))
    return embed


class QuizAnswerButton(discord.ui.DynamicItem[discord.ui.Button],
                       template=r"quiz:a:(?P<channel>\d+):(?P<session>\d+):(?P<number>\d+)"
                                r":(?P<choice>\d)"):
    """An answer button; it names its channel, session and question, so a click on an old
    message (or one from before a restart) is matched to the right round or refused."""

    def __init__(self, channel_id: int, session_id: int, number: int, choice: int,
                 label: str = "", emoji: str | None = None) -> None:
        super().__init__(discord.ui.Button(
            style=discord.ButtonStyle.primary, label=label or None, emoji=emoji,
            custom_id=f"quiz:a:{channel_id}:{session_id}:{number}:{choice}"))
        self.channel_id = channel_id
        self.session_id = session_id
        self.number = number
        self.choice = choice

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> QuizAnswerButton:
        return cls(int(match["channel"]), int(match["session"]), int(match["number"]),
                   int(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await quiz_cog(interaction).answer_button(interaction, self.channel_id, self.session_id,
                                                  self.number, self.choice)


class QuestionButtons(discord.ui.View):
    """One screen: the answer buttons under a channel question (A-D, or True/False)."""

    def __init__(self, view: QuestionView, language: str) -> None:
        super().__init__(timeout=None)  # persistent: the DynamicItems outlive this object
        question = view.question
        for index, choice in enumerate(question.choices):
            if question.kind == "tf":  # ⭕/❌ read the same in any language
                label, emoji = truncate(choice.get(language), 80), TF_EMOJI[index]
            else:
                label, emoji = OPTION_LETTERS[index], None
            self.add_item(QuizAnswerButton(view.channel_id, view.session_id, view.number, index,
                                           label, emoji))


# --- leaderboard, topics, stats -----------------------------------------------------------

def leaderboard_embed(rows: list[LeaderboardRow], scope: str, period: str,
                      language: str) -> discord.Embed:
    title = tr("quiz_leaderboard_title", language, scope=tr(f"quiz_scope_{scope}", language),
               period=tr(f"quiz_period_{period}", language))
    lines = [tr("quiz_leaderboard_row", language, rank=rank_mark(r.rank),
                member=mention(r.member_id), points=r.points,
                correct=r.correct, answered=r.answered, accuracy=round(r.accuracy * 100),
                games=r.games) for r in rows]
    body = "\n".join(lines) or tr("quiz_leaderboard_empty", language)
    return discord.Embed(title=title, description=truncate(body, EMBED_DESCRIPTION))


def topics_embed(counts: dict[str, int], button_counts: dict[str, int],
                 language: str) -> discord.Embed:
    lines = [tr("quiz_topics_row", language, label=topic_label(topic, language), topic=topic,
                count=count, buttons=button_counts.get(topic, 0))
             for topic, count in counts.items()]
    return discord.Embed(title=tr("quiz_topics_title", language),
                         description=truncate("\n".join(lines), EMBED_DESCRIPTION))


def member_stats_embed(stats: MemberStats, language: str) -> discord.Embed:
    embed = discord.Embed(title=tr("quiz_stats_title", language), description=tr(
        "quiz_stats_body", language, answered=stats.answered, correct=stats.correct,
        accuracy=round(stats.accuracy * 100), points=stats.points, games=stats.games,
        current=stats.current_streak, best=stats.best_streak))
    if stats.topics:
        lines = [tr("quiz_stats_topic_row", language, label=topic_label(t.topic, language),
                    correct=t.correct, answered=t.answered, accuracy=round(t.accuracy * 100))
                 for t in sorted(stats.topics, key=lambda t: t.accuracy)]
        embed.add_field(name=tr("quiz_stats_topics", language),
                        value=truncate("\n".join(lines), FIELD_VALUE), inline=False)
    return embed


def missed_embed(report: MissReport, questions: dict[str, Question], period: str,
                 language: str, image: str | None = None) -> discord.Embed:
    lines = []
    for miss in report.questions:
        question = questions.get(miss.question_id)
        text = question.question.get(language) if question is not None else ""
        lines.append(tr("quiz_missed_row", language, question_id=miss.question_id,
                        missed=miss.missed, answered=miss.answered, question=text))
    embed = discord.Embed(title=tr("quiz_missed_title", language,
                                   period=tr(f"quiz_period_{period}", language)),
                          description=truncate("\n".join(lines) or
                                               tr("quiz_missed_none", language),
                                               EMBED_DESCRIPTION))
    if image is not None:
        embed.set_image(url=f"attachment://{image}")
    return embed


# --- practice -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PracticeState:
    """A practice sitting's progress, carried in its buttons' custom ids (no server state,
    so a sitting survives a restart): questions still allowed, right and answered so far."""

    left: int
    right: int = 0
    done: int = 0
    topic: str | None = None

    PATTERN = r"\d+\.\d+\.\d+\.[a-z0-9-]*"

    def encode(self) -> str:
        return f"{self.left}.{self.right}.{self.done}.{self.topic or ''}"

    @classmethod
    def decode(cls, text: str) -> PracticeState:
        left, right, done, topic = text.split(".", 3)
        return cls(int(left), int(right), int(done), topic or None)

    def asked(self) -> PracticeState:
        return PracticeState(max(self.left - 1, 0), self.right, self.done, self.topic)

    def answered(self, correct: bool) -> PracticeState:
        return PracticeState(self.left, self.right + int(correct), self.done + 1, self.topic)


def _choice_field(choice: int | None, seed: int | None) -> str:
    """A pick button's choice as shown, with the item's option-order seed (hex) if any."""
    text = "" if choice is None else str(choice)
    return text if seed is None else f"{text}.{seed:x}"


class PracticeButton(discord.ui.DynamicItem[discord.ui.Button],
                     template=r"prac:(?P<action>pick|type|next|stop):(?P<qid>[a-z0-9-]*)"
                              r":(?P<choice>\d?)(?:\.(?P<seed>[0-9a-f]{1,8}))?"
                              r":(?P<state>" + PracticeState.PATTERN + ")"):
    """pick: a choice (mc/tf); type: open the answer form (short answers); next; stop.
    An mc pick carries the seed of the order its question was shown in, so the press reads
    as the option it was next to, after a restart too (no seed: the bank's order)."""

    def __init__(self, action: str, state: PracticeState, question_id: str = "",
                 choice: int | None = None, label: str | None = None,
                 emoji: str | None = None, seed: int | None = None) -> None:
        style = discord.ButtonStyle.primary if action in ("pick", "type", "next") \
            else discord.ButtonStyle.secondary
        custom_id = f"prac:{action}:{question_id}:{_choice_field(choice, seed)}:" \
                    f"{state.encode()}"
        super().__init__(discord.ui.Button(style=style, label=label, emoji=emoji,
                                           custom_id=custom_id))
        self.action = action
        self.state = state
        self.question_id = question_id
        self.choice = choice
        self.seed = seed

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> PracticeButton:
        choice = int(match["choice"]) if match["choice"] else None
        seed = int(match["seed"], 16) if match["seed"] else None
        return cls(match["action"], PracticeState.decode(match["state"]), match["qid"], choice,
                   seed=seed)

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = quiz_cog(interaction)
        if self.action == "pick":
            await cog.practice_pick(interaction, self.question_id, self.choice or 0, self.state,
                                    self.seed)
        elif self.action == "type":
            await interaction.response.send_modal(practice_form(
                self.question_id, self.state, interaction_language(interaction)))
        elif self.action == "next":
            await cog.practice_next(interaction, self.state, edit=True)
        else:
            await cog.practice_finish(interaction, self.state)


class PracticeQuestionButtons(discord.ui.View):
    """One screen: a practice question with its choices (mc: A-D as shown), or an Answer
    button for a short answer, and Finish."""

    def __init__(self, item: PracticeItem, state: PracticeState, language: str) -> None:
        super().__init__(timeout=None)
        question = item.question
        for index, _ in enumerate(question.choices):
            label = OPTION_LETTERS[index] if question.kind == "mc" else \
                question.choices[index].get(language)
            emoji = TF_EMOJI[index] if question.kind == "tf" else None
            self.add_item(PracticeButton("pick", state, question.id, index, label, emoji,
                                         seed=item.shuffle_seed))
        if not question.choices:
            self.add_item(PracticeButton("type", state, question.id,
                                         label=tr("practice_answer_button", language),
                                         emoji="✍️"))
        self.add_item(PracticeButton("stop", state, label=tr("practice_stop_button", language)))


class PracticeResultButtons(discord.ui.View):
    """One screen: after an answer, Next (while questions are left) and Finish."""

    def __init__(self, state: PracticeState, language: str) -> None:
        super().__init__(timeout=None)
        if state.left > 0:
            self.add_item(PracticeButton("next", state, label=tr("practice_next_button",
                                                                 language)))
        self.add_item(PracticeButton("stop", state, label=tr("practice_stop_button", language)))


class ReviewButtons(discord.ui.View):
    """One screen: /review's "Practise now"."""

    def __init__(self, count: int, language: str) -> None:
        super().__init__(timeout=None)
        self.add_item(PracticeButton("next", PracticeState(count),
                                     label=tr("review_practice_button", language), emoji="🔁"))


def practice_question_embed(item: PracticeItem, state: PracticeState,
                            language: str) -> discord.Embed:
    title = tr("practice_title_due" if item.reason == "due" else "practice_title_new", language)
    embed = discord.Embed(title=title, description=truncate(
        "\n".join(_question_body(item.question, language)), EMBED_DESCRIPTION))
    embed.set_footer(text=tr("practice_footer", language,
                             topic=topic_label(item.question.topic, language), left=state.left,
                             right=state.right, done=state.done))
    return embed


def practice_result_embed(result: PracticeResult, response: str,
                          language: str) -> discord.Embed:
    lines = [tr("practice_your_answer", language, response=truncate(response, 300)),
             tr("practice_answer_line", language, answer=result.answer.get(language)), "",
             both(result.explanation, language), "",
             tr("practice_next_due", language, when=when(result.item.due_at))]
    embed = discord.Embed(title=tr("practice_correct" if result.correct else "practice_wrong",
                                   language),
                          description=truncate("\n".join(lines), EMBED_DESCRIPTION),
                          colour=discord.Colour.green() if result.correct
                          else discord.Colour.red())
    quote = quote_field(result.quote)
    if quote is not None:
        embed.add_field(name=quote[0], value=quote[1], inline=False)
    return embed


def practice_done_embed(state: PracticeState, review_line: str,
                        language: str) -> discord.Embed:
    return discord.Embed(title=tr("practice_done_title", language, right=state.right,
                                  done=state.done), description=review_line)


def review_embed(summary: ReviewSummary, line: str, language: str) -> discord.Embed:
    body = tr("review_body", language, summary=line, week=summary.due_within_week,
              total=summary.total)
    if summary.next_due_at is not None and not summary.due_now:
        body += "\n" + tr("review_next", language, when=when(summary.next_due_at))
    return discord.Embed(title=tr("review_title", language), description=body)


# --- exercises ----------------------------------------------------------------------------

class ExerciseButton(discord.ui.DynamicItem[discord.ui.Button],
                     template=r"ex:(?P<action>hint|answer):(?P<number>\d+)"):
    """Hint (the member's next hint, privately) and Answer (opens the answer form)."""

    def __init__(self, action: str, number: int, language: str = "en") -> None:
        emoji, key = ("💡", "exercise_hint_button") if action == "hint" else \
            ("✍️", "exercise_answer_button")
        style = discord.ButtonStyle.secondary if action == "hint" else \
            discord.ButtonStyle.primary
        super().__init__(discord.ui.Button(style=style, emoji=emoji, label=tr(key, language),
                                           custom_id=f"ex:{action}:{number}"))
        self.action = action
        self.number = number

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> ExerciseButton:
        return cls(match["action"], int(match["number"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.action == "hint":
            await quiz_cog(interaction).exercise_hint(interaction, self.number)
        else:
            await interaction.response.send_modal(exercise_form(
                self.number, interaction_language(interaction)))


class ExerciseButtons(discord.ui.View):
    """One screen: the Hint and Answer buttons under a posted exercise."""

    def __init__(self, number: int, language: str) -> None:
        super().__init__(timeout=None)
        self.add_item(ExerciseButton("hint", number, language))
        self.add_item(ExerciseButton("answer", number, language))


def exercise_embed(exercise: Exercise, language: str) -> discord.Embed:
    title = tr("exercise_title", language, number=exercise.number,
               difficulty=difficulty_label(exercise.difficulty, language),
               title=exercise.title.get(language))
    prompt = exercise.prompt_in(language)
    embed = discord.Embed(title=truncate(title, EMBED_TITLE),
                          description=truncate(for_discord(prompt), EMBED_DESCRIPTION))
    if prompt != exercise.prompt:  # our English: the chapter's Japanese stays beside it
        embed.add_field(name=tr("exercise_original", language),
                        value=truncate(for_discord(exercise.prompt), FIELD_VALUE), inline=False)
    embed.add_field(name="📖", value=truncate(exercise.heading_path, FIELD_VALUE), inline=False)
    embed.set_footer(text=tr("exercise_footer", language))
    return embed


def feedback_embeds(feedback: ExerciseFeedback, language: str) -> list[discord.Embed]:
    """The checklist, then the chapter's model answer (in pieces if it is long)."""
    checklist = render_feedback(feedback, language, include_model_answer=False)
    embeds = [discord.Embed(title=tr("exercise_checklist_title", language),
                            description=truncate(checklist, EMBED_DESCRIPTION))]
    pieces = split_text(for_discord(feedback.model_answer_in(language)), MODEL_ANSWER_PIECE)
    for number, piece in enumerate(pieces, start=1):
        title = tr("exercise_model_title", language)
        if len(pieces) > 1:
            title += f" ({number}/{len(pieces)})"
        embeds.append(discord.Embed(title=title, description=piece))
    return embeds


def exercise_history_embed(attempts: list[ExerciseAttempt], language: str) -> discord.Embed:
    lines = [tr("exercise_history_row", language, number=a.number,
                when=f"<t:{int(a.created_at.timestamp())}:f>",
                covered=len(a.covered), total=len(a.covered) + len(a.missed),
                answer=truncate(" ".join(a.answer.split()), HISTORY_EXCERPT))
             for a in attempts[-HISTORY_SHOWN:]]
    body = "\n".join(lines) or tr("exercise_history_empty", language)
    return discord.Embed(title=tr("exercise_history_title", language),
                         description=truncate(body, EMBED_DESCRIPTION))


# --- answer forms (modals) ------------------------------------------------------------------

class AnswerForm(discord.ui.Modal):
    """One screen: a free-text answer. The form only asks; its submission is handled in
    Quiz.on_interaction by custom id, so an answer typed while the bot restarts still
    counts. The random part keeps two open forms from sharing an id."""

    def __init__(self, title: str, route: str, label: str, max_length: int) -> None:
        super().__init__(title=truncate(title, 45), timeout=3600,
                         custom_id=f"{FORM_PREFIX}:{secrets.token_hex(3)}:{route}")
        self.add_item(discord.ui.TextInput(label=truncate(label, 45), custom_id=FORM_FIELD,
                                           style=discord.TextStyle.paragraph,
                                           max_length=max_length))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Nothing here: Quiz.on_interaction answers every form submission."""


def exercise_form(number: int, language: str) -> AnswerForm:
    return AnswerForm(tr("exercise_form_title", language, number=number), f"ex:{number}",
                      tr("exercise_form_label", language), EXERCISE_FORM_MAX)


def practice_form(question_id: str, state: PracticeState, language: str) -> AnswerForm:
    return AnswerForm(tr("practice_form_title", language),
                      f"prac:{question_id}:{state.encode()}",
                      tr("practice_form_label", language), PRACTICE_FORM_MAX)


FORM_RE = re.compile(rf"^{FORM_PREFIX}:[0-9a-f]+:(?:ex:(?P<number>\d+)|prac:(?P<qid>[a-z0-9-]+)"
                     rf":(?P<state>{PracticeState.PATTERN}))$")


def form_value(data: dict[str, Any], field: str = FORM_FIELD) -> str:
    """A text input's value in a modal submission (action rows or label components)."""
    stack = list(data.get("components") or [])
    while stack:
        component = stack.pop()
        if component.get("custom_id") == field and "value" in component:
            return str(component["value"] or "")
        stack += component.get("components") or []
        if isinstance(component.get("component"), dict):
            stack.append(component["component"])
    return ""


# --- helpers ------------------------------------------------------------------------------

def quiz_cog(interaction: discord.Interaction) -> Quiz:
    cog = interaction.client.get_cog("Quiz")  # type: ignore[attr-defined]
    assert cog is not None, "the quiz cog is not loaded"
    return cog
