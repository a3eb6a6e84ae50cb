"""``FakeDiscord``: the public face of the fake (server lifecycle, user actions, queries)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from .gateway import INVALID_SESSION, RECONNECT, RESUME, GatewaySession
from .interactions import APPLICATION_COMMAND, AUTOCOMPLETE, COMPONENT, MODAL_SUBMIT, InteractionApi
from .models import (
    JSON,
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
from .rest import RestApi
from .state import FakeGuild, FakeState

log = logging.getLogger(__name__)

T = TypeVar("T")
ChannelRef = FakeChannel | int | str | None
DEFAULT_SIZE_LIMIT = 10 * 1024 * 1024


class FakeDiscord:
    """A local Discord (REST + gateway) that the real discord.py client can log in to.

    ``async with FakeDiscord() as fake:`` starts the server on a free port and (by default)
    points discord.py's ``Route.BASE`` / ``DiscordWebSocket.DEFAULT_GATEWAY`` at it.
    """

    def __init__(
        self,
        *,
        patch_discord: bool = True,
        echo_messages: bool = True,
        callback_deadline: float | None = 3.0,
        attachment_size_limit: int = DEFAULT_SIZE_LIMIT,
        expected_token: str | None = None,
        guild_locale: str = "en-US",
        heartbeat_interval_ms: int = 41_250,
        recommended_shards: int = 1,
    ) -> None:
        self.state = FakeState(guild_locale=guild_locale)
        self._changed = asyncio.Event()
        self.gateway = GatewaySession(self.state, self._notify, heartbeat_interval_ms)
        self.gateway.recommended_shards = recommended_shards  # GET /gateway/bot's "shards"
        self.rest = RestApi(
            self.state,
            self.gateway,
            self._notify,
            echo_messages=echo_messages,
            attachment_size_limit=attachment_size_limit,
            expected_token=expected_token,
        )
        self.interactions = InteractionApi(self.rest, callback_deadline=callback_deadline)
        self._patch = patch_discord
        self._runner: web.AppRunner | None = None
        self._patches = ExitStack()
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/cdn/attachments/{cid}/{aid}/{name}", self._serve_attachment)
        app.router.add_route("*", "/api/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)  # port 0: let the OS pick a free port
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        self.state.base_url = self.base_url
        self.gateway.url = self.gateway_url
        if self._patch:
            self._patches.enter_context(point_discord_at(self.api_base, self.gateway_url))
        log.info("fake Discord listening on %s", self.base_url)

    async def stop(self) -> None:
        self._patches.close()
        if self.gateway.ws is not None:
            await self.gateway.close(1001)  # every shard
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE`` / the DISCORD_API_BASE setting."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` / the DISCORD_GATEWAY_URL setting."""
        return f"{self.base_url.replace('http://', 'ws://')}/gateway"

    def patch_discord(self) -> AbstractContextManager[None]:
        """Context manager pointing discord.py at this fake (restored on exit)."""
        return point_discord_at(self.api_base, self.gateway_url)

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        att = self.state.attachments.get(int(request.match_info["aid"]))
        if att is None:
            return web.Response(status=404)
        return web.Response(body=att.file.data, content_type=att.file.content_type)

    # -- entities ----------------------------------------------------------------------------

    @property
    def guild(self) -> FakeGuild:
        return self.state.guild

    @property
    def bot_user(self) -> FakeUser:
        return self.state.bot_user

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def owner(self) -> FakeUser:
        """alice: guild owner with the Admin (administrator) role."""
        return self.state.owner

    @property
    def moderator(self) -> FakeUser:
        """morgan: has the Moderator role (MANAGE_GUILD)."""
        return self.state.moderator

    @property
    def student(self) -> FakeUser:
        """bob: a regular member without extra roles."""
        return self.state.student

    def user(self, name: str) -> FakeUser:
        return self.state.user_by_name(name)

    def role(self, name: str) -> FakeRole:
        return self.state.role_by_name(name)

    def channel(self, ref: ChannelRef = None) -> FakeChannel:
        """Channel by object, id or name; None means #general."""
        if isinstance(ref, FakeChannel):
            return ref
        if ref is None:
            return self.state.channel_by_name("general")
        if isinstance(ref, int):
            return self.state.channels[ref]
        return self.state.channel_by_name(ref)

    def add_user(
        self, name: str, *, roles: list[FakeRole] | None = None, locale: str = "en-US"
    ) -> FakeUser:
        """Add a member. Call before the bot connects (no GUILD_MEMBER_ADD is sent)."""
        return self.state.add_user(name, roles=roles, locale=locale)

    def add_channel(
        self, name: str, *, topic: str | None = None, guild: FakeGuild | None = None
    ) -> FakeChannel:
        """Add a text channel. Call before the bot connects (no CHANNEL_CREATE is sent)."""
        return self.state.add_channel(name, topic=topic, guild=guild)

    def add_guild(
        self, name: str, *, shard: tuple[int, int] | None = None, channels: tuple[str, ...] = ()
    ) -> FakeGuild:
        """Add a guild (every user a member) with text ``channels``; ``shard=(i, n)`` gives it
        an id that Discord routes to shard i of n. Call before the bot connects."""
        return self.state.add_guild(name, shard=shard, channels=channels)

    @property
    def guilds(self) -> list[FakeGuild]:
        return list(self.state.guilds.values())

    def shard_of(self, guild: FakeGuild | int | None) -> int:
        """The shard that receives this guild's events under the current shard count."""
        gid = guild.id if isinstance(guild, FakeGuild) else guild
        return self.gateway.shard_for(gid)

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        return self.state.dm_channel(user)

    def make_attachment(
        self, filename: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> FakeAttachment:
        """A user attachment (e.g. a slash option value); ``Attachment.read()`` fetches it here."""
        return self.state.make_attachment(filename, data, content_type)

    def set_bot_permissions(self, value: int | None) -> None:
        """Override ``app_permissions`` sent with interactions (None: computed from roles)."""
        self.rest.bot_permissions = value

    # -- waiting -----------------------------------------------------------------------------

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_until(
        self, condition: Callable[[], T], timeout: float = 5.0, what: str = ""
    ) -> T:
        """Re-check ``condition`` after every request/gateway frame until it is truthy."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = condition()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what or condition}")
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], timeout: float = 5.0
    ) -> RecordedRequest:
        """First recorded request (already seen ones included) matching ``predicate``."""

        def find() -> RecordedRequest | None:
            return next((r for r in self.rest.recorded if r.status and predicate(r)), None)

        return await self.wait_until(find, timeout, "a matching request")

    # -- queries -----------------------------------------------------------------------------

    def requests(
        self,
        method: str | None = None,
        path_contains: str | None = None,
        path_regex: str | None = None,
    ) -> list[RecordedRequest]:
        """Recorded REST requests (paths are relative to the API base), oldest first."""
        return [
            r
            for r in self.rest.recorded
            if (method is None or r.method == method.upper())
            and (path_contains is None or path_contains in r.path)
            and (path_regex is None or re.search(path_regex, r.path))
        ]

    @property
    def unknown_requests(self) -> list[RecordedRequest]:
        """Requests to routes the fake does not implement (answered 404)."""
        return [r for r in self.rest.recorded if r.unknown_route]

    @property
    def crashes(self) -> list[str]:
        """Handler exceptions inside the fake itself (should always be empty)."""
        return list(self.rest.crashes)

    def messages(
        self, channel: ChannelRef = None, *, include_deleted: bool = True
    ) -> list[FakeMessage]:
        """All messages (any author) in a channel, oldest first."""
        found = self.state.channel_messages(self.channel(channel).id)
        return [m for m in found if include_deleted or not m.deleted]

    def sent_messages(self, channel: ChannelRef | FakeUser = None) -> list[FakeMessage]:
        """Messages the bot posted (plain sends, interaction responses, followups), oldest first.

        ``channel`` may be a FakeUser to mean the DM channel with that user.
        """
        target = (
            self.dm_channel(channel) if isinstance(channel, FakeUser) else self.channel(channel)
        )
        bot_id = self.state.bot_user.id
        return [m for m in self.state.channel_messages(target.id) if m.author_id == bot_id]

    def all_sent_messages(self) -> list[FakeMessage]:
        bot_id = self.state.bot_user.id
        return sorted(
            (m for m in self.state.messages.values() if m.author_id == bot_id), key=lambda m: m.id
        )

    def message(self, message_id: int) -> FakeMessage:
        return self.state.messages[message_id]

    def interaction_responses(self, interaction: InteractionRecord | int) -> InteractionRecord:
        """The record of an interaction: ``.callback``, ``.followups``, ``.edits``, ``.events``."""
        iid = interaction.id if isinstance(interaction, InteractionRecord) else interaction
        return self.interactions.records[iid]

    def response_message_id(self, interaction: InteractionRecord | int) -> int | None:
        """Id of the message the callback created/updated: what later clicks must reference."""
        return self.interaction_responses(interaction).response_message_id

    def response_message(self, interaction: InteractionRecord | int) -> FakeMessage | None:
        mid = self.response_message_id(interaction)
        return None if mid is None else self.state.messages.get(mid)

    def followup_messages(self, interaction: InteractionRecord | int) -> list[FakeMessage]:
        record = self.interaction_responses(interaction)
        return [self.state.messages[mid] for mid in record.followup_ids]

    def interaction_records(self) -> list[InteractionRecord]:
        """Every interaction the fake sent, oldest first."""
        return list(self.interactions.records.values())

    def commands(self, guild: bool | int | None = None) -> dict[str, JSON]:
        """Synced application commands by name: global (default) or for the fake guild."""
        key = self.state.guild.id if guild is True else (guild or None)
        return dict(self.state.commands.get(key, {}))

    @property
    def gateway_ops(self) -> list[int]:
        """Opcodes the client sent over the gateway, in order (2 IDENTIFY, 6 RESUME...)."""
        return self.gateway.ops

    @property
    def gateway_frames(self) -> list[GatewayFrame]:
        return list(self.gateway.frames)

    @property
    def dispatched(self) -> list[JSON]:
        """DISPATCH frames sent in the current session (op 0, with t, s, d)."""
        return list(self.gateway.sent)

    @property
    def identify_payload(self) -> JSON | None:
        return self.gateway.identify

    # -- failure injection -------------------------------------------------------------------

    def fail_next(
        self,
        method: str | None,
        path_regex: str,
        status: int = 429,
        *,
        times: int = 1,
        retry_after: float = 0.1,
        code: int | None = None,
        message: str | None = None,
        is_global: bool = False,
    ) -> FailureRule:
        """Answer the next ``times`` matching requests with ``status`` instead of handling them.

        ``path_regex`` is searched in the API-relative path, e.g. r"/channels/\\d+/messages$".
        403s default to code 50007 on DM channels and 50013 elsewhere.
        """
        rule = FailureRule(method, path_regex, status, times, retry_after, code, message, is_global)
        self.rest.failures.append(rule)
        return rule

    def slow_replies(self, method: str | None, path_regex: str, seconds: float) -> None:
        """Handle matching requests at once (a message is created, recorded and visible in
        the history) but answer them ``seconds`` late: a client killed meanwhile has sent a
        message it never learnt about. ``seconds=0`` removes the rule."""
        rules = self.rest.slow_replies
        rules[:] = [r for r in rules if r[:2] != (method, path_regex)]
        if seconds > 0:
            rules.append((method, path_regex, seconds))

    def close_dms(self, user: FakeUser, closed: bool = True) -> None:
        """Make DMs to ``user`` fail with 403 / 50007 until reopened."""
        user.dm_open = not closed

    # -- gateway control ---------------------------------------------------------------------

    async def wait_for_gateway(self, timeout: float = 5.0) -> None:
        await self.wait_until(
            lambda: self.gateway.connected and self.gateway.session_id, timeout, "gateway"
        )

    async def close_gateway(
        self, code: int = 4000, *, wait_resume: bool = True, timeout: float = 5.0
    ) -> None:
        """Close the websocket with ``code``; by default wait until the client RESUMEd."""
        resumes = self.gateway_ops.count(RESUME)
        resumed = self._count_dispatches("RESUMED")
        await self.gateway.close(code)  # every shard's socket
        if wait_resume:
            await self.wait_until(
                lambda: (
                    self.gateway_ops.count(RESUME) > resumes
                    and self._count_dispatches("RESUMED") > resumed
                ),
                timeout,
                "a RESUME/RESUMED after close_gateway",
            )

    def _count_dispatches(self, event: str) -> int:
        return sum(1 for f in self.gateway.sent if f["t"] == event)

    async def wait_for_dispatch(self, event: str, timeout: float = 5.0) -> JSON:
        """Latest DISPATCH frame of type ``event`` in this session (already sent ones count)."""
        return await self.wait_until(
            lambda: next((f for f in reversed(self.gateway.sent) if f["t"] == event), None),
            timeout,
            f"dispatch {event}",
        )

    async def send_reconnect(self) -> None:
        """op 7 RECONNECT: the client should reconnect and RESUME."""
        await self.gateway.send_op(RECONNECT)

    async def invalidate_session(self, resumable: bool = False) -> None:
        """op 9 INVALID_SESSION. discord.py waits 5 s (before_identify_hook) before IDENTIFY."""
        await self.gateway.send_op(INVALID_SESSION, resumable)

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send any gateway DISPATCH event to the bot."""
        await self.gateway.dispatch(event, data)

    # -- acting as users ---------------------------------------------------------------------

    def _require_session(self) -> None:
        if self.gateway.session_id is None:
            raise RuntimeError("the bot has not IDENTIFYed yet; use running_bot() first")

    async def _send_interaction(
        self, record: InteractionRecord, wait: bool, timeout: float
    ) -> InteractionRecord:
        self._require_session()
        owner = self.gateway.shard_for(record.guild_id)
        if owner in self.gateway.shards:
            record.shard = owner
        await self.gateway.dispatch("INTERACTION_CREATE", record.payload)
        if wait:
            await self.wait_for_callback(record, timeout)
        return record

    async def wait_for_callback(
        self, record: InteractionRecord, timeout: float = 5.0
    ) -> InteractionRecord:
        try:
            await self.wait_until(lambda: record.callback is not None, timeout, "callback")
        except TimeoutError as exc:
            raise TimeoutError(self._no_callback_report(record, timeout)) from exc
        return record

    def _no_callback_report(self, record: InteractionRecord, timeout: float) -> str:
        unknown = [r.route for r in self.unknown_requests]
        return (
            f"no interaction callback for interaction {record.id} (type {record.type}, "
            f"data={record.payload.get('data')}) within {timeout}s; rejected={record.rejected}; "
            f"unknown routes={unknown}; fake crashes={self.crashes}"
        )

    async def slash(
        self,
        user: FakeUser,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel: ChannelRef = None,
        locale: str | None = None,
        wait: bool = True,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Invoke ``/name`` (``"quiz start"`` for subcommands) as ``user``; waits for the callback.

        Option types come from the synced command schema when the bot synced, otherwise they
        are inferred from the values (FakeUser, FakeChannel, FakeRole, FakeAttachment, bool,
        int, float, str).
        """
        target = self.channel(channel)
        data = self.interactions.command_data(name, options or {}, target.guild_id)
        record = self.interactions.new_interaction(
            APPLICATION_COMMAND, user, target, data, locale=locale
        )
        return await self._send_interaction(record, wait, timeout)

    async def autocomplete(
        self,
        user: FakeUser,
        name: str,
        options: dict[str, Any],
        focused: str,
        *,
        channel: ChannelRef = None,
        locale: str | None = None,
        wait: bool = True,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Autocomplete (type 4) for option ``focused``; suggestions land in ``record.choices``."""
        target = self.channel(channel)
        data = self.interactions.command_data(name, options, target.guild_id, focused)
        record = self.interactions.new_interaction(AUTOCOMPLETE, user, target, data, locale=locale)
        return await self._send_interaction(record, wait, timeout)

    async def click(
        self,
        user: FakeUser,
        message_id: int,
        custom_id: str,
        *,
        values: list[Any] | None = None,
        locale: str | None = None,
        wait: bool = True,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Press a button (or pick ``values`` in a select menu) on a stored message."""
        message = self.state.messages[message_id]
        channel = self.state.channels[message.channel_id]
        data = self.interactions.component_data(message, custom_id, values, channel.guild_id)
        record = self.interactions.new_interaction(
            COMPONENT, user, channel, data, locale=locale, message=message
        )
        return await self._send_interaction(record, wait, timeout)

    async def submit_modal(
        self,
        user: FakeUser,
        custom_id: str,
        values: dict[str, Any],
        *,
        locale: str | None = None,
        wait: bool = True,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Submit the modal ``custom_id`` that the bot opened with a type-9 callback."""
        source = self.interactions.find_modal(custom_id)
        assert source.modal is not None
        data = self.interactions.modal_data(source.modal, values)
        channel = self.state.channels[source.channel_id]
        message = None
        if "message" in source.payload:
            message = self.state.messages.get(int(source.payload["message"]["id"]))
        record = self.interactions.new_interaction(
            MODAL_SUBMIT, user, channel, data, locale=locale, message=message
        )
        return await self._send_interaction(record, wait, timeout)

    async def post_message(
        self,
        user: FakeUser,
        channel: ChannelRef | FakeUser,
        content: str,
        *,
        mentions: list[FakeUser] | None = None,
        files: list[UploadedFile] | None = None,
        reply_to: FakeMessage | None = None,
    ) -> FakeMessage:
        """``user`` types a message: stored, then MESSAGE_CREATE is dispatched.

        Each user in ``mentions`` whose ``<@id>`` is not in ``content`` is prepended to it,
        as Discord's client does when you @-mention someone. A FakeUser channel means the DM
        between that user and the bot.
        """
        self._require_session()
        target = (
            self.dm_channel(channel) if isinstance(channel, FakeUser) else self.channel(channel)
        )
        for mentioned in reversed(mentions or []):
            if mentioned.mention not in content and f"<@!{mentioned.id}>" not in content:
                content = f"{mentioned.mention} {content}"
        body: JSON = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
            }
        message = self.state.new_message(target, user, body, list(files or []))
        await self.gateway.dispatch_message("MESSAGE_CREATE", message.payload)
        return message

    async def wait_for_sent_message(
        self,
        channel: ChannelRef | FakeUser = None,
        *,
        contains: str = "",
        count: int = 1,
        timeout: float = 5.0,
    ) -> FakeMessage:
        """Wait until the bot has posted ``count`` messages containing ``contains`` in a channel."""

        def found() -> FakeMessage | None:
            try:
                sent = self.sent_messages(channel)
            except KeyError:  # e.g. a thread the bot has not created yet
                return None
            hits = [m for m in sent if contains in m.text()]
            return hits[count - 1] if len(hits) >= count else None

        return await self.wait_until(found, timeout, f"bot message containing {contains!r}")
