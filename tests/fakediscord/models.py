"""Plain data objects held by the fake, each able to render itself as a Discord JSON payload."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from .snowflake import iso_now

log = logging.getLogger(__name__)

# Channel type numbers from the Discord API.
TEXT_CHANNEL = 0
DM_CHANNEL = 1
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)

# Message flags that change how the fake stores a message.
EPHEMERAL = 1 << 6
LOADING = 1 << 7

JSON = dict[str, Any]


@dataclass
class FakeUser:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    locale: str = "en-US"
    roles: list[int] = field(default_factory=list)  # role ids in the guild, @everyone excluded
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)
    dm_open: bool = True  # False -> sending a DM answers 403 / 50007 like a user with closed DMs

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name or self.username,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }

    def member_payload(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            # discord.py reads member['flags'] unconditionally.
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = TEXT_CHANNEL
    guild_id: int | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    recipient: FakeUser | None = None  # DM channels only
    position: int = 0
    topic: str | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    created_at: str = field(default_factory=iso_now)
    last_message_id: int | None = None
    message_count: int = 0

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        return self.type == DM_CHANNEL

    def payload(self) -> JSON:
        if self.is_dm:
            return self._dm_payload()
        if self.is_thread:
            return self._thread_payload()
        return self._text_payload()

    def _last_message(self) -> str | None:
        return None if self.last_message_id is None else str(self.last_message_id)

    def _dm_payload(self) -> JSON:
        assert self.recipient is not None
        return {
            "id": str(self.id),
            "type": DM_CHANNEL,
            "last_message_id": self._last_message(),
            "recipients": [self.recipient.payload()],
            "flags": 0,
        }

    def _text_payload(self) -> JSON:
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "topic": self.topic,
            "nsfw": False,
            "parent_id": None if self.parent_id is None else str(self.parent_id),
            "last_message_id": self._last_message(),
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def _thread_payload(self) -> JSON:
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "last_message_id": self._last_message(),
            "message_count": self.message_count,
            "member_count": 1,
            "total_message_sent": self.message_count,
            "rate_limit_per_user": 0,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": self.archived,
                "auto_archive_duration": self.auto_archive_duration,
                "archive_timestamp": self.created_at,
                "locked": self.locked,
                "invitable": True,
                "create_timestamp": self.created_at,
            },
        }


@dataclass
class UploadedFile:
    """One file part of a multipart request (or an attachment a fake user posts)."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    field_name: str = ""

    @property
    def is_png(self) -> bool:
        return self.data.startswith(b"\x89PNG\r\n\x1a\n")


@dataclass
class FakeAttachment:
    """An attachment a fake user supplies as a slash-command option or with a message."""

    id: int
    file: UploadedFile
    url: str

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "filename": self.file.filename,
            "size": len(self.file.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.file.content_type,
        }


@dataclass
class FakeMessage:
    """A stored message; ``payload`` is exactly what the fake returns / dispatches."""

    payload: JSON
    files: list[UploadedFile] = field(default_factory=list)
    interaction_id: int | None = None
    deleted: bool = False
    edits: list[JSON] = field(default_factory=list)  # request bodies of every edit, in order

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def author_id(self) -> int:
        return int(self.payload["author"]["id"])

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.payload.get("embeds") or [])

    @property
    def components(self) -> list[JSON]:
        return list(self.payload.get("components") or [])

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def custom_ids(self) -> list[str]:
        """Every component custom_id on the message, depth first."""
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def component(self, custom_id: str) -> JSON | None:
        return next(
            (c for c in iter_components(self.components) if c.get("custom_id") == custom_id),
            None,
        )

    def text(self) -> str:
        """Content plus embed titles/descriptions/fields: handy for substring assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in embed.get("fields", [])]
        return "\n".join(p for p in parts if p)


def iter_components(components: list[JSON]) -> list[JSON]:
    """Flatten action rows, labels, sections and containers (components v1 and v2)."""
    out: list[JSON] = []
    for comp in components:
        out.append(comp)
        out += iter_components(list(comp.get("components") or []))
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                out += iter_components([comp[key]])
    return out


@dataclass
class RecordedRequest:
    """One HTTP request the client made, as the fake saw it."""

    method: str
    path: str  # relative to the API base, e.g. "/channels/1/messages"
    query: dict[str, str]
    json: Any  # parsed JSON body, or the payload_json part of a multipart body
    files: list[UploadedFile]
    headers: dict[str, str]
    timestamp: float = field(default_factory=time.time)
    status: int | None = None
    response: Any = None
    injected: bool = False  # True when fail_next() produced the response
    unknown_route: bool = False

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class FailureRule:
    """A pending injected failure created by ``FakeDiscord.fail_next``."""

    method: str | None
    path_regex: str
    status: int
    times: int
    retry_after: float
    code: int | None = None
    message: str | None = None
    is_global: bool = False
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        return self.hits >= self.times


@dataclass
class GatewayFrame:
    op: int
    data: Any
    timestamp: float = field(default_factory=time.time)


@dataclass
class InteractionRecord:
    """Everything the bot did in answer to one interaction the fake sent."""

    id: int
    token: str
    type: int
    user: FakeUser
    channel_id: int
    guild_id: int | None
    payload: JSON  # the INTERACTION_CREATE data as dispatched
    created: float = field(default_factory=time.monotonic)
    callback: JSON | None = None
    callback_files: list[UploadedFile] = field(default_factory=list)
    response_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    events: list[tuple[str, JSON]] = field(default_factory=list)  # (kind, request body)
    rejected: list[tuple[int, JSON]] = field(default_factory=list)  # (status, error) answers
    shard: int | None = None  # the shard whose connection received it (None: nobody's)

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback["type"])

    @property
    def callback_data(self) -> JSON:
        return dict((self.callback or {}).get("data") or {})

    @property
    def content(self) -> str | None:
        return self.callback_data.get("content")

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.callback_data.get("flags") or 0) & EPHEMERAL)

    @property
    def followups(self) -> list[JSON]:
        return [body for kind, body in self.events if kind == "followup"]

    @property
    def edits(self) -> list[JSON]:
        return [body for kind, body in self.events if kind.startswith("edit")]

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete choices (callback type 8)."""
        return list(self.callback_data.get("choices") or [])

    @property
    def modal(self) -> JSON | None:
        """The modal the bot opened (callback type 9), if any."""
        return self.callback_data if self.callback_type == 9 else None

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]
