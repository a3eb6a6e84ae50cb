"""/ask, mentions and threads, answer buttons, /glossary, /sections, /about, /help."""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import time
from typing import ClassVar

import discord
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.discordbot import render
from bot.discordbot.client import NO_MENTIONS, TutorBot, send_ephemeral
from bot.discordbot.i18n import t
from bot.discordbot.texts import interaction_language, tr
from bot.knowledge.lang import detect_language
from bot.retrieval.answer import MAX_QUESTION_CHARS, Answer, validate_question

log = logging.getLogger(__name__)

DEFER_AFTER = 1.5  # seconds; Discord wants a first response within 3 s
THREAD_NAME_LIMIT = 90
MENTION_RE = re.compile(r"<@!?\d+>")


def question_language(question: str, interaction: discord.Interaction | None = None,
                      default: str = "en") -> str:
    """The question's own language; for text without letters (emoji, "?"), the member's."""
    fallback = interaction_language(interaction) if interaction else default
    return detect_language(question, default=fallback)


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"ans:(?P<action>up|down|more|section):(?P<answer_id>\d+)"):
    """Buttons under an answer; the answer id in the custom id keeps them working after a
    restart, since the answer itself is stored."""

    LABELS: ClassVar[dict[str, tuple[str | None, str | None]]] = {
        "up": ("👍", None), "down": ("👎", None), "more": (None, "More passages"),
        "section": (None, "Show section")}
    LABELS_JA: ClassVar[dict[str, str]] = {"more": "他の箇所", "section": "節を表示"}

    def __init__(self, action: str, answer_id: int, language: str = "en") -> None:
        emoji, label = self.LABELS[action]
        if language == "ja" and action in self.LABELS_JA:
            label = self.LABELS_JA[action]
        style = discord.ButtonStyle.secondary
        super().__init__(discord.ui.Button(style=style, emoji=emoji, label=label,
                                           custom_id=f"ans:{action}:{answer_id}"))
        self.action = action
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> AnswerButton:
        return cls(match["action"], int(match["answer_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: TutorBot = interaction.client  # type: ignore[assignment]
        stored = await bot.answers.get_answer(self.answer_id)
        # Notes to the presser are in their client's language, whatever the answer's was.
        member_language = interaction_language(interaction)
        if stored is None:
            await send_ephemeral(interaction, tr("answer_gone", member_language))
        elif self.action in ("up", "down"):
            await bot.answers.record_feedback(stored, interaction.user.id,
                                              1 if self.action == "up" else -1)
            await send_ephemeral(interaction, tr("feedback_thanks", member_language))
        elif self.action == "more":
            await self._more(bot, interaction, stored)
        else:
            await self._section(bot, interaction, stored)

    async def _more(self, bot: TutorBot, interaction: discord.Interaction, stored) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        shown = bot.settings.top_k
        answer = await bot.tutor.ask_async(stored.question, k=shown + 3, context=stored.context,
                                           language=stored.language)
        answer.passages = answer.passages[shown:]
        if not answer.passages:
            await interaction.followup.send(tr("no_more", stored.language), ephemeral=True)
            return
        embed = render.answer_embed(answer, first=shown + 1)
        embed.title = tr("more_title", stored.language)
        await interaction.followup.send(embed=embed, ephemeral=True)

    async def _section(self, bot: TutorBot, interaction: discord.Interaction, stored) -> None:
        if not stored.passage_ids:
            await send_ephemeral(interaction, tr("no_more", stored.language))
            return
        chunk = bot.tutor.retriever.chunk_by_id(stored.passage_ids[0])
        chapter = bot.tutor.knowledge.chapter(chunk.chapter_id)
        section = chapter.section_by_path(chunk.path_text)
        pages = render.section_pages(chunk.path_text, chapter.subtree_text(section),
                                     stored.language)
        view = SectionPages(interaction.user.id, pages)
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=True)


class SectionPages(discord.ui.View):
    """One screen: a section's full text, a page at a time, for the member who asked."""

    def __init__(self, owner_id: int, pages: list[discord.Embed]) -> None:
        super().__init__(timeout=300)
        self.owner_id = owner_id
        self.pages = pages
        self.page = 0
        self._refresh()

    def _refresh(self) -> None:
        self.previous_page.disabled = self.page == 0
        self.next_page.disabled = self.page >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner_id

    async def on_timeout(self) -> None:
        for item in self.children:
            item.disabled = True  # type: ignore[attr-defined]

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous_page(self, interaction: discord.Interaction, button: discord.ui.Button):
        self.page = max(0, self.page - 1)
        self._refresh()
        await interaction.response.edit_message(embed=self.pages[self.page], view=self)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next_page(self, interaction: discord.Interaction, button: discord.ui.Button):
        self.page = min(len(self.pages) - 1, self.page + 1)
        self._refresh()
        await interaction.response.edit_message(embed=self.pages[self.page], view=self)


def answer_view(answer: Answer, answer_id: int) -> discord.ui.View | None:
    if not answer.answered:
        return None
    view = discord.ui.View(timeout=None)
    for action in ("up", "down", "more", "section"):
        view.add_item(AnswerButton(action, answer_id, answer.language))
    return view


class Ask(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    # --- the shared answering path -----------------------------------------------------

    async def _answer(self, *, question: str, language: str, user_id: int,
                      guild_id: int | None, channel_id: int | None, context: str = "",
                      on_queued=None) -> tuple[Answer, discord.Embed, discord.ui.View | None]:
        key = guild_id or f"dm:{user_id}"
        started = time.perf_counter()
        async with self.bot.answer_slots.slot(key, on_queued):
            answer = await self.bot.tutor.ask_async(question, context=context, language=language)
        metrics.record_answer(answer.language, answer.outcome, time.perf_counter() - started)
        answer_id = await self.bot.answers.record_answer(
            guild_id=guild_id, channel_id=channel_id, user_id=user_id, question=answer.question,
            context=context, language=answer.language, status=answer.status,
            passage_ids=[p.chunk_id for p in answer.passages])
        if answer.status in ("invalid", "chat"):
            return answer, discord.Embed(description=answer.message), None
        return answer, render.answer_embed(answer), answer_view(answer, answer_id)

    async def _rate_limit_wait(self, user_id: int, guild_id: int | None) -> float:
        per_minute = None
        if guild_id:
            per_minute = (await self.bot.guild_settings.get(guild_id)).ask_per_minute
        wait = self.bot.ask_limiter.take(user_id, per_minute)
        # The stored bucket (PostgreSQL, shared by processes) answers asynchronously.
        return await wait if inspect.isawaitable(wait) else wait

    # --- /ask ------------------------------------------------------------------------------

    @app_commands.command(name=t("ask"),
                          description=t("Ask the chapter a question (Japanese or English)"))
    @app_commands.describe(question=t("Your question about the chapter"),
                           private=t("Only you see the answer"))
    @app_commands.rename(question=t("question"), private=t("private"))
    async def ask(self, interaction: discord.Interaction,
                  question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
                  private: bool = False) -> None:
        language = question_language(question, interaction)
        if not self.bot.accepting:
            await send_ephemeral(interaction, tr("restarting", language))
            return
        invalid = validate_question(question, language)
        # Refused (or small talk answered) before the rate limit: it costs the member nothing.
        if invalid is not None:
            await send_ephemeral(interaction, invalid.message)
            return
        wait = await self._rate_limit_wait(interaction.user.id, interaction.guild_id)
        if wait:
            await send_ephemeral(interaction, tr("rate_limited", language, seconds=int(wait) + 1))
            return
        async with self.bot.work():
            await self._ask(interaction, question, language, private)

    async def _ask(self, interaction: discord.Interaction, question: str, language: str,
                   private: bool) -> None:

        async def queued(position: int) -> None:
            await interaction.response.send_message(tr("queued", language, position=position),
                                                    ephemeral=private)

        work = asyncio.ensure_future(self._answer(
            question=question, language=language, user_id=interaction.user.id,
            guild_id=interaction.guild_id, channel_id=interaction.channel_id, on_queued=queued))
        done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=private, thinking=True)
        _, embed, view = await work
        await self._deliver(interaction, embed, view, private)

    async def _deliver(self, interaction: discord.Interaction, embed: discord.Embed,
                       view: discord.ui.View | None, private: bool) -> None:
        extra = {"view": view} if view else {}
        if not interaction.response.is_done():
            await interaction.response.send_message(embed=embed, ephemeral=private, **extra)
        elif interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            await interaction.followup.send(embed=embed, ephemeral=private, **extra)
        else:  # the queue notice went out first: replace it with the answer
            await interaction.edit_original_response(content=None, embed=embed, **extra)

    # --- mentions and threads ------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.bot.user is None:
            return
        question = MENTION_RE.sub(" ", message.content).strip()
        mode = await self._message_mode(message)
        if mode is None or not question or not self.bot.accepting:
            return
        language = question_language(
            question, default=await self.bot.member_language(message.author.id, message.guild))
        invalid = validate_question(question, language)
        if invalid is not None:  # before the rate limit and any thread: it costs nothing
            if invalid.status == "chat":  # thanks, a greeting, emoji alone: a short reply
                await message.reply(embed=discord.Embed(description=invalid.message),
                                    allowed_mentions=NO_MENTIONS)
            else:
                await message.reply(invalid.message, allowed_mentions=NO_MENTIONS)
            return
        wait = await self._rate_limit_wait(message.author.id, message.guild and message.guild.id)
        if wait:
            await message.reply(tr("rate_limited", language, seconds=int(wait) + 1),
                                allowed_mentions=NO_MENTIONS)
            return
        async with self.bot.work():
            await self._answer_message(message, question, language, mode)

    async def _message_mode(self, message: discord.Message) -> str | None:
        """'thread-followup', 'new-thread', 'reply', or None when the bot should stay quiet."""
        channel = message.channel
        if isinstance(channel, discord.Thread) and await self.bot.answers.is_bot_thread(channel.id):
            return "thread-followup"
        if message.guild is None:
            return "reply"
        mentioned = self.bot.user in message.mentions
        settings = await self.bot.guild_settings.get(message.guild.id)
        if not mentioned and channel.id not in settings.answer_channels:
            return None
        quiz = self.bot.get_cog("Quiz")
        if not mentioned and quiz is not None and quiz.takes_messages_in(channel.id):
            return None  # typed quiz answers are not questions
        if mentioned and settings.use_threads and isinstance(channel, discord.TextChannel):
            return "new-thread"
        return "reply"

    async def _answer_message(self, message: discord.Message, question: str, language: str,
                              mode: str) -> None:
        target: discord.abc.Messageable = message.channel
        context = ""
        if mode == "thread-followup":
            context = " ".join(await self.bot.answers.recent_turns(message.channel.id))
        elif mode == "new-thread":
            target = await message.create_thread(name=thread_name(question))
            await self.bot.answers.register_thread(target.id, message.guild.id,
                                                   message.channel.id)
        async with target.typing():
            answer, embed, view = await self._answer(
                question=question, language=language, user_id=message.author.id,
                guild_id=message.guild and message.guild.id, channel_id=message.channel.id,
                context=context)
        extra = {"view": view} if view else {}
        if mode == "reply":
            await message.reply(embed=embed, allowed_mentions=NO_MENTIONS, **extra)
        else:
            await target.send(embed=embed, allowed_mentions=NO_MENTIONS, **extra)
        if answer.answered and mode != "reply":
            await self.bot.answers.add_turn(target.id, question)

    # --- reference commands --------------------------------------------------------------

    @app_commands.command(name=t("glossary"), description=t("Look a term up, English ↔ Japanese"))
    @app_commands.describe(term=t("A term in English or Japanese"))
    @app_commands.rename(term=t("term"))
    async def glossary(self, interaction: discord.Interaction,
                       term: app_commands.Range[str, 1, 100]) -> None:
        language = interaction_language(interaction)  # the reader's, not the term's
        terms = self.bot.tutor.knowledge.glossary.lookup(term)
        if not terms:
            await send_ephemeral(interaction, tr("glossary_none", language, term=term))
            return
        await interaction.response.send_message(embed=render.glossary_embed(terms, language))

    @glossary.autocomplete("term")
    async def glossary_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        terms = self.bot.tutor.knowledge.glossary.lookup(current, limit=25) if current else \
            self.bot.tutor.knowledge.glossary.terms[:25]
        language = interaction_language(interaction)
        return [app_commands.Choice(name=render.glossary_term_name(x, language)[:100],
                                    value=x.en[:100]) for x in terms]

    @app_commands.command(name=t("sections"), description=t("The chapter's table of contents"))
    async def sections(self, interaction: discord.Interaction) -> None:
        language = interaction_language(interaction)
        toc = self.bot.tutor.knowledge.table_of_contents(max_level=3)
        await interaction.response.send_message(embeds=render.contents_embeds(toc, language),
                                                ephemeral=True)

    @app_commands.command(name=t("about"), description=t("About this bot and its index"))
    async def about(self, interaction: discord.Interaction) -> None:
        tutor = self.bot.tutor
        embed = render.about_embed(tutor.retriever.index.manifest, tutor.dense_ready,
                                   interaction_language(interaction))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name=t("help"), description=t("How to use this bot"))
    async def help(self, interaction: discord.Interaction) -> None:
        language = interaction_language(interaction)
        embed = discord.Embed(title=tr("help_title", language),
                              description=tr("help_body", language))
        await interaction.response.send_message(embed=embed, ephemeral=True)


def thread_name(question: str) -> str:
    name = " ".join(question.split())
    return name if len(name) <= THREAD_NAME_LIMIT else name[: THREAD_NAME_LIMIT - 1] + "…"


async def setup(bot: TutorBot) -> None:
    bot.add_dynamic_items(AnswerButton)
    await bot.add_cog(Ask(bot))
