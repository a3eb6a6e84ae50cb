"""/tutor config: per-server settings, for moderators only."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import MODERATOR_PERMISSIONS, is_moderator
from bot.discordbot.client import TutorBot, send_ephemeral
from bot.discordbot.cogs.privacy import forget
from bot.discordbot.i18n import t
from bot.discordbot.texts import interaction_language, tr
from bot.storage.answers import GuildSettings

log = logging.getLogger(__name__)


class Admin(commands.Cog):
    tutor = app_commands.Group(name=t("tutor"),
                               description=t("Server settings for the tutor (moderators)"),
                               guild_only=True, default_permissions=MODERATOR_PERMISSIONS)

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @tutor.command(name=t("config"), description=t("Change or show this server's tutor settings"))
    @is_moderator()
    @app_commands.describe(
        answer_channel=t("A channel where the bot answers without a mention"),
        remove_channel=t("Stop answering without a mention in this channel"),
        threads=t("Answer mentions in a new thread"),
        rate_limit=t("Questions per member per minute"),
        moderator_role=t("A role that may use moderator commands"),
        quiz_master_role=t("A role that may run channel quizzes"),
        timezone=t("The server's default time zone (IANA)"),
    )
    @app_commands.rename(answer_channel=t("answer_channel"), remove_channel=t("remove_channel"),
                         threads=t("threads"), rate_limit=t("rate_limit"),
                         moderator_role=t("moderator_role"),
                         quiz_master_role=t("quiz_master_role"), timezone=t("timezone"))
    async def config(self, interaction: discord.Interaction,
                     answer_channel: discord.TextChannel | None = None,
                     remove_channel: discord.TextChannel | None = None,
                     threads: bool | None = None,
                     rate_limit: app_commands.Range[int, 1, 60] | None = None,
                     moderator_role: discord.Role | None = None,
                     quiz_master_role: discord.Role | None = None,
                     timezone: str | None = None) -> None:
        language = interaction_language(interaction)
        if timezone and not valid_timezone(timezone):
            await send_ephemeral(interaction, tr("bad_timezone", language, zone=timezone))
            return
        settings = await self.bot.guild_settings.get(interaction.guild_id)
        changed = apply_changes(settings, answer_channel=answer_channel,
                                remove_channel=remove_channel, threads=threads,
                                rate_limit=rate_limit, moderator_role=moderator_role,
                                quiz_master_role=quiz_master_role, timezone=timezone)
        if changed:
            await self.bot.guild_settings.save(settings)
        embed = settings_embed(settings, language)
        title = tr("config_saved", language) if changed else None
        await interaction.response.send_message(content=title, embed=embed, ephemeral=True)

    @tutor.command(name=t("purge"),
                   description=t("Delete everything the tutor keeps about a member"))
    @is_moderator()
    @app_commands.describe(member=t("The member whose data is deleted"))
    @app_commands.rename(member=t("member"))
    async def purge(self, interaction: discord.Interaction, member: discord.User) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        forgotten = await forget(self.bot, member.id)
        await send_ephemeral(interaction, tr("purged", interaction_language(interaction),
                                             member=member.mention, rows=forgotten.rows_deleted,
                                             plans=forgotten.plans_stopped))

    @config.autocomplete("timezone")
    async def timezone_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in zone_matches(current)]


def apply_changes(settings: GuildSettings, **changes) -> bool:
    before = repr(settings)
    if changes["answer_channel"] and changes["answer_channel"].id not in settings.answer_channels:
        settings.answer_channels.append(changes["answer_channel"].id)
    if changes["remove_channel"] and changes["remove_channel"].id in settings.answer_channels:
        settings.answer_channels.remove(changes["remove_channel"].id)
    if changes["threads"] is not None:
        settings.use_threads = changes["threads"]
    if changes["rate_limit"] is not None:
        settings.ask_per_minute = changes["rate_limit"]
    if changes["moderator_role"] is not None:
        settings.moderator_role_id = changes["moderator_role"].id
    if changes["quiz_master_role"] is not None:
        settings.quiz_master_role_id = changes["quiz_master_role"].id
    if changes["timezone"]:
        settings.timezone = changes["timezone"]
    return repr(settings) != before


def settings_embed(settings: GuildSettings, language: str) -> discord.Embed:
    embed = discord.Embed(title=tr("config_title", language))
    channels = ", ".join(f"<#{c}>" for c in settings.answer_channels) or "—"
    default = tr("config_default", language)
    embed.add_field(name=tr("config_answer_channels", language), value=channels, inline=False)
    embed.add_field(name=tr("config_threads", language),
                    value=tr("config_on" if settings.use_threads else "config_off", language))
    embed.add_field(name=tr("config_rate_limit", language),
                    value=tr("config_per_minute", language, count=settings.ask_per_minute)
                    if settings.ask_per_minute else default)
    embed.add_field(name=tr("config_moderator_role", language),
                    value=_role(settings.moderator_role_id))
    embed.add_field(name=tr("config_quiz_master_role", language),
                    value=_role(settings.quiz_master_role_id))
    embed.add_field(name=tr("config_timezone", language), value=settings.timezone or default)
    return embed


def _role(role_id: int | None) -> str:
    return f"<@&{role_id}>" if role_id else "—"


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_matches(current: str, limit: int = 25) -> list[str]:
    from zoneinfo import available_timezones

    key = current.lower().replace(" ", "_")
    zones = sorted(available_timezones())
    starts = [z for z in zones if z.lower().startswith(key)]
    contains = [z for z in zones if key in z.lower() and z not in starts]
    return (starts + contains)[:limit]


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(Admin(bot))
