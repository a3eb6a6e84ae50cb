"""`tutorbot run`: start the bot, keep trying while Discord is unreachable, and stop
cleanly on SIGTERM or Ctrl-C within the 10 seconds a container runtime allows."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import time

import aiohttp
import discord

from bot.config import ConfigError, Settings, read_token
from bot.discordbot.client import TutorBot, point_discord_at
from bot.health import HealthServer, HealthState
from bot.knowledge.document import KnowledgeError
from bot.logging_setup import setup_logging
from bot.plans.library import load_library
from bot.retrieval.embedder import EmbedderError
from bot.retrieval.index import IndexError_
from bot.storage.db import Database, DatabaseError
from bot.tutor import Tutor

log = logging.getLogger(__name__)

DRAIN_SECONDS = 5.0  # of the 10 s budget: answers in flight may finish, then we close
LOGIN_RETRY_MAX = 60.0


def run_bot(settings: Settings) -> int:
    token = read_token()
    if not token:
        print("tutorbot: no Discord token: set DISCORD_TOKEN (or DISCORD_TOKEN_FILE). "
              "Try `tutorbot chat` to use the tutor without Discord.", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_json)
    point_discord_at(settings)
    try:
        return asyncio.run(Service(settings, token).run())
    except discord.LoginFailure:
        print("tutorbot: Discord rejected the token (check DISCORD_TOKEN).", file=sys.stderr)
        return 2
    except (KnowledgeError, IndexError_, EmbedderError, DatabaseError, ConfigError,
            OSError) as problem:
        log.debug("start-up failed", exc_info=True)
        print(f"tutorbot: cannot start: {one_line(problem)}", file=sys.stderr)
        return 2


def one_line(problem: BaseException) -> str:
    """The first line only: a start-up error is one line an operator can grep for."""
    text = str(problem).strip() or type(problem).__name__
    return text.splitlines()[0]


def reminders_role(bot: TutorBot) -> str:
    """The plan dispatcher's role for /healthz; 'stopped' until the plans cog runs it."""
    cog = bot.get_cog("Plans")
    runtime = getattr(cog, "runtime", None)
    return runtime.dispatcher.role if runtime is not None else "stopped"


class Service:
    """Owns the long-lived parts: the tutor, the database, the health server, the bot."""

    def __init__(self, settings: Settings, token: str) -> None:
        self.settings = settings
        self.token = token
        self.state = HealthState()
        self.stopping = asyncio.Event()
        self._stop_started = time.perf_counter()

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        # Whatever fails on the way up, everything opened so far is closed again: an open
        # SQLite connection's thread alone would keep the process alive, hanging a
        # "cannot start" forever instead of letting the restart policy act.
        async with contextlib.AsyncExitStack() as opened:
            health = await self._start_health()
            if health is not None:
                opened.push_async_callback(health.stop)
            db = await Database.open(self.settings.database_target)
            opened.push_async_callback(db.close)
            self.state.database_writable = db.is_writable
            tutor = await asyncio.to_thread(Tutor.open, self.settings)
            opened.callback(tutor.close)
            # Every knowledge file is checked before connecting: a broken plans.yaml is a
            # one-line refusal here, not a traceback once the gateway is up.
            library = await asyncio.to_thread(load_library, self.settings.knowledge_dir /
                                              "plans.yaml", tutor.knowledge)
            tutor.load_dense_in_background()  # lexical answers are served meanwhile
            self.state.index_loaded = True
            self.state.dense_ready = lambda: tutor.dense_ready
            bot = TutorBot(self.settings, tutor=tutor, db=db, plan_library=library)
            self.state.gateway_connected = bot.gateway_connected
            self.state.gateway_down_for = bot.gateway_down_for
            self.state.gateway_failing_after = self.settings.gateway_failing_after
            self.state.shards = bot.shard_states
            self.state.shard_count = lambda: bot.shard_count
            self.state.reminders = lambda: reminders_role(bot)
            try:
                await self._run_until_stopped(bot)
            finally:
                await self._shutdown(bot)
        log.info("stopped cleanly in %.1f s", time.perf_counter() - self._stop_started)
        return 0

    async def _start_health(self) -> HealthServer | None:
        settings = self.settings
        if not settings.health_port:
            return None
        server = HealthServer(self.state, settings.health_host, settings.health_port)
        try:
            await server.start()
        except OSError as exc:
            await server.stop()
            raise ConfigError(f"settings 'health_host'/'health_port': cannot listen on "
                              f"{settings.health_host}:{settings.health_port}: "
                              f"{exc.strerror or exc}") from exc
        return server

    async def _run_until_stopped(self, bot: TutorBot) -> None:
        if not await self._login(bot):
            return
        client = asyncio.create_task(bot.connect(reconnect=True), name="discord-gateway")
        stop = asyncio.create_task(self.stopping.wait(), name="shutdown-signal")
        done, _ = await asyncio.wait({client, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if client in done:
            client.result()  # a fatal gateway error surfaces here

    async def _login(self, bot: TutorBot) -> bool:
        """Log in, retrying with backoff while Discord cannot be reached (health says
        'degraded' meanwhile); a rejected token is fatal. False if asked to stop first."""
        delay = 1.0
        while not self.stopping.is_set():
            try:
                await bot.login(self.token)
                return True
            except discord.LoginFailure:
                raise
            except (aiohttp.ClientError, OSError, discord.HTTPException) as problem:
                await bot.discard_failed_login()
                log.warning("cannot reach Discord (%s); retrying in %.0f s",
                            type(problem).__name__, delay)
            try:
                await asyncio.wait_for(self.stopping.wait(), delay)
            except TimeoutError:
                delay = min(delay * 2, LOGIN_RETRY_MAX)
        return False

    async def _shutdown(self, bot: TutorBot) -> None:
        """Drain and close the bot; run() then closes the tutor, database and health port."""
        self._stop_started = time.perf_counter()
        self.state.shutting_down = True
        log.info("shutting down: no new work, finishing answers in flight")
        await bot.drain(DRAIN_SECONDS)
        await bot.close()  # cogs checkpoint quiz sessions and stop the reminder dispatcher
        log.info("bot closed in %.1f s", time.perf_counter() - self._stop_started)
