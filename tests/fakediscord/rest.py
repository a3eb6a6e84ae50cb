"""REST half of the fake: records every request, injects failures, routes to handlers."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .errors import (
    CANNOT_DM,
    MISSING_PERMISSIONS,
    UNKNOWN_CHANNEL,
    UNKNOWN_COMMAND,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    ApiError,
    injected_error_body,
    validate_message_body,
)
from .gateway import GatewaySession
from .models import JSON, FailureRule, FakeChannel, FakeMessage, RecordedRequest, UploadedFile
from .state import FakeGuild, FakeState

log = logging.getLogger(__name__)

Reply = tuple[int, Any]
Handler = Callable[..., Awaitable[Reply]]

API_PREFIX = re.compile(r"^/api/v\d+")
# Placeholders that are snowflakes only match digits, so "/users/@me" never hits "/users/{uid}".
NUMERIC = {"uid", "cid", "mid", "gid", "rid", "app", "cmd", "iid"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``.

    aiohttp's ``json_response`` appends ``; charset=utf-8`` and discord.py then treats the
    body as text (``json_or_text`` compares the header verbatim).
    """
    if body is None:
        return web.Response(status=204 if status < 300 else status, headers=headers)
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


async def parse_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body, or payload_json + file parts of a multipart body."""
    ctype = request.headers.get("Content-Type", "")
    if ctype.startswith("multipart/"):
        return await _parse_multipart(request)
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode(errors="replace"), []


async def _parse_multipart(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    reader = await request.multipart()
    body: Any = None
    files: list[UploadedFile] = []
    while (part := await reader.next()) is not None:
        data = await part.read(decode=False)  # type: ignore[union-attr]
        name = part.name or ""
        if name == "payload_json":
            body = json.loads(data)
        elif part.filename is not None:
            ctype = part.headers.get("Content-Type", "application/octet-stream")
            files.append(UploadedFile(part.filename, bytes(data), ctype, name))
    return body, files


class RestApi:
    """Routes and handlers for everything under the API base except interactions/webhooks."""

    def __init__(
        self,
        state: FakeState,
        gateway: GatewaySession,
        notify: Callable[[], None],
        *,
        echo_messages: bool,
        attachment_size_limit: int,
        expected_token: str | None,
    ) -> None:
        self.state = state
        self.gateway = gateway
        self._notify = notify
        self.echo_messages = echo_messages
        self.attachment_size_limit = attachment_size_limit
        self.expected_token = expected_token
        self.recorded: list[RecordedRequest] = []
        self.failures: list[FailureRule] = []
        # (method or None, path regex, seconds): requests handled at once, answered late.
        self.slow_replies: list[tuple[str | None, str, float]] = []
        self.crashes: list[str] = []
        self.bot_permissions: int | None = None  # None -> computed from the bot's roles
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._register_routes()

    # -- routing -----------------------------------------------------------------------------

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        def group(match: re.Match[str]) -> str:
            name = match.group(1)
            body = r"\d+" if name in NUMERIC else "[^/]+"
            return f"(?P<{name}>{body})"

        regex = re.compile("^" + PLACEHOLDER.sub(group, pattern) + "$")
        self._routes.append((method, regex, handler))

    def _register_routes(self) -> None:
        r = self.route
        r("GET", "/users/@me", self.get_me)
        r("GET", "/users/{uid}", self.get_user)
        r("POST", "/users/@me/channels", self.create_dm)
        r("GET", "/oauth2/applications/@me", self.get_application)
        r("GET", "/applications/@me", self.get_application)
        r("GET", "/gateway", self.get_gateway)
        r("GET", "/gateway/bot", self.get_gateway)
        self._register_command_routes()
        self._register_guild_routes()
        self._register_channel_routes()

    def _register_command_routes(self) -> None:
        for base in ("/applications/{app}/commands", "/applications/{app}/guilds/{gid}/commands"):
            self.route("PUT", base, self.put_commands)
            self.route("GET", base, self.get_commands)
            self.route("POST", base, self.post_command)
            self.route("GET", base + "/{cmd}", self.get_command)
            self.route("PATCH", base + "/{cmd}", self.patch_command)
            self.route("DELETE", base + "/{cmd}", self.delete_command)
        self.route("GET", "/applications/{app}/guilds/{gid}/commands/permissions", self.empty_list)
        self.route("GET", "/applications/{app}/emojis", self.empty_items)
        self.route("GET", "/applications/{app}/entitlements", self.empty_list)

    def _register_guild_routes(self) -> None:
        r = self.route
        r("GET", "/guilds/{gid}", self.get_guild)
        r("GET", "/guilds/{gid}/channels", self.get_guild_channels)
        r("GET", "/guilds/{gid}/roles", self.get_roles)
        r("GET", "/guilds/{gid}/members", self.list_members)
        r("GET", "/guilds/{gid}/members/{uid}", self.get_member)
        r("PATCH", "/guilds/{gid}/members/{uid}", self.get_member)  # accepted, not applied
        r("PUT", "/guilds/{gid}/members/{uid}/roles/{rid}", self.add_member_role)
        r("DELETE", "/guilds/{gid}/members/{uid}/roles/{rid}", self.remove_member_role)
        r("GET", "/guilds/{gid}/threads/active", self.active_threads)

    def _register_channel_routes(self) -> None:
        r = self.route
        r("GET", "/channels/{cid}", self.get_channel)
        r("PATCH", "/channels/{cid}", self.patch_channel)
        r("DELETE", "/channels/{cid}", self.delete_channel)
        r("POST", "/channels/{cid}/typing", self.no_content)
        r("GET", "/channels/{cid}/messages", self.get_history)
        r("POST", "/channels/{cid}/messages", self.create_message)
        r("POST", "/channels/{cid}/messages/bulk-delete", self.bulk_delete)
        r("GET", "/channels/{cid}/messages/pins", self.empty_pins)
        r("GET", "/channels/{cid}/pins", self.empty_list)
        for pin in ("/channels/{cid}/messages/pins/{mid}", "/channels/{cid}/pins/{mid}"):
            r("PUT", pin, self.no_content)
            r("DELETE", pin, self.no_content)
        r("GET", "/channels/{cid}/messages/{mid}", self.get_message)
        r("PATCH", "/channels/{cid}/messages/{mid}", self.edit_message)
        r("DELETE", "/channels/{cid}/messages/{mid}", self.delete_message)
        self._register_reaction_routes()
        r("POST", "/channels/{cid}/messages/{mid}/threads", self.thread_from_message)
        r("POST", "/channels/{cid}/threads", self.thread_without_message)
        r("GET", "/channels/{cid}/thread-members", self.empty_list)
        for member in (
            "/channels/{cid}/thread-members/@me",
            "/channels/{cid}/thread-members/{uid}",
        ):
            r("PUT", member, self.no_content)
            r("DELETE", member, self.no_content)

    def _register_reaction_routes(self) -> None:
        base = "/channels/{cid}/messages/{mid}/reactions"
        self.route("PUT", base + "/{emoji}/@me", self.add_reaction)
        self.route("DELETE", base + "/{emoji}/@me", self.remove_reaction)
        self.route("DELETE", base + "/{emoji}/{uid}", self.remove_reaction)
        self.route("DELETE", base + "/{emoji}", self.clear_reactions)
        self.route("DELETE", base, self.clear_reactions)
        self.route("GET", base + "/{emoji}", self.empty_list)

    # -- the aiohttp entry point -------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        try:
            response = await self._respond(rec)
        finally:
            self._notify()
        return response

    async def _record(self, request: web.Request) -> RecordedRequest:
        body, files = await parse_body(request)
        rec = RecordedRequest(
            method=request.method,
            path=API_PREFIX.sub("", request.path),
            query=dict(request.query),
            json=body,
            files=files,
            headers=dict(request.headers),
        )
        self.recorded.append(rec)
        return rec

    async def _respond(self, rec: RecordedRequest) -> web.Response:
        injected = self._take_failure(rec)
        if injected is not None:
            return injected
        try:
            self._check_auth(rec)
            status, body = await self._route(rec)
        except ApiError as err:
            status, body = err.status, err.body()
        except Exception as exc:  # a fake bug must fail the test fast, not trigger 5xx retries
            log.exception("fakediscord handler crashed on %s", rec.route)
            self.crashes.append(f"{rec.route}: {exc!r}")
            status, body = 400, {"message": f"fakediscord crashed: {exc!r}", "code": 0}
        rec.status, rec.response = status, body
        delay = self._reply_delay(rec)
        if delay:
            await asyncio.sleep(delay)  # done (the message exists), but the answer is late
        return json_response(status, body)

    def _reply_delay(self, rec: RecordedRequest) -> float:
        for method, path_regex, seconds in self.slow_replies:
            if (method is None or method.upper() == rec.method) and re.search(path_regex,
                                                                                rec.path):
                return seconds
        return 0.0

    def _check_auth(self, rec: RecordedRequest) -> None:
        auth = rec.headers.get("Authorization")
        if self.expected_token and auth is not None and auth != f"Bot {self.expected_token}":
            raise ApiError(401, 0, "401: Unauthorized")

    async def _route(self, rec: RecordedRequest) -> Reply:
        for method, regex, handler in self._routes:
            match = regex.match(rec.path)
            if match and method == rec.method:
                return await handler(rec, **match.groupdict())
        rec.unknown_route = True
        log.warning("fakediscord: unknown route %s", rec.route)
        raise ApiError(404, 0, "404: Not Found")

    # -- failure injection -------------------------------------------------------------------

    def _take_failure(self, rec: RecordedRequest) -> web.Response | None:
        for rule in self.failures:
            if rule.exhausted or (rule.method and rule.method.upper() != rec.method):
                continue
            if re.search(rule.path_regex, rec.path):
                rule.hits += 1
                rec.injected = True
                return self._failure_response(rule, rec)
        return None

    def _failure_response(self, rule: FailureRule, rec: RecordedRequest) -> web.Response:
        rec.status = rule.status
        if rule.status == 429:
            rec.response = {
                "message": rule.message or "You are being rate limited.",
                "retry_after": rule.retry_after,
                "global": rule.is_global,
                "code": 0,
            }
            # discord.py only retries a 429 that carries a Via header (otherwise it assumes a
            # Cloudflare ban) and reads retry_after from the body, not the Retry-After header.
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(math.ceil(rule.retry_after)),
                "X-RateLimit-Scope": "global" if rule.is_global else "user",
            }
            return json_response(429, rec.response, headers)
        rec.response = injected_error_body(rule.status, self._failure_code(rule, rec), rule.message)
        return json_response(rule.status, rec.response)

    def _failure_code(self, rule: FailureRule, rec: RecordedRequest) -> int | None:
        if rule.code is not None or rule.status != 403:
            return rule.code
        match = re.match(r"^/channels/(\d+)/messages", rec.path)
        channel = self.state.channels.get(int(match.group(1))) if match else None
        return CANNOT_DM if channel is not None and channel.is_dm else MISSING_PERMISSIONS

    # -- small generic handlers --------------------------------------------------------------

    async def no_content(self, rec: RecordedRequest, **_: str) -> Reply:
        return 204, None

    async def empty_list(self, rec: RecordedRequest, **_: str) -> Reply:
        return 200, []

    async def empty_items(self, rec: RecordedRequest, **_: str) -> Reply:
        return 200, {"items": []}

    async def empty_pins(self, rec: RecordedRequest, **_: str) -> Reply:
        return 200, {"items": [], "has_more": False}

    # -- users, application, gateway ---------------------------------------------------------

    async def get_me(self, rec: RecordedRequest) -> Reply:
        return 200, {**self.state.bot_user.payload(), "verified": True, "mfa_enabled": False}

    async def get_user(self, rec: RecordedRequest, uid: str) -> Reply:
        user = self.state.users.get(int(uid))
        if user is None:
            raise ApiError(404, UNKNOWN_USER, "Unknown User")
        return 200, user.payload()

    async def get_application(self, rec: RecordedRequest) -> Reply:
        return 200, self.state.application_payload()

    async def get_gateway(self, rec: RecordedRequest) -> Reply:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        shards = self.gateway.recommended_shards
        return 200, {"url": self.gateway.url, "shards": shards, "session_start_limit": limit}

    async def create_dm(self, rec: RecordedRequest) -> Reply:
        user = self.state.users.get(int((rec.json or {}).get("recipient_id") or 0))
        if user is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return 200, self.state.dm_channel(user).payload()

    # -- application commands ----------------------------------------------------------------

    def _command_bucket(self, gid: str | None) -> dict[str, JSON]:
        return self.state.commands.setdefault(None if gid is None else int(gid), {})

    def _store_command(self, body: JSON, gid: str | None) -> JSON:
        bucket = self._command_bucket(gid)
        old = bucket.get(body["name"])
        # Discord keeps a command's id stable across bulk overwrites when the name matches.
        cid = old["id"] if old else str(self.state.ids.next())
        command: JSON = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **body,
            "id": cid,
            "application_id": str(self.state.application_id),
            "version": str(self.state.ids.next()),
        }
        if gid is not None:
            command["guild_id"] = gid
        bucket[command["name"]] = command
        return command

    async def put_commands(self, rec: RecordedRequest, app: str, gid: str | None = None) -> Reply:
        self._command_bucket(gid).clear()
        return 200, [self._store_command(body, gid) for body in rec.json or []]

    async def get_commands(self, rec: RecordedRequest, app: str, gid: str | None = None) -> Reply:
        return 200, list(self._command_bucket(gid).values())

    async def post_command(self, rec: RecordedRequest, app: str, gid: str | None = None) -> Reply:
        return 201, self._store_command(rec.json or {}, gid)

    def _find_command(self, gid: str | None, cmd: str) -> JSON:
        for command in self._command_bucket(gid).values():
            if command["id"] == cmd:
                return command
        raise ApiError(404, UNKNOWN_COMMAND, "Unknown application command")

    async def get_command(
        self, rec: RecordedRequest, app: str, cmd: str, gid: str | None = None
    ) -> Reply:
        return 200, self._find_command(gid, cmd)

    async def patch_command(
        self, rec: RecordedRequest, app: str, cmd: str, gid: str | None = None
    ) -> Reply:
        command = self._find_command(gid, cmd)
        command.update(rec.json or {})
        return 200, command

    async def delete_command(
        self, rec: RecordedRequest, app: str, cmd: str, gid: str | None = None
    ) -> Reply:
        command = self._find_command(gid, cmd)
        del self._command_bucket(gid)[command["name"]]
        return 204, None

    # -- guild -------------------------------------------------------------------------------

    def _check_guild(self, gid: str) -> FakeGuild:
        guild = self.state.guilds.get(int(gid))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, rec: RecordedRequest, gid: str) -> Reply:
        data = self.state.guild_payload(full=False, guild=self._check_guild(gid))
        if rec.query.get("with_counts") in ("true", "1", "True"):
            data["approximate_member_count"] = len(self.state.members())
            data["approximate_presence_count"] = 0
        return 200, data

    async def get_guild_channels(self, rec: RecordedRequest, gid: str) -> Reply:
        guild = self._check_guild(gid)
        channels = self.state.channels.values()
        return 200, [c.payload() for c in channels if c.guild_id == guild.id and not c.is_thread]

    async def get_roles(self, rec: RecordedRequest, gid: str) -> Reply:
        return 200, [r.payload() for r in self._check_guild(gid).roles.values()]

    async def list_members(self, rec: RecordedRequest, gid: str) -> Reply:
        self._check_guild(gid)
        after = int(rec.query.get("after", 0))
        limit = int(rec.query.get("limit", 1))
        members = sorted((u for u in self.state.members() if u.id > after), key=lambda u: u.id)
        return 200, [u.member_payload() for u in members[:limit]]

    def _member(self, gid: str, uid: str) -> Any:
        self._check_guild(gid)
        user = self.state.users.get(int(uid))
        if user is None:
            raise ApiError(404, UNKNOWN_MEMBER, "Unknown Member")
        return user

    async def get_member(self, rec: RecordedRequest, gid: str, uid: str) -> Reply:
        return 200, self._member(gid, uid).member_payload()

    async def add_member_role(self, rec: RecordedRequest, gid: str, uid: str, rid: str) -> Reply:
        user = self._member(gid, uid)
        if int(rid) not in user.roles:
            user.roles.append(int(rid))
        await self._member_update(user, gid)
        return 204, None

    async def remove_member_role(self, rec: RecordedRequest, gid: str, uid: str, rid: str) -> Reply:
        user = self._member(gid, uid)
        if int(rid) in user.roles:
            user.roles.remove(int(rid))
        await self._member_update(user, gid)
        return 204, None

    async def _member_update(self, user: Any, gid: str) -> None:
        data = {**user.member_payload(), "guild_id": gid}
        await self.gateway.dispatch("GUILD_MEMBER_UPDATE", data)

    async def active_threads(self, rec: RecordedRequest, gid: str) -> Reply:
        guild = self._check_guild(gid)
        threads = [
            c.payload()
            for c in self.state.channels.values()
            if c.is_thread and not c.archived and c.guild_id == guild.id
        ]
        return 200, {"threads": threads, "members": []}

    # -- channels & threads ------------------------------------------------------------------

    def channel(self, cid: str | int) -> FakeChannel:
        channel = self.state.channels.get(int(cid))
        if channel is None:
            raise ApiError(404, UNKNOWN_CHANNEL)
        return channel

    async def get_channel(self, rec: RecordedRequest, cid: str) -> Reply:
        return 200, self.channel(cid).payload()

    async def patch_channel(self, rec: RecordedRequest, cid: str) -> Reply:
        channel = self.channel(cid)
        body = rec.json or {}
        for key in ("name", "topic", "archived", "locked", "auto_archive_duration"):
            if key in body:
                setattr(channel, key, body[key])
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        await self.gateway.dispatch(event, channel.payload())
        return 200, channel.payload()

    async def delete_channel(self, rec: RecordedRequest, cid: str) -> Reply:
        channel = self.channel(cid)
        del self.state.channels[channel.id]
        event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
        await self.gateway.dispatch(event, channel.payload())
        return 200, channel.payload()

    async def thread_from_message(self, rec: RecordedRequest, cid: str, mid: str) -> Reply:
        parent = self.channel(cid)
        message = self.message(parent, mid)
        body = rec.json or {}
        # A thread started from a message shares that message's id on Discord.
        thread = self.state.add_thread(
            parent,
            str(body.get("name") or "thread"),
            self.state.bot_user,
            thread_id=message.id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        message.payload["thread"] = thread.payload()
        await self.gateway.dispatch("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return 201, thread.payload()

    async def thread_without_message(self, rec: RecordedRequest, cid: str) -> Reply:
        parent = self.channel(cid)
        body = rec.json or {}
        thread = self.state.add_thread(
            parent,
            str(body.get("name") or "thread"),
            self.state.bot_user,
            thread_type=int(body.get("type") or 11),
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        await self.gateway.dispatch("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return 201, thread.payload()

    # -- messages ----------------------------------------------------------------------------

    def message(self, channel: FakeChannel, mid: str | int) -> FakeMessage:
        message = self.state.messages.get(int(mid))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise ApiError(404, UNKNOWN_MESSAGE)
        return message

    async def get_history(self, rec: RecordedRequest, cid: str) -> Reply:
        return 200, self.state.history(self.channel(cid).id, rec.query)

    async def get_message(self, rec: RecordedRequest, cid: str, mid: str) -> Reply:
        return 200, self.message(self.channel(cid), mid).payload

    async def create_message(self, rec: RecordedRequest, cid: str) -> Reply:
        channel = self.channel(cid)
        body = rec.json or {}
        if channel.is_dm and channel.recipient is not None and not channel.recipient.dm_open:
            raise ApiError(403, CANNOT_DM)
        validate_message_body(body, rec.files, size_limit=self.attachment_size_limit, creating=True)
        message = self.state.new_message(channel, self.state.bot_user, body, rec.files)
        await self.echo("MESSAGE_CREATE", message)
        return 200, message.payload

    async def edit_message(self, rec: RecordedRequest, cid: str, mid: str) -> Reply:
        message = self.message(self.channel(cid), mid)
        if message.author_id != self.state.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body = rec.json or {}
        validate_message_body(
            body, rec.files, size_limit=self.attachment_size_limit, creating=False
        )
        self.state.edit_message(message, body, rec.files)
        await self.echo("MESSAGE_UPDATE", message)
        return 200, message.payload

    async def delete_message(self, rec: RecordedRequest, cid: str, mid: str) -> Reply:
        channel = self.channel(cid)
        message = self.message(channel, mid)
        await self.mark_deleted(message)
        return 204, None

    async def bulk_delete(self, rec: RecordedRequest, cid: str) -> Reply:
        channel = self.channel(cid)
        for mid in (rec.json or {}).get("messages", []):
            await self.mark_deleted(self.message(channel, mid))
        return 204, None

    async def mark_deleted(self, message: FakeMessage) -> None:
        message.deleted = True
        data: JSON = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if "guild_id" in message.payload:
            data["guild_id"] = message.payload["guild_id"]
        await self.gateway.dispatch("MESSAGE_DELETE", data)

    async def echo(self, event: str, message: FakeMessage) -> None:
        """Real Discord also sends the bot its own messages; ephemeral ones never go out."""
        if self.echo_messages and not message.ephemeral:
            await self.gateway.dispatch_message(event, message.payload)

    # -- reactions ---------------------------------------------------------------------------

    def _reactions(self, cid: str, mid: str) -> list[JSON]:
        message = self.message(self.channel(cid), mid)
        return message.payload.setdefault("reactions", [])

    async def add_reaction(self, rec: RecordedRequest, cid: str, mid: str, emoji: str) -> Reply:
        reactions = self._reactions(cid, mid)
        entry = next((r for r in reactions if _emoji_key(r["emoji"]) == emoji), None)
        if entry is None:
            entry = {"emoji": _emoji_payload(emoji), "count": 0, "me": False, "burst_colors": []}
            entry["count_details"] = {"normal": 0, "burst": 0}
            reactions.append(entry)
        if not entry["me"]:
            entry["me"] = True
            entry["count"] += 1
            entry["count_details"]["normal"] += 1
        return 204, None

    async def remove_reaction(
        self, rec: RecordedRequest, cid: str, mid: str, emoji: str, uid: str | None = None
    ) -> Reply:
        reactions = self._reactions(cid, mid)
        for entry in reactions:
            if _emoji_key(entry["emoji"]) == emoji and entry["count"] > 0:
                entry["count"] -= 1
                entry["me"] = entry["me"] and uid is not None
        reactions[:] = [r for r in reactions if r["count"] > 0]
        return 204, None

    async def clear_reactions(
        self, rec: RecordedRequest, cid: str, mid: str, emoji: str | None = None
    ) -> Reply:
        reactions = self._reactions(cid, mid)
        reactions[:] = [
            r for r in reactions if emoji is not None and _emoji_key(r["emoji"]) != emoji
        ]
        return 204, None


def _emoji_payload(key: str) -> JSON:
    """``name:id`` for custom emoji, the unicode character otherwise."""
    name, _, eid = key.partition(":")
    return {"id": eid or None, "name": name}


def _emoji_key(emoji: JSON) -> str:
    return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else str(emoji["name"])
