"""One place for permission checks. Each decorator adds both the runtime check and the
default member permissions Discord uses to hide the command from everyone else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

log = logging.getLogger(__name__)

T = TypeVar("T")


# Discord reads default permissions from top-level commands and groups only; a group whose
# every subcommand is for moderators passes this, and each subcommand keeps is_moderator().
MODERATOR_PERMISSIONS = discord.Permissions(manage_guild=True)


class NotModerator(app_commands.CheckFailure):
    """Raised for a member without Manage Server or the configured moderator role."""


async def member_is_moderator(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    settings = await interaction.client.guild_settings.get(member.guild.id)  # type: ignore[attr-defined]
    role_ids = {role.id for role in member.roles}
    return bool(settings.moderator_role_id and settings.moderator_role_id in role_ids)


async def member_is_quiz_master(interaction: discord.Interaction) -> bool:
    if await member_is_moderator(interaction):
        return True
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    settings = await interaction.client.guild_settings.get(member.guild.id)  # type: ignore[attr-defined]
    return bool(settings.quiz_master_role_id and
                settings.quiz_master_role_id in {role.id for role in member.roles})


def is_moderator() -> Callable[[T], T]:
    """Manage Server, or the server's configured moderator role."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if await member_is_moderator(interaction):
            return True
        raise NotModerator("moderator only")

    def decorator(func: T) -> T:
        func = app_commands.check(predicate)(func)
        return app_commands.default_permissions(manage_guild=True)(func)

    return decorator
