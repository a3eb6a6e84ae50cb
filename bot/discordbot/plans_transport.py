"""The plans core's Transport (bot/plans/transport.py) on top of the discord.py client.

Two calls, `send` and `history` (one page, for the core's exactly-once check in
bot/plans/history.py), and one rule: only the core's typed errors leave this
module, so the dispatcher decides from the type alone whether to retry or pause:

    403 (50007 DMs closed, 50013 missing permissions, 50001 missing access) -> Forbidden
    404 (10003 unknown channel, 10013 unknown user), 400/50033 bad recipient -> TargetGone
    429 not absorbed by discord.py                                           -> RateLimited
    5xx, other HTTP errors, network errors, timeouts                         -> ServerError
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import aiohttp
import discord

from bot.discordbot.client import NO_MENTIONS
from bot.plans import (
    DeliveryError,
    Forbidden,
    Notice,
    RateLimited,
    ReminderPayload,
    SentMessage,
    ServerError,
    Target,
    TargetGone,
)
from bot.plans.transport import UNKNOWN_CHANNEL, UNKNOWN_USER, HistoryMessage
from bot.ratelimit import Pacer

log = logging.getLogger(__name__)

# A reminder costs at most two requests (open the DM, post); 25 a second stays under
# Discord's global limit of 50 requests a second, with the bot's other traffic beside it.
SENDS_PER_SECOND = 25
INVALID_RECIPIENT = 50033  # POST /users/@me/channels for a user Discord doesn't know
GONE_CODES = frozenset({UNKNOWN_CHANNEL, UNKNOWN_USER})

Payload = ReminderPayload | Notice
Rendered = tuple[discord.Embed, discord.ui.View | None]
Render = Callable[[Target, Payload], Awaitable[Rendered]]


async def plain_render(target: Target, payload: Payload) -> Rendered:
    """The core's own wording, without buttons."""
    return discord.Embed.from_dict(payload.embed_dict()), None


class DiscordTransport:
    """Posts reminders as embeds (footer = the payload's key) with their buttons; `render`
    words them for the target (the reader's language) and adds the buttons."""

    def __init__(self, client: discord.Client, *, render: Render = plain_render,
                 sends_per_second: float = SENDS_PER_SECOND) -> None:
        self.client = client
        self.render = render
        self.pacer = Pacer(sends_per_second)

    async def send(self, target: Target, payload: Payload, nonce: str) -> SentMessage:
        await self.pacer.wait()
        try:
            embed, view = await self.render(target, payload)
        except Exception as error:  # e.g. the database is busy: retried like a failed send
            raise delivery_error(error) from error
        extra = {"view": view} if view is not None else {}
        try:
            channel = await self._channel(target)
            message = await channel.send(embed=embed, nonce=nonce,
                                         allowed_mentions=NO_MENTIONS, **extra)
        except Exception as error:
            raise delivery_error(error) from error
        return SentMessage(message.id, message.channel.id)

    async def history(self, target: Target, after: datetime | int, limit: int
                      ) -> list[HistoryMessage]:
        await self.pacer.wait()
        marker = discord.Object(id=after) if isinstance(after, int) else after
        try:
            channel = await self._channel(target)
            return [self._summary(message) async for message in
                    channel.history(limit=limit, after=marker, oldest_first=True)]
        except Exception as error:
            raise delivery_error(error) from error

    async def _channel(self, target: Target) -> discord.abc.Messageable:
        if target.kind == "dm":
            # Cached when known; otherwise POST /users/@me/channels.
            return await self.client.create_dm(discord.Object(id=target.id))
        channel = self.client.get_channel(target.id)
        if isinstance(channel, discord.abc.Messageable):
            return channel
        return self.client.get_partial_messageable(target.id)

    def _summary(self, message: discord.Message) -> HistoryMessage:
        mine = self.client.user is not None and message.author.id == self.client.user.id
        nonce = str(message.nonce) if message.nonce is not None else None
        footers = tuple(embed.footer.text for embed in message.embeds if embed.footer.text)
        return HistoryMessage(message.id, message.channel.id, message.created_at, mine, nonce,
                              footers)


def delivery_error(error: BaseException) -> DeliveryError:
    """The core's error type for anything discord.py or the network raised."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, discord.RateLimited):
        return RateLimited(error.retry_after)
    if isinstance(error, discord.HTTPException):
        return _http_error(error)
    if isinstance(error, aiohttp.ClientError | TimeoutError | OSError):
        return ServerError(0, f"network error: {error!r}")
    log.warning("unexpected error while delivering a plan reminder", exc_info=error)
    return ServerError(0, f"unexpected error: {error!r}")


def _http_error(error: discord.HTTPException) -> DeliveryError:
    status, code = error.status, error.code
    if isinstance(error, discord.Forbidden):
        return Forbidden(code, f"403 / {code}: {error.text}")
    if status == 404 and code in GONE_CODES:
        return TargetGone(code, f"404 / {code}: {error.text}")
    if status == 400 and code == INVALID_RECIPIENT:
        return TargetGone(UNKNOWN_USER, f"400 / {code}: {error.text}")
    if status == 429:
        return RateLimited(_retry_after(error))
    if status < 500:
        # A request Discord refuses (400 …) will likely fail again: retried a few times
        # with backoff, then the core pauses the plan with 'delivery_failed'.
        log.warning("Discord refused a plan reminder: %s %s", status, error.text)
    return ServerError(status, f"{status} / {code}: {error.text}")


def _retry_after(error: discord.HTTPException) -> float:
    headers = getattr(error.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After", 1.0))
    except (TypeError, ValueError):
        return 1.0
