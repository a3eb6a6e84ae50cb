"""Point discord.py at another API base and gateway, and put the defaults back afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

log = logging.getLogger(__name__)


@contextmanager
def point_discord_at(api_base: str, gateway_url: str) -> Iterator[None]:
    """Temporarily set ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``.

    Both are class attributes read at call time: every Route is built from ``BASE`` when a
    request is made, and a plain Client connects to ``DEFAULT_GATEWAY`` without asking
    ``GET /gateway/bot`` (only AutoShardedClient does). Nesting is fine; each exit restores
    what was there on entry.
    """
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
