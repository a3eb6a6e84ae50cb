"""/forget-me: a member deletes what the tutor keeps about them (moderators: /tutor purge)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.client import TutorBot, send_ephemeral
from bot.discordbot.i18n import t
from bot.discordbot.texts import interaction_language, tr
from bot.storage.members import Forgotten, forget_member

log = logging.getLogger(__name__)


async def forget(bot: TutorBot, member_id: int) -> Forgotten:
    """The one way both commands forget a member (no member id reaches the log)."""
    forgotten = await forget_member(bot.db, member_id, await bot.answers.user_hash(member_id))
    bot.member_languages.forget(member_id)
    log.info("forgot a member on request: %d row(s), %d DM plan(s), %d ended quiz(zes)",
             forgotten.rows_deleted, forgotten.plans_stopped, forgotten.quizzes_scrubbed)
    return forgotten


class Privacy(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @app_commands.command(name=t("forget-me"),
                          description=t("Delete everything the tutor keeps about you"))
    async def forget_me(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        forgotten = await forget(self.bot, interaction.user.id)
        await send_ephemeral(interaction, tr("forgotten", interaction_language(interaction),
                                             rows=forgotten.rows_deleted,
                                             plans=forgotten.plans_stopped))


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(Privacy(bot))
