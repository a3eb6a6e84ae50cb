"""In-memory world of the fake: one application, one bot, one guild, its channels and messages."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import discord

from .models import (
    DM_CHANNEL,
    JSON,
    PUBLIC_THREAD,
    TEXT_CHANNEL,
    FakeAttachment,
    FakeChannel,
    FakeMessage,
    FakeRole,
    FakeUser,
    UploadedFile,
)
from .snowflake import SnowflakeFactory, iso_now

log = logging.getLogger(__name__)

_P = discord.Permissions
EVERYONE_PERMISSIONS = _P(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    read_message_history=True,
    add_reactions=True,
    embed_links=True,
    attach_files=True,
    use_application_commands=True,
    use_external_emojis=True,
    change_nickname=True,
    create_instant_invite=True,
).value
MODERATOR_PERMISSIONS = (
    EVERYONE_PERMISSIONS | _P(manage_guild=True, manage_messages=True, manage_threads=True).value
)
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | _P(manage_threads=True, manage_messages=True).value
ALL_PERMISSIONS = _P.all().value
ADMINISTRATOR = _P(administrator=True).value

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    preferred_locale: str = "en-US"
    roles: dict[int, FakeRole] = field(default_factory=dict)


class FakeState:
    """Holds every entity; the REST and gateway layers only read and mutate this."""

    def __init__(self, *, guild_locale: str = "en-US") -> None:
        self.ids = SnowflakeFactory()
        self.users: dict[int, FakeUser] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.attachments: dict[int, FakeAttachment] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.commands: dict[int | None, dict[str, JSON]] = {}  # guild id (None=global) -> name
        self.base_url = ""  # set once the server knows its port; used for attachment URLs
        self.bot_user = self._make_bot()
        self.application_id = self.bot_user.id  # Discord uses the bot user's id for the app
        self.guild = FakeGuild(id=self.ids.next(), name="Study Group", owner_id=0)
        self.guild.preferred_locale = guild_locale
        self.guilds: dict[int, FakeGuild] = {self.guild.id: self.guild}
        self._seed_roles()
        self._seed_members()
        self._seed_channels()

    # -- seeding -----------------------------------------------------------------------------

    def _make_bot(self) -> FakeUser:
        bot = FakeUser(id=self.ids.next(), username="TutorBot", bot=True)
        self.users[bot.id] = bot
        return bot

    def _seed_roles(self) -> None:
        # The @everyone role shares the guild's id, as on Discord.
        gid = self.guild.id
        self.everyone = self._add_role(FakeRole(gid, "@everyone", EVERYONE_PERMISSIONS, 0))
        self.moderator_role = self.add_role("Moderator", MODERATOR_PERMISSIONS)
        self.admin_role = self.add_role("Admin", ADMINISTRATOR)
        self.bot_role = self._add_role(
            FakeRole(self.ids.next(), "TutorBot", BOT_PERMISSIONS, 3, True, self.bot_user.id)
        )
        self.bot_user.roles.append(self.bot_role.id)

    def _seed_members(self) -> None:
        self.owner = self.add_user("alice", roles=[self.admin_role])
        self.guild.owner_id = self.owner.id
        self.moderator = self.add_user("morgan", roles=[self.moderator_role])
        self.student = self.add_user("bob")
        self.add_user("carol", locale="ja")

    def _seed_channels(self) -> None:
        for name in ("general", "study", "quiz"):
            self.add_channel(name)

    # -- mutation helpers --------------------------------------------------------------------

    def _add_role(self, role: FakeRole) -> FakeRole:
        self.guild.roles[role.id] = role
        return role

    def add_role(self, name: str, permissions: int) -> FakeRole:
        position = len(self.guild.roles)
        return self._add_role(FakeRole(self.ids.next(), name, permissions, position))

    def add_user(
        self, name: str, *, roles: list[FakeRole] | None = None, locale: str = "en-US"
    ) -> FakeUser:
        user = FakeUser(id=self.ids.next(), username=name, locale=locale)
        user.roles = [r.id for r in roles or []]
        self.users[user.id] = user
        return user

    def add_guild(
        self, name: str, *, shard: tuple[int, int] | None = None, channels: tuple[str, ...] = ()
    ) -> FakeGuild:
        """Another guild with every user as a member, holding the first guild's roles.

        ``shard=(i, n)`` picks an id that Discord routes to shard ``i`` of ``n``. Sharing the
        role objects (Discord never would) keeps members' permissions alike in every guild.
        """
        gid = self.ids.next() if shard is None else self.ids.next_on_shard(*shard)
        guild = FakeGuild(gid, name, self.owner.id, self.guild.preferred_locale)
        guild.roles[gid] = FakeRole(gid, "@everyone", EVERYONE_PERMISSIONS, 0)
        guild.roles.update({k: r for k, r in self.guild.roles.items() if k != self.guild.id})
        self.guilds[gid] = guild
        for channel in channels:
            self.add_channel(channel, guild=guild)
        return guild

    def add_channel(
        self, name: str, *, topic: str | None = None, guild: FakeGuild | None = None
    ) -> FakeChannel:
        gid = (guild or self.guild).id
        position = sum(
            1 for c in self.channels.values() if c.type == TEXT_CHANNEL and c.guild_id == gid
        )
        channel = FakeChannel(id=self.ids.next(), name=name, guild_id=gid, position=position,
                              topic=topic)
        self.channels[channel.id] = channel
        return channel

    def add_thread(
        self,
        parent: FakeChannel,
        name: str,
        owner: FakeUser,
        *,
        thread_id: int | None = None,
        thread_type: int = PUBLIC_THREAD,
        auto_archive_duration: int = 1440,
    ) -> FakeChannel:
        thread = FakeChannel(
            id=thread_id or self.ids.next(),
            name=name,
            type=thread_type,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=owner.id,
            auto_archive_duration=auto_archive_duration,
        )
        self.channels[thread.id] = thread
        return thread

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """The (single) DM channel between the bot and ``user``, created on first use."""
        if user.id in self.dm_channels:
            return self.channels[self.dm_channels[user.id]]
        channel = FakeChannel(
            id=self.ids.next(), name=f"dm-{user.username}", type=DM_CHANNEL, recipient=user
        )
        self.channels[channel.id] = channel
        self.dm_channels[user.id] = channel.id
        return channel

    def make_attachment(
        self,
        filename: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        channel_id: int = 0,
    ) -> FakeAttachment:
        """An attachment served by the fake itself, so ``Attachment.read()`` works."""
        aid = self.ids.next()
        url = f"{self.base_url}/cdn/attachments/{channel_id}/{aid}/{filename}"
        att = FakeAttachment(aid, UploadedFile(filename, data, content_type), url)
        self.attachments[aid] = att
        return att

    # -- lookups -----------------------------------------------------------------------------

    def members(self) -> list[FakeUser]:
        """Guild members: every fake user, the bot included, is a member of the one guild."""
        return list(self.users.values())

    def user_by_name(self, name: str) -> FakeUser:
        for user in self.users.values():
            if user.username == name:
                return user
        raise KeyError(f"no fake user named {name!r}")

    def channel_by_name(self, name: str) -> FakeChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"no fake channel named {name!r}")

    def role_by_name(self, name: str) -> FakeRole:
        for role in self.guild.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no fake role named {name!r}")

    def permissions_of(self, user: FakeUser) -> int:
        """Guild-level permissions (channel overwrites are not modelled)."""
        if user.id == self.guild.owner_id:
            return ALL_PERMISSIONS
        value = self.everyone.permissions
        for rid in user.roles:
            value |= self.guild.roles[rid].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def channel_messages(self, channel_id: int) -> list[FakeMessage]:
        found = [m for m in self.messages.values() if m.channel_id == channel_id]
        return sorted(found, key=lambda m: m.id)

    # -- payloads ----------------------------------------------------------------------------

    def guild_payload(self, *, full: bool, guild: FakeGuild | None = None) -> JSON:
        """REST guild object; ``full`` adds the GUILD_CREATE-only keys (channels, members...)."""
        g = guild or self.guild
        data: JSON = {
            "id": str(g.id),
            "name": g.name,
            "icon": None,
            "owner_id": str(g.owner_id),
            "preferred_locale": g.preferred_locale,
            "roles": [r.payload() for r in g.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_flags": 0,
            "premium_progress_bar_enabled": False,
        }
        if full:
            data.update(self._gateway_guild_extras(g))
        return data

    def _gateway_guild_extras(self, guild: FakeGuild) -> JSON:
        members = self.members()
        guild_channels = [c for c in self.channels.values() if c.guild_id == guild.id]
        return {
            "unavailable": False,
            "large": False,
            "joined_at": self.bot_user.joined_at,
            # member_count == len(members) marks the guild "chunked", so a bot with the
            # members intent does not stall on REQUEST_MEMBERS before on_ready.
            "member_count": len(members),
            "members": [u.member_payload() for u in members],
            "channels": [c.payload() for c in guild_channels if not c.is_thread],
            "threads": [c.payload() for c in guild_channels if c.is_thread],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def application_payload(self) -> JSON:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "Fake application for end-to-end tests",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.payload(),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "bot": self.bot_user.payload(),
            "interactions_endpoint_url": None,  # non-null makes discord.py warn
            "redirect_uris": [],
            "tags": [],
        }

    def resolved_user(self, user: FakeUser, guild_id: int | None) -> JSON:
        """``resolved`` fragment for a user option (with member data inside guilds)."""
        out: JSON = {"users": {str(user.id): user.payload()}}
        if guild_id is not None:
            member = user.member_payload(with_user=False, permissions=self.permissions_of(user))
            out["members"] = {str(user.id): member}
        return out

    def resolved_channel(self, channel: FakeChannel) -> JSON:
        data = channel.payload()
        data["permissions"] = str(self.permissions_of(self.bot_user))
        return {"channels": {str(channel.id): data}}

    # -- messages ----------------------------------------------------------------------------

    def mentions_in(self, content: str, guild_id: int | None) -> list[JSON]:
        out: list[JSON] = []
        for uid in dict.fromkeys(int(m) for m in _USER_MENTION.findall(content)):
            user = self.users.get(uid)
            if user is None:
                continue
            data = user.payload()
            if guild_id is not None:
                data["member"] = user.member_payload(with_user=False)
            out.append(data)
        return out

    def new_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        body: JSON,
        files: list[UploadedFile],
        *,
        interaction: JSON | None = None,
        msg_type: int = 0,
    ) -> FakeMessage:
        """Build and store a message the way Discord would echo it back."""
        mid = self.ids.next()
        content = str(body.get("content") or "")
        payload: JSON = {
            "id": str(mid),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": self.mentions_in(content, channel.guild_id),
            "mention_roles": _ROLE_MENTION.findall(content),
            "attachments": self.attachment_payloads(channel.id, body, files, []),
            "embeds": list(body.get("embeds") or []),
            "reactions": [],
            "pinned": False,
            "type": msg_type,
            "flags": int(body.get("flags") or 0),
            "components": list(body.get("components") or []),
        }
        self._add_optional_message_keys(payload, channel, author, body, interaction)
        message = FakeMessage(payload=payload, files=list(files))
        self.messages[mid] = message
        channel.last_message_id = mid
        channel.message_count += 1
        return message

    def _add_optional_message_keys(
        self,
        payload: JSON,
        channel: FakeChannel,
        author: FakeUser,
        body: JSON,
        interaction: JSON | None,
    ) -> None:
        if channel.guild_id is not None:
            payload["guild_id"] = str(channel.guild_id)
            payload["member"] = author.member_payload(with_user=False)
        if "nonce" in body:
            payload["nonce"] = body["nonce"]
        if interaction is not None:
            payload["interaction_metadata"] = interaction
            payload["application_id"] = str(self.application_id)
            payload["webhook_id"] = str(self.application_id)
        ref = body.get("message_reference")
        if isinstance(ref, dict) and ref.get("message_id"):
            ref_id = int(ref["message_id"])
            payload["type"] = 19  # REPLY
            payload["message_reference"] = {
                "type": 0,
                "message_id": str(ref_id),
                "channel_id": str(ref.get("channel_id") or channel.id),
                "guild_id": None if channel.guild_id is None else str(channel.guild_id),
            }
            referenced = self.messages.get(ref_id)
            payload["referenced_message"] = None if referenced is None else referenced.payload

    def attachment_payloads(
        self, channel_id: int, body: JSON, files: list[UploadedFile], existing: list[JSON]
    ) -> list[JSON]:
        """Attachments for a create/edit: kept old ones (by id) plus newly uploaded files."""
        by_id = {a["id"]: a for a in existing}
        out: list[JSON] = []
        for entry in body.get("attachments") or []:
            key = str(entry.get("id"))
            if key in by_id:
                out.append(by_id[key])
        # New uploads are the multipart parts files[0..n]; Discord stores them in order.
        for upload in files:
            att = self.make_attachment(
                upload.filename, upload.data, upload.content_type, channel_id
            )
            out.append(att.payload())
        return out

    def edit_message(self, message: FakeMessage, body: JSON, files: list[UploadedFile]) -> None:
        payload = message.payload
        for key in ("content", "embeds", "components", "flags"):
            if key in body and body[key] is not None:
                payload[key] = body[key]
        if "content" in body:
            payload["content"] = str(body.get("content") or "")
            payload["mentions"] = self.mentions_in(payload["content"], _guild_of(payload))
        if "attachments" in body or files:
            payload["attachments"] = self.attachment_payloads(
                message.channel_id, body, files, list(payload.get("attachments") or [])
            )
            message.files += files
        payload["edited_timestamp"] = iso_now()
        message.edits.append(body)

    def history(self, channel_id: int, query: dict[str, str]) -> list[JSON]:
        """GET /channels/{id}/messages semantics: newest first, limit/before/after/around."""
        messages = [m for m in self.channel_messages(channel_id) if not m.deleted]
        limit = max(1, min(100, int(query.get("limit", 50))))
        if "before" in query:
            before = int(query["before"])
            messages = [m for m in messages if m.id < before][-limit:]
        elif "after" in query:
            after = int(query["after"])
            messages = [m for m in messages if m.id > after][:limit]
        elif "around" in query:
            around = int(query["around"])
            older = [m for m in messages if m.id <= around][-(limit // 2 + 1) :]
            newer = [m for m in messages if m.id > around][: limit - len(older)]
            messages = older + newer
        else:
            messages = messages[-limit:]
        return [m.payload for m in reversed(messages)]


def _guild_of(payload: JSON) -> int | None:
    gid: Any = payload.get("guild_id")
    return None if gid is None else int(gid)
