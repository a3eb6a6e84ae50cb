"""A local fake Discord (REST + gateway) for end-to-end tests of discord.py bots.

See README.md in this directory for the API.
"""

from __future__ import annotations

import logging

from .models import (
    FailureRule,
    FakeAttachment,
    FakeChannel,
    FakeMessage,
    FakeRole,
    FakeUser,
    GatewayFrame,
    InteractionRecord,
    RecordedRequest,
    UploadedFile,
)
from .patching import point_discord_at
from .runner import running_bot
from .server import FakeDiscord

log = logging.getLogger(__name__)

__all__ = [
    "FailureRule",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeMessage",
    "FakeRole",
    "FakeUser",
    "GatewayFrame",
    "InteractionRecord",
    "RecordedRequest",
    "UploadedFile",
    "point_discord_at",
    "running_bot",
]
