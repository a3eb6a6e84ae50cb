"""The gateway half of the fake: one websocket session speaking Discord's JSON protocol."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from .models import JSON, GatewayFrame
from .snowflake import shard_of
from .state import FakeGuild, FakeState

log = logging.getLogger(__name__)

# Opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
RESUME = 6
RECONNECT = 7
REQUEST_MEMBERS = 8
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11

MESSAGE_CONTENT_INTENT = 1 << 15


class ShardSession:
    """One shard's gateway session: its sequence numbers, its RESUME buffer, its socket."""

    def __init__(self, shard_id: int, shard_count: int) -> None:
        self.shard_id = shard_id
        self.shard_count = shard_count
        self.ws: web.WebSocketResponse | None = None  # the current connection
        # The connection that receives dispatches: only after IDENTIFY/RESUME, so events that
        # happen between connect and RESUME are buffered and replayed in order, as on Discord.
        self._live: web.WebSocketResponse | None = None
        self.session_id: str | None = None
        self.seq = 0
        self.identify: JSON | None = None
        self.sent: list[JSON] = []  # every dispatch of this session (replayed on RESUME)
        self.lock = asyncio.Lock()

    @property
    def connected(self) -> bool:
        """True when a socket has IDENTIFYed or RESUMEd and is receiving dispatches."""
        return self._live is not None and not self._live.closed

    def has_message_content(self) -> bool:
        return bool(int((self.identify or {}).get("intents") or 0) & MESSAGE_CONTENT_INTENT)

    def start(self, ws: web.WebSocketResponse, identify: JSON) -> None:
        """A new session after IDENTIFY (call with the lock held)."""
        self.identify = identify
        self.session_id = uuid.uuid4().hex
        self.seq = 0
        self.sent = []
        self.ws = self._live = ws

    async def resume(self, ws: web.WebSocketResponse, last_seq: int) -> None:
        # Replay what the client missed while disconnected, then confirm, like Discord does.
        # Holding the lock keeps concurrent dispatches from overtaking the replay.
        async with self.lock:
            self.ws = ws
            for frame in [f for f in self.sent if f["s"] > last_seq]:
                await send_frame(ws, frame)
            await send_frame(ws, self.next_frame("RESUMED", {"_trace": ["fakediscord"]}))
            self._live = ws

    def detach(self, ws: web.WebSocketResponse) -> None:
        if self.ws is ws:
            self.ws = None
        if self._live is ws:
            self._live = None

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send a DISPATCH; buffered for RESUME replay when the socket is down."""
        # The lock keeps sequence numbers in wire order when many tasks dispatch at once.
        async with self.lock:
            await self.dispatch_locked(event, data)

    async def dispatch_locked(self, event: str, data: JSON) -> None:
        frame = self.next_frame(event, data)
        if self._live is not None:
            await send_frame(self._live, frame)

    def next_frame(self, event: str, data: JSON) -> JSON:
        """Number a DISPATCH and remember it for RESUME replay (call with the lock held)."""
        self.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(frame)
        return frame

    async def close(self, code: int) -> None:
        ws = self.ws
        if ws is None:
            return
        self.ws = self._live = None
        # The client answers the close frame itself; don't wait long if it is busy.
        try:
            await asyncio.wait_for(ws.close(code=code, message=b"fakediscord close"), 2.0)
        except TimeoutError:
            log.debug("gateway close handshake timed out")


class GatewaySession:
    """Server side of the gateway: one ``ShardSession`` per shard that IDENTIFYed.

    An IDENTIFY without ``shard`` is shard 0 of 1, which owns every guild. With
    ``shard: [i, n]`` a session receives only the guilds Discord routes to it,
    ``(guild_id >> 22) % n == i``, and DMs arrive on shard 0, as on Discord.
    """

    def __init__(
        self, state: FakeState, notify: Callable[[], None], heartbeat_interval_ms: int = 41_250
    ) -> None:
        self.state = state
        self._notify = notify
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.url = ""  # ws://127.0.0.1:PORT/gateway, set once the port is known
        self.recommended_shards = 1  # what GET /gateway/bot answers
        self.shard_count = 1
        self.shards: dict[int, ShardSession] = {}
        self.identify: JSON | None = None  # the latest IDENTIFY of any shard
        self.frames: list[GatewayFrame] = []  # every frame any client sent
        self.connections = 0

    # -- public state ------------------------------------------------------------------------

    @property
    def ops(self) -> list[int]:
        return [f.op for f in self.frames]

    @property
    def connected(self) -> bool:
        """True when every shard that IDENTIFYed is receiving dispatches."""
        return bool(self.shards) and all(s.connected for s in self.shards.values())

    @property
    def session_id(self) -> str | None:
        """Shard 0's session (the only one without sharding)."""
        first = self.shards.get(0) or next(iter(self.shards.values()), None)
        return None if first is None else first.session_id

    @property
    def sent(self) -> list[JSON]:
        """Every dispatch of the current sessions, shard by shard."""
        return [f for _, s in sorted(self.shards.items()) for f in s.sent]

    @property
    def ws(self) -> web.WebSocketResponse | None:
        return next((s.ws for s in self.shards.values() if s.ws is not None), None)

    @property
    def intents(self) -> int:
        return int((self.identify or {}).get("intents") or 0)

    def has_message_content(self) -> bool:
        return bool(self.intents & MESSAGE_CONTENT_INTENT)

    def shard_for(self, guild_id: int | None) -> int:
        """The shard that receives a guild's events; DMs (no guild) go to shard 0."""
        return 0 if guild_id is None else shard_of(guild_id, self.shard_count)

    def guilds_of(self, shard: ShardSession) -> list[FakeGuild]:
        return [g for g in self.state.guilds.values() if self.shard_for(g.id) == shard.shard_id]

    # -- websocket handler -------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        # max_msg_size=0: IDENTIFY and big dispatches must never be cut off.
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        self.connections += 1
        log.debug("gateway connection #%d from %s", self.connections, request.query_string)
        await send_frame(ws, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        bound: list[ShardSession] = []  # the shard this socket IDENTIFYed or RESUMEd as
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(ws, json.loads(msg.data), bound)
                elif msg.type is WSMsgType.ERROR:
                    log.debug("gateway socket error: %s", ws.exception())
                    break
        finally:
            for shard in bound:
                shard.detach(ws)
            self._notify()
        return ws

    async def _on_frame(
        self, ws: web.WebSocketResponse, frame: JSON, bound: list[ShardSession]
    ) -> None:
        op = int(frame.get("op", -1))
        data = frame.get("d")
        self.frames.append(GatewayFrame(op, data))
        if op == HEARTBEAT:
            await send_frame(ws, {"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            bound[:] = [await self._on_identify(ws, data)]
        elif op == RESUME:
            bound[:] = await self._on_resume(ws, data)
        elif op == REQUEST_MEMBERS and bound:
            await self._on_request_members(bound[0], data)
        self._notify()

    async def _on_identify(self, ws: web.WebSocketResponse, data: JSON) -> ShardSession:
        shard_id, shard_count = (int(v) for v in data.get("shard") or (0, 1))
        if shard_count != self.shard_count:
            # A new shard count re-partitions every guild: the old sessions are void.
            self.shard_count, self.shards = shard_count, {}
        shard = self.shards.setdefault(shard_id, ShardSession(shard_id, shard_count))
        self.identify = data
        async with shard.lock:
            shard.start(ws, data)
            guilds = self.guilds_of(shard)
            await shard.dispatch_locked("READY", self._ready_payload(shard, guilds))
            # Guilds arrive unavailable in READY and are then filled in by GUILD_CREATE.
            for guild in guilds:
                payload = self.state.guild_payload(full=True, guild=guild)
                await shard.dispatch_locked("GUILD_CREATE", payload)
        return shard

    def _ready_payload(self, shard: ShardSession, guilds: list[FakeGuild]) -> JSON:
        data: JSON = {
            "v": 10,
            "user": {**self.state.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": shard.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "application": {"id": str(self.state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["fakediscord"],
        }
        if (shard.identify or {}).get("shard"):
            data["shard"] = shard.identify["shard"]  # type: ignore[index]
        return data

    async def _on_resume(self, ws: web.WebSocketResponse, data: JSON) -> list[ShardSession]:
        wanted = data.get("session_id")
        shard = next((s for s in self.shards.values() if s.session_id == wanted), None)
        if shard is None:
            # Discord answers a stale session with INVALID_SESSION(false): IDENTIFY again.
            await send_frame(ws, {"op": INVALID_SESSION, "d": False})
            return []
        await shard.resume(ws, int(data.get("seq") or 0))
        return [shard]

    async def _on_request_members(self, shard: ShardSession, data: JSON) -> None:
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        members = [
            u.member_payload()
            for u in self.state.members()
            if (not wanted or u.id in wanted) and u.username.lower().startswith(query)
        ]
        chunk: JSON = {
            "guild_id": str(data.get("guild_id") or self.state.guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await shard.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # -- sending -----------------------------------------------------------------------------

    def _owner(self, data: JSON) -> ShardSession | None:
        gid = data.get("guild_id")
        return self.shards.get(self.shard_for(None if gid is None else int(gid)))

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send a DISPATCH on the shard that owns ``data['guild_id']`` (shard 0 without one)."""
        shard = self._owner(data)
        if shard is None or shard.session_id is None:
            log.debug("dropping %s: no gateway session for its shard", event)
            return
        await shard.dispatch(event, data)

    async def dispatch_message(self, event: str, payload: JSON) -> None:
        """MESSAGE_CREATE/UPDATE with MESSAGE_CONTENT-intent redaction applied."""
        shard = self._owner(payload)
        content = shard.has_message_content() if shard else False
        await self.dispatch(event, redact_for_intents(payload, self.state.bot_user.id, content))

    def _connected_shards(self, shard: int | None) -> list[ShardSession]:
        """Shards with a socket: all of them, or just ``shard``."""
        return [s for s in self.shards.values() if s.ws is not None and shard in (None, s.shard_id)]

    async def send_op(self, op: int, data: Any = None, *, shard: int | None = None) -> None:
        target = self._connected_shards(shard)
        if not target:
            raise RuntimeError("no gateway connection")
        for session in target:
            await send_frame(session.ws, {"op": op, "d": data})  # type: ignore[arg-type]

    async def close(self, code: int, *, shard: int | None = None) -> None:
        """Close the socket of one shard, or of every shard."""
        target = self._connected_shards(shard)
        if not target:
            raise RuntimeError("no gateway connection to close")
        for session in target:
            await session.close(code)


async def send_frame(ws: web.WebSocketResponse, frame: JSON) -> None:
    if ws.closed:
        return
    try:
        await ws.send_str(json.dumps(frame))
    except ConnectionError:
        log.debug("gateway send failed; the client is reconnecting")


def redact_for_intents(payload: JSON, bot_id: int, has_message_content: bool) -> JSON:
    """Blank message content the way Discord does for bots without the MESSAGE_CONTENT intent.

    Discord still delivers content in DMs, for messages that mention the bot and for the bot's
    own messages, so a mention handler works without the privileged intent but prefix
    commands silently see an empty string.
    """
    if has_message_content or "guild_id" not in payload:
        return payload
    if int(payload["author"]["id"]) == bot_id:
        return payload
    if any(int(m["id"]) == bot_id for m in payload.get("mentions", [])):
        return payload
    return {**payload, "content": "", "embeds": [], "attachments": [], "components": []}
