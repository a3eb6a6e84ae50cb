"""What the dispatcher needs from Discord, as a Protocol the Discord layer implements.

The core never imports discord.py. The cog wraps a client in something with these two
methods and maps Discord's HTTP errors onto the exception types below; the dispatcher
decides from the type alone whether to retry, pause, or give up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.plans.payload import Notice, ReminderPayload

log = logging.getLogger(__name__)

# Discord JSON error codes the dispatcher understands.
CANNOT_DM_USER = 50007
MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
UNKNOWN_CHANNEL = 10003
UNKNOWN_USER = 10013


@dataclass(frozen=True)
class Target:
    """Where a message goes: a member's DMs (id = user id) or a channel (id = channel id)."""

    kind: Literal["dm", "channel"]
    id: int

    @classmethod
    def dm(cls, user_id: int) -> Target:
        return cls("dm", user_id)

    @classmethod
    def channel(cls, channel_id: int) -> Target:
        return cls("channel", channel_id)


@dataclass(frozen=True)
class SentMessage:
    message_id: int
    channel_id: int | None = None


@dataclass(frozen=True)
class HistoryMessage:
    """One message of a target's history, as much of it as the exactly-once check needs."""

    message_id: int
    channel_id: int | None
    created_at: datetime  # from the snowflake: Discord's clock, not ours
    from_bot: bool  # authored by this bot
    nonce: str | None
    footers: tuple[str, ...] = ()  # the embed footers' text


class DeliveryError(Exception):
    """Base of the errors a Transport raises."""


class TargetGone(DeliveryError):
    """404: the channel was deleted or the user no longer exists (10003, 10013)."""

    def __init__(self, code: int = UNKNOWN_CHANNEL, message: str = "") -> None:
        super().__init__(message or f"target gone (Discord code {code})")
        self.code = code


class Forbidden(DeliveryError):
    """403: DMs closed (50007), missing permissions (50013) or access (50001)."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message or f"forbidden (Discord code {code})")
        self.code = code


class RateLimited(DeliveryError):
    """429 that the client library did not absorb; retry after `retry_after` seconds."""

    def __init__(self, retry_after: float, message: str = "") -> None:
        super().__init__(message or f"rate limited for {retry_after:.1f}s")
        self.retry_after = retry_after


class ServerError(DeliveryError):
    """5xx, or a network failure: the message may or may not have been created."""

    def __init__(self, status: int = 500, message: str = "") -> None:
        super().__init__(message or f"Discord server error {status}")
        self.status = status


class Transport(Protocol):
    async def send(self, target: Target, payload: ReminderPayload | Notice,
                   nonce: str) -> SentMessage:
        """Post the payload (as an embed whose footer is payload.footer()) with `nonce`
        (≤ 25 characters; pass it to Messageable.send(nonce=...) so Discord de-duplicates
        a retry within its short window). For a DM target, open the DM channel first."""
        ...

    async def history(self, target: Target, after: datetime | int, limit: int
                      ) -> list[HistoryMessage]:
        """One page of the target's history, like Discord's `GET …/messages?after=`: the
        `limit` (≤ 100) oldest messages posted after `after` (a time, or a message id,
        exclusive), oldest first. Raise the same errors as send()."""
        ...


def unreachable_reason(error: DeliveryError) -> str | None:
    """The pause reason for an error that retrying cannot fix, else None."""
    if isinstance(error, TargetGone):
        return "channel_deleted" if error.code == UNKNOWN_CHANNEL else "target_not_found"
    if isinstance(error, Forbidden):
        return {
            CANNOT_DM_USER: "dm_closed",
            MISSING_PERMISSIONS: "missing_permissions",
            MISSING_ACCESS: "missing_access",
        }.get(error.code, "forbidden")
    return None


REASON_TEXT = {
    "dm_closed": "I can't send you direct messages (your DMs are closed to this server).",
    "channel_deleted": "the reminder channel no longer exists.",
    "target_not_found": "the reminder target no longer exists.",
    "missing_permissions": "I'm missing the permission to post in the reminder channel.",
    "missing_access": "I can't see the reminder channel any more.",
    "forbidden": "Discord refused the reminder (403).",
    "delivery_failed": "Discord kept failing to take the reminder; resume to try again.",
    "paused": "paused by request.",
}


def reason_text(reason: str | None) -> str:
    return REASON_TEXT.get(reason or "", reason or "")
