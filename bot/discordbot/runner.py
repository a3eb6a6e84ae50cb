"""`tutorbot run`: start the bot, stop it cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import discord

from bot.config import Settings, read_token
from bot.discordbot.client import TutorBot, point_discord_at
from bot.logging_setup import setup_logging

log = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    token = read_token()
    if not token:
        print("tutorbot: no Discord token: set DISCORD_TOKEN (or DISCORD_TOKEN_FILE). "
              "Try `tutorbot chat` to use the tutor without Discord.", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_json)
    point_discord_at(settings)
    try:
        return asyncio.run(_serve(settings, token))
    except discord.LoginFailure:
        print("tutorbot: Discord rejected the token (check DISCORD_TOKEN).", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _serve(settings: Settings, token: str) -> int:
    bot = TutorBot(settings)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    runner = asyncio.create_task(bot.start(token), name="discord-client")
    waiter = asyncio.create_task(stopping.wait(), name="shutdown-signal")
    done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if waiter in done:
        log.info("shutting down")
        await bot.close()
        await asyncio.gather(runner, return_exceptions=True)
        return 0
    waiter.cancel()
    runner.result()  # a login failure surfaces here
    return 0
