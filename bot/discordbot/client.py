"""The bot: opens its resources in setup_hook, closes them in close()."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import discord
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.discordbot.checks import NotModerator
from bot.discordbot.i18n import TutorTranslator
from bot.discordbot.texts import guild_language, interaction_language, tr
from bot.discordbot.watchdog import LoopWatchdog
from bot.health import ShardState
from bot.plans.library import PlanLibrary
from bot.ratelimit import AnswerSlots, StoredTokenBucket, TokenBucket
from bot.storage.answers import AnswerStore, GuildSettingsStore
from bot.storage.db import Database, sql_now
from bot.storage.members import MemberLanguages
from bot.tutor import Tutor

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.discordbot.cogs.ask",
    "bot.discordbot.cogs.admin",
    "bot.discordbot.cogs.plans",
    "bot.discordbot.cogs.quiz",
    "bot.discordbot.cogs.privacy",
)
NO_MENTIONS = discord.AllowedMentions.none()


def point_discord_at(settings: Settings) -> None:
    """Use the configured REST and gateway URLs (a proxy, or the test fake)."""
    import yarl

    discord.http.Route.BASE = settings.api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


class TutorBot(commands.AutoShardedBot):
    """One process running some or all of the bot's shards.

    With no shard settings it asks Discord how many shards to run and runs them all, which
    for a study group is one; ``shard_count``/``shard_ids`` give it a part of a bigger bot.
    """

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 tutor: Tutor | None = None, db: Database | None = None,
                 plan_library: PlanLibrary | None = None,
                 guild_ready_timeout: float = 2.0) -> None:
        # The bot has no voice features: discord.py's warnings that voice is unsupported
        # would only be start-up noise for operators.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        intents.message_content = True  # follow-ups in the bot's threads come without a mention
        super().__init__(command_prefix=commands.when_mentioned, intents=intents,
                         allowed_mentions=NO_MENTIONS, help_command=None,
                         guild_ready_timeout=guild_ready_timeout,
                         shard_count=settings.shard_count or None,
                         shard_ids=list(settings.shard_ids) or None)
        self.settings = settings
        self.clock = clock or SystemClock()
        self.tutor = tutor
        self._owns_tutor = tutor is None
        self.db = db
        self._owns_db = db is None
        self.plan_library = plan_library  # checked before connecting; else the cog loads it
        self.answers: AnswerStore
        self.guild_settings: GuildSettingsStore
        self.member_languages: MemberLanguages
        self.ask_limiter = TokenBucket(settings.ask_per_minute, self.clock)
        self.answer_slots = AnswerSlots(settings.max_concurrent_answers)
        self.watchdog = LoopWatchdog(expected=self._model_loading)
        self.gateway_reconnects = 0
        # Since when the gateway has been down (monotonic); None while connected. Down from
        # the start: the outage /healthz measures may begin before the first login.
        self._gateway_down_since: float | None = time.monotonic()
        self.accepting = True  # False once shutdown starts: new work is politely refused
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def setup_hook(self) -> None:
        if self.db is None:
            self.db = await Database.open(self.settings.database_target)
        self.answers = AnswerStore(self.db)
        self.guild_settings = GuildSettingsStore(self.db)
        self.member_languages = MemberLanguages(self.db)
        if not self.db.is_sqlite:
            # Processes sharing PostgreSQL share each member's limit: a member's guild
            # messages and DMs may reach different processes (shards).
            self.ask_limiter = StoredTokenBucket(self.db, self.settings.ask_per_minute,
                                                 self.clock)
        if self.tutor is None:
            self.tutor = await asyncio.to_thread(Tutor.open, self.settings)
        self.tutor.load_dense_in_background()
        await self.tree.set_translator(TutorTranslator())
        self.tree.on_error = self.on_app_command_error
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.watchdog.start()
        await self.sync_commands_if_changed()

    def _model_loading(self) -> bool:
        return self.tutor is not None and self.tutor.dense_loading

    async def discard_failed_login(self) -> None:
        """Close the HTTP session a failed login opened. discord.py opens a new one at each
        login and leaves the old one to the garbage collector, which logs "Unclosed client
        session" at ERROR on every retry of an outage. Closing the session closes its
        connector too, so the next login must make a new one."""
        await self.http.close()
        self.http.connector = discord.utils.MISSING

    async def close(self) -> None:
        await self.watchdog.stop()
        await super().close()  # unloads the extensions: cogs checkpoint their state there
        if self.tutor is not None and self._owns_tutor:
            self.tutor.close()
        if self.db is not None and self._owns_db:
            await self.db.close()
            self.db = None

    # --- work in flight and graceful shutdown -------------------------------------------

    @asynccontextmanager
    async def work(self) -> AsyncIterator[None]:
        """Count a unit of user-facing work, so shutdown can wait for it to finish."""
        self._in_flight += 1
        self._idle.clear()
        metrics.IN_FLIGHT.inc()
        try:
            yield
        finally:
            self._in_flight -= 1
            metrics.IN_FLIGHT.dec()
            if self._in_flight == 0:
                self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Stop taking new work and wait for what is in flight; True if all finished."""
        self.accepting = False
        started = time.perf_counter()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("shutdown: %d answer(s) still in flight after %.1f s", self._in_flight,
                        timeout)
            return False
        log.info("shutdown: work drained in %.2f s", time.perf_counter() - started)
        return True

    # --- command sync -------------------------------------------------------------------

    async def sync_commands_if_changed(self) -> None:
        """Sync to the configured guilds (or globally) only when the commands changed."""
        scopes = [discord.Object(id=g) for g in self.settings.guild_ids] or [None]
        for guild in scopes:
            if guild is not None:
                self.tree.copy_global_to(guild=guild)
            fingerprint = await self._command_fingerprint(guild)
            scope = f"guild:{guild.id}" if guild else "global"
            row = await self.db.fetchone("SELECT fingerprint FROM command_sync WHERE scope = ?",
                                         (scope,))
            if row and row["fingerprint"] == fingerprint:
                log.info("commands unchanged for %s; not syncing", scope)
                continue
            await self.tree.sync(guild=guild)
            await self.db.execute(
                "INSERT INTO command_sync (scope, fingerprint, synced_at) VALUES (?, ?, ?)"
                " ON CONFLICT(scope) DO UPDATE SET fingerprint = excluded.fingerprint,"
                " synced_at = excluded.synced_at", (scope, fingerprint, sql_now()))
            log.info("commands synced for %s", scope)

    async def _command_fingerprint(self, guild: discord.abc.Snowflake | None) -> str:
        translator = self.tree.translator
        payload = [await command.get_translated_payload(self.tree, translator)
                   for command in self.tree.get_commands(guild=guild)]
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    # --- errors -------------------------------------------------------------------------

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        """Last layer: the member gets a short error id, the log gets the traceback."""
        language = interaction_language(interaction)
        if isinstance(error, NotModerator | app_commands.CheckFailure):
            await send_ephemeral(interaction, tr("not_moderator", language))
            return
        error_id = uuid.uuid4().hex[:8]
        log.error("command %s failed [error_id=%s]",
                  interaction.command.qualified_name if interaction.command else "?", error_id,
                  exc_info=error, extra={"error_id": error_id})
        await send_ephemeral(interaction, tr("error", language, error_id=error_id))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Remember the member's client language for what reaches them without an
        interaction: replies to mentions and scheduled DMs."""
        try:
            await self.member_languages.remember(interaction.user.id,
                                                 interaction_language(interaction))
        except Exception:
            log.warning("could not remember member %s's language", interaction.user.id,
                        exc_info=True)

    async def member_language(self, member_id: int, guild: discord.Guild | None) -> str:
        """The member's remembered language, else the server's, else English."""
        remembered = await self.member_languages.get(member_id)
        if remembered:
            return remembered
        return guild_language(guild)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: messages are handled by the cogs' listeners only."""

    async def on_shard_resumed(self, shard_id: int) -> None:
        self.gateway_reconnects += 1
        metrics.GATEWAY_RECONNECTS.labels(shard=str(shard_id)).inc()
        self._gateway_down_since = None

    async def on_ready(self) -> None:
        self._gateway_down_since = None
        log.info("connected as %s to %d guild(s) on shard(s) %s", self.user, len(self.guilds),
                 ",".join(map(str, self.owned_shards())))

    # --- shards -------------------------------------------------------------------------

    def owned_shards(self) -> tuple[int, ...]:
        """The shards this process runs: configured, else all that Discord asked for."""
        return self.settings.owned_shards or tuple(range(self.shard_count or 0))

    def shard_states(self) -> dict[int, ShardState]:
        """Each owned shard's gateway state (empty until Discord said how many shards)."""
        states = {}
        for shard_id in self.owned_shards():
            shard = self.get_shard(shard_id)
            if shard is None:
                states[shard_id] = ShardState("starting", None)
            elif shard.is_closed() or self.is_closed():
                states[shard_id] = ShardState("disconnected", None)
            else:
                latency = shard.latency
                states[shard_id] = ShardState("connected",
                                              latency if math.isfinite(latency) else None)
        return states

    def gateway_connected(self) -> bool:
        """Ready, no disconnect since (is_ready() stays true through a dropped connection;
        the disconnect event does not), and every owned shard's socket open."""
        states = self.shard_states()
        return (self.is_ready() and not self.is_closed() and self._gateway_down_since is None
                and bool(states) and all(s.connected for s in states.values()))

    async def on_disconnect(self) -> None:
        if self._gateway_down_since is None:
            self._gateway_down_since = time.monotonic()

    def gateway_down_for(self) -> float:
        """Seconds since the gateway was last connected (0 while it is)."""
        if self._gateway_down_since is None:
            return 0.0
        return time.monotonic() - self._gateway_down_since


async def send_ephemeral(interaction: discord.Interaction, text: str, **kwargs) -> None:
    """Reply privately whether or not the interaction was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS,
                                            **kwargs)
        else:
            await interaction.response.send_message(text, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS, **kwargs)
    except discord.HTTPException:
        log.warning("could not deliver an ephemeral reply", exc_info=True)
