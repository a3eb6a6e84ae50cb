"""Run a real ``discord.Client``/``commands.Bot`` against a ``FakeDiscord`` inside a test."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import discord

from .server import FakeDiscord

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=discord.Client)

_DISCORD_DIR = str(Path(discord.__file__).parent)


@asynccontextmanager
async def running_bot(
    bot: ClientT,
    fake: FakeDiscord,
    token: str = "test-token",
    *,
    ready_timeout: float = 10.0,
    shutdown_timeout: float = 5.0,
) -> AsyncIterator[ClientT]:
    """Start ``bot.start(token)`` as a task, wait for on_ready, close cleanly on exit.

    Build the bot with ``guild_ready_timeout=0.1`` (a Client kwarg): discord.py otherwise
    waits 2 s after the last GUILD_CREATE before dispatching on_ready.
    """
    before = asyncio.all_tasks()
    with fake.patch_discord():
        task = asyncio.create_task(bot.start(token), name="fakediscord-bot")
        try:
            await _wait_ready(bot, task, ready_timeout)
            yield bot
        finally:
            await _shutdown(bot, task, before, shutdown_timeout)


async def _wait_ready(bot: discord.Client, task: asyncio.Task[None], timeout: float) -> None:
    # Polling is_ready(): wait_until_ready() raises until login() created the ready event.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not bot.is_ready():
        if task.done():
            task.result()  # re-raise the login/connect error
            raise RuntimeError("bot.start() returned before on_ready")
        if loop.time() > deadline:
            raise TimeoutError(f"bot not ready after {timeout}s (is guild_ready_timeout small?)")
        await asyncio.sleep(0.01)


async def _shutdown(
    bot: discord.Client,
    task: asyncio.Task[None],
    before: set[asyncio.Task[object]],
    timeout: float,
) -> None:
    if not bot.is_closed():
        await bot.close()
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
    except Exception:
        log.exception("bot task ended with an error")
    await _cancel_leftovers(before)


async def _cancel_leftovers(before: set[asyncio.Task[object]]) -> None:
    """Cancel discord.py's background tasks (view timeouts, dispatch tasks, loops...).

    Left running, they outlive the test's event loop and pytest prints 'Task was destroyed
    but it is pending'. Only tasks whose coroutine lives in discord.py, or which the bot
    started (anything new but the fake's own aiohttp handlers), are touched.
    """
    current = asyncio.current_task()
    leftovers = [
        t
        for t in asyncio.all_tasks() - before
        if t is not current and not t.done() and _is_bot_task(t)
    ]
    for t in leftovers:
        t.cancel()
    for t in leftovers:
        with contextlib.suppress(BaseException):
            await t


def _is_bot_task(task: asyncio.Task[object]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    filename = getattr(code, "co_filename", "") or ""
    if filename.startswith(_DISCORD_DIR):
        return True
    # aiohttp serves the fake's requests; cancelling those would break the fake's shutdown.
    return "aiohttp" not in filename and "fakediscord" not in filename
