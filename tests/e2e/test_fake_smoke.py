"""Smoke tests for tests/fakediscord: a tiny real discord.py bot against the local fake."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import FakeDiscord, running_bot

log = logging.getLogger(__name__)

pytestmark = pytest.mark.e2e

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class AgainView(discord.ui.View):
    """A button (answers ephemerally) and a select menu (edits the message in place)."""

    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Again", custom_id="again", style=discord.ButtonStyle.primary)
    async def again(
        self, interaction: discord.Interaction, _button: discord.ui.Button[AgainView]
    ) -> None:
        await interaction.response.send_message(
            f"clicked by {interaction.user.name}", ephemeral=True
        )

    @discord.ui.select(
        custom_id="level",
        options=[discord.SelectOption(label=x, value=x) for x in ("easy", "hard")],
    )
    async def level(
        self, interaction: discord.Interaction, select: discord.ui.Select[AgainView]
    ) -> None:
        # Type 7 (UPDATE_MESSAGE): the message carrying the view is edited in place.
        await interaction.response.edit_message(content=f"level={select.values[0]}", view=None)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    comment: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Comment", custom_id="comment"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.comment.value}")


def make_quiz_group() -> app_commands.Group:
    # Built per bot: a module-level Group would be shared by every test's bot.
    quiz = app_commands.Group(name="quiz", description="Quizzes")

    @quiz.command(name="start", description="Start a quiz")
    async def quiz_start(interaction: discord.Interaction, topic: str, rounds: int = 3) -> None:
        # Defer, then finish via the webhook route: type 5 + PATCH @original + a PNG upload.
        await interaction.response.defer(thinking=True)
        chart = discord.File(io.BytesIO(PNG_MAGIC + b"fake image body"), filename="chart.png")
        await interaction.edit_original_response(
            content=f"quiz on {topic} x{rounds}", attachments=[chart]
        )

    return quiz


def make_bot() -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True  # prefix commands need it (the fake blanks content otherwise)
    bot = commands.Bot(
        command_prefix=commands.when_mentioned_or("!"),
        intents=intents,
        guild_ready_timeout=0.1,  # on_ready 0.1 s after GUILD_CREATE instead of 2 s
    )

    @bot.tree.command(name="ask", description="Ask the tutor")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        text = f"Q: {question} [{interaction.locale.value}]"
        await interaction.response.send_message(text, view=AgainView())

    @ask.autocomplete("question")
    async def ask_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        topics = ("gradient descent", "gradient boosting", "decision trees")
        return [app_commands.Choice(name=t, value=t) for t in topics if t.startswith(current)]

    @bot.tree.command(name="remind", description="DM me a reminder")
    async def remind(interaction: discord.Interaction) -> None:
        try:
            await interaction.user.send("study at 18:00")
        except discord.Forbidden as exc:
            await interaction.response.send_message(f"cannot DM ({exc.code})", ephemeral=True)
        else:
            await interaction.response.send_message("sent", ephemeral=True)

    @bot.tree.command(name="discuss", description="Open a discussion thread")
    async def discuss(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("let's discuss")
        message = await interaction.original_response()
        thread = await message.create_thread(name="discussion")
        await thread.send("ask here")
        await message.add_reaction("\N{THUMBS UP SIGN}")

    @bot.tree.command(name="feedback", description="Send feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @bot.command(name="ping")
    async def ping(ctx: commands.Context[commands.Bot]) -> None:
        await ctx.send("pong")

    bot.tree.add_command(make_quiz_group())

    async def setup_hook() -> None:
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(expected_token="test-token") as server:
        yield server


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[commands.Bot]:
    async with running_bot(make_bot(), fake, token="test-token") as running:
        yield running


async def test_login_and_command_sync(fake: FakeDiscord, bot: commands.Bot) -> None:
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert bot.application_id == fake.application_id
    assert [r.path for r in fake.requests("GET")][:2] == ["/users/@me", "/oauth2/applications/@me"]
    assert fake.gateway_ops.count(2) == 1  # exactly one IDENTIFY
    assert fake.identify_payload is not None and fake.identify_payload["token"] == "test-token"
    sync = fake.requests("PUT", path_contains=f"/applications/{fake.application_id}/commands")
    assert len(sync) == 1
    names = sorted(c["name"] for c in sync[0].json)
    assert names == ["ask", "discuss", "feedback", "quiz", "remind"]
    quiz_cmd = fake.commands()["quiz"]
    assert quiz_cmd["options"][0]["name"] == "start" and quiz_cmd["options"][0]["type"] == 1
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None and {c.name for c in guild.text_channels} >= {"general", "study"}
    assert guild.get_role(fake.role("Moderator").id) is not None
    assert fake.unknown_requests == [] and fake.crashes == []


async def test_slash_command_callback_payload(fake: FakeDiscord, bot: commands.Bot) -> None:
    record = await fake.slash(fake.student, "ask", {"question": "what is a gradient?"}, locale="ja")
    assert record.callback_type == 4
    assert record.content == "Q: what is a gradient? [ja]"
    assert record.callback_data["components"][0]["components"][0]["custom_id"] == "again"
    message = fake.response_message(record)
    assert message is not None and message.content == record.content
    assert fake.sent_messages("general")[-1].id == message.id


async def test_nested_subcommand_defer_and_png_upload(fake: FakeDiscord, bot: commands.Bot) -> None:
    record = await fake.slash(fake.student, "quiz start", {"topic": "trees", "rounds": 2})
    assert record.callback_type == 5
    await fake.wait_until(lambda: record.edits, what="edit of the deferred response")
    message = fake.response_message(record)
    assert message is not None and message.content == "quiz on trees x2"
    assert message.files[0].filename == "chart.png" and message.files[0].is_png
    assert not message.flags & (1 << 7)  # the "thinking" flag is gone after the edit


async def test_button_click_routed_to_view(fake: FakeDiscord, bot: commands.Bot) -> None:
    asked = await fake.slash(fake.student, "ask", {"question": "q"})
    message_id = fake.response_message_id(asked)
    assert message_id is not None
    click = await fake.click(fake.moderator, message_id, "again")
    assert click.callback_type == 4
    assert click.content == "clicked by morgan"
    assert click.ephemeral
    assert click.payload["message"]["id"] == str(message_id)


async def test_modal_submit(fake: FakeDiscord, bot: commands.Bot) -> None:
    opened = await fake.slash(fake.student, "feedback")
    assert opened.callback_type == 9 and opened.modal is not None
    assert opened.modal["title"] == "Feedback"
    submitted = await fake.submit_modal(
        fake.student, opened.modal["custom_id"], {"comment": "great"}
    )
    assert submitted.callback_type == 4
    assert submitted.content == "thanks: great"


async def test_rate_limited_send_is_retried_once(fake: FakeDiscord, bot: commands.Bot) -> None:
    rule = fake.fail_next("POST", r"^/channels/\d+/messages$", status=429, retry_after=0.05)
    await fake.post_message(fake.student, "general", "ping", mentions=[fake.bot_user])
    await fake.wait_for_sent_message("general", contains="pong")
    await asyncio.sleep(0.1)  # give a (wrong) duplicate send the chance to show up
    posts = fake.requests("POST", path_regex=r"^/channels/\d+/messages$")
    assert [p.status for p in posts] == [429, 200]
    assert rule.hits == 1
    assert [m.content for m in fake.sent_messages("general")] == ["pong"]


async def test_prefix_command(fake: FakeDiscord, bot: commands.Bot) -> None:
    await fake.post_message(fake.student, "study", "!ping")
    message = await fake.wait_for_sent_message("study", contains="pong")
    assert message.author_id == fake.bot_user.id


async def test_gateway_resume_then_slash(fake: FakeDiscord, bot: commands.Bot) -> None:
    await fake.close_gateway(code=4000)
    assert fake.gateway_ops.count(6) == 1  # RESUME
    assert fake.gateway_ops.count(2) == 1  # no second IDENTIFY
    assert fake.gateway.connections == 2
    record = await fake.slash(fake.student, "ask", {"question": "still there?"})
    assert record.content == "Q: still there? [en-US]"


async def test_twenty_concurrent_interactions(fake: FakeDiscord, bot: commands.Bot) -> None:
    users = [fake.student, fake.moderator, fake.owner, fake.user("carol")]
    records = await asyncio.gather(
        *(fake.slash(users[i % 4], "ask", {"question": f"q{i}"}, locale="en-US") for i in range(20))
    )
    assert [r.content for r in records] == [f"Q: q{i} [en-US]" for i in range(20)]
    assert len({r.id for r in records}) == 20
    for record in records:
        callbacks = fake.requests("POST", path_contains=f"/interactions/{record.id}/")
        assert len(callbacks) == 1 and not record.rejected
    assert len([m for m in fake.sent_messages("general") if m.content.startswith("Q: q")]) == 20


async def test_autocomplete_and_select_menu(fake: FakeDiscord, bot: commands.Bot) -> None:
    suggest = await fake.autocomplete(fake.student, "ask", {"question": "grad"}, focused="question")
    assert suggest.callback_type == 8
    assert [c["value"] for c in suggest.choices] == ["gradient descent", "gradient boosting"]
    asked = await fake.slash(fake.student, "ask", {"question": "q"})
    message_id = fake.response_message_id(asked)
    assert message_id is not None
    picked = await fake.click(fake.student, message_id, "level", values=["hard"])
    assert picked.callback_type == 7
    assert fake.message(message_id).content == "level=hard"
    assert fake.message(message_id).components == []


async def test_dm_and_forbidden_dm(fake: FakeDiscord, bot: commands.Bot) -> None:
    ok = await fake.slash(fake.student, "remind")
    assert ok.content == "sent"
    assert [m.content for m in fake.sent_messages(fake.student)] == ["study at 18:00"]
    fake.fail_next("POST", r"^/channels/\d+/messages$", status=403)
    refused = await fake.slash(fake.moderator, "remind")
    assert refused.content == "cannot DM (50007)" and refused.ephemeral


async def test_thread_and_reaction(fake: FakeDiscord, bot: commands.Bot) -> None:
    record = await fake.slash(fake.student, "discuss", channel="study")
    message_id = fake.response_message_id(record)
    assert message_id is not None
    # A thread started from a message shares the message's id.
    in_thread = await fake.wait_for_sent_message(message_id, contains="ask here")
    assert in_thread.channel_id == message_id
    assert fake.channel(message_id).name == "discussion"
    assert any(f["t"] == "THREAD_CREATE" for f in fake.dispatched)
    await fake.wait_for_request(lambda r: r.method == "PUT" and "/reactions/" in r.path)
    assert fake.message(message_id).payload["reactions"][0]["emoji"]["name"] == "\N{THUMBS UP SIGN}"
