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
from .state import FakeState

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


class GatewaySession:
    """Server side of the gateway. Only one bot connection is live at a time."""

    def __init__(
        self, state: FakeState, notify: Callable[[], None], heartbeat_interval_ms: int = 41_250
    ) -> None:
        self.state = state
        self._notify = notify
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.url = ""  # ws://127.0.0.1:PORT/gateway, set once the port is known
        self.ws: web.WebSocketResponse | None = None  # the current connection
        # The connection that receives dispatches: only after IDENTIFY/RESUME, so events that
        # happen between connect and RESUME are buffered and replayed in order, as on Discord.
        self._live: web.WebSocketResponse | None = None
        self.session_id: str | None = None
        self.seq = 0
        self.identify: JSON | None = None
        self.frames: list[GatewayFrame] = []  # every frame the client sent
        self.sent: list[JSON] = []  # every dispatch of this session (replayed on RESUME)
        self.connections = 0
        self._send_lock = asyncio.Lock()

    # -- public state ------------------------------------------------------------------------

    @property
    def ops(self) -> list[int]:
        return [f.op for f in self.frames]

    @property
    def connected(self) -> bool:
        """True when a socket has IDENTIFYed or RESUMEd and is receiving dispatches."""
        return self._live is not None and not self._live.closed

    @property
    def intents(self) -> int:
        return int((self.identify or {}).get("intents") or 0)

    def has_message_content(self) -> bool:
        return bool(self.intents & MESSAGE_CONTENT_INTENT)

    # -- websocket handler -------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        # max_msg_size=0: IDENTIFY and big dispatches must never be cut off.
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        self.ws = ws
        self.connections += 1
        log.debug("gateway connection #%d from %s", self.connections, request.query_string)
        await self._send(ws, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            await self._read_loop(ws)
        finally:
            if self.ws is ws:
                self.ws = None
            if self._live is ws:
                self._live = None
            self._notify()
        return ws

    async def _read_loop(self, ws: web.WebSocketResponse) -> None:
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                await self._on_frame(ws, json.loads(msg.data))
            elif msg.type is WSMsgType.ERROR:
                log.debug("gateway socket error: %s", ws.exception())
                return

    async def _on_frame(self, ws: web.WebSocketResponse, frame: JSON) -> None:
        op = int(frame.get("op", -1))
        data = frame.get("d")
        self.frames.append(GatewayFrame(op, data))
        handlers: dict[int, Callable[[web.WebSocketResponse, Any], Any]] = {
            HEARTBEAT: self._on_heartbeat,
            IDENTIFY: self._on_identify,
            RESUME: self._on_resume,
            REQUEST_MEMBERS: self._on_request_members,
        }
        handler = handlers.get(op)
        if handler is not None:
            await handler(ws, data)
        self._notify()

    async def _on_heartbeat(self, ws: web.WebSocketResponse, _data: Any) -> None:
        await self._send(ws, {"op": HEARTBEAT_ACK, "d": None})

    async def _on_identify(self, ws: web.WebSocketResponse, data: JSON) -> None:
        async with self._send_lock:
            self.identify = data
            self.session_id = uuid.uuid4().hex
            self.seq = 0
            self.sent = []
            self._live = ws
        await self.dispatch("READY", self._ready_payload(data))
        # The guild arrives unavailable in READY and is then filled in by GUILD_CREATE.
        await self.dispatch("GUILD_CREATE", self.state.guild_payload(full=True))

    def _ready_payload(self, identify: JSON) -> JSON:
        data: JSON = {
            "v": 10,
            "user": {**self.state.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(self.state.guild.id), "unavailable": True}],
            "session_id": self.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "application": {"id": str(self.state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["fakediscord"],
        }
        if identify.get("shard"):
            data["shard"] = identify["shard"]
        return data

    async def _on_resume(self, ws: web.WebSocketResponse, data: JSON) -> None:
        if data.get("session_id") != self.session_id:
            # Discord answers a stale session with INVALID_SESSION(false): IDENTIFY again.
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return
        last_seq = int(data.get("seq") or 0)
        # Replay what the client missed while disconnected, then confirm, like Discord does.
        # Holding the lock keeps concurrent dispatches from overtaking the replay.
        async with self._send_lock:
            for frame in [f for f in self.sent if f["s"] > last_seq]:
                await self._send(ws, frame)
            await self._send(ws, self._next_frame("RESUMED", {"_trace": ["fakediscord"]}))
            self._live = ws

    async def _on_request_members(self, ws: web.WebSocketResponse, data: JSON) -> None:
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        members = [
            u.member_payload()
            for u in self.state.members()
            if (not wanted or u.id in wanted) and u.username.lower().startswith(query)
        ]
        chunk: JSON = {
            "guild_id": str(self.state.guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # -- sending -----------------------------------------------------------------------------

    async def _send(self, ws: web.WebSocketResponse, frame: JSON) -> None:
        if ws.closed:
            return
        try:
            await ws.send_str(json.dumps(frame))
        except ConnectionError:
            log.debug("gateway send failed; the client is reconnecting")

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send a DISPATCH; buffered for RESUME replay when the socket is down."""
        if self.session_id is None:
            log.debug("dropping %s: no gateway session yet", event)
            return
        # The lock keeps sequence numbers in wire order when many tasks dispatch at once.
        async with self._send_lock:
            frame = self._next_frame(event, data)
            if self._live is not None:
                await self._send(self._live, frame)

    def _next_frame(self, event: str, data: JSON) -> JSON:
        """Number a DISPATCH and remember it for RESUME replay (call with the lock held)."""
        self.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(frame)
        return frame

    async def dispatch_message(self, event: str, payload: JSON) -> None:
        """MESSAGE_CREATE/UPDATE with MESSAGE_CONTENT-intent redaction applied."""
        bot_id = self.state.bot_user.id
        await self.dispatch(event, redact_for_intents(payload, bot_id, self.has_message_content()))

    async def send_op(self, op: int, data: Any = None) -> None:
        if self.ws is None:
            raise RuntimeError("no gateway connection")
        await self._send(self.ws, {"op": op, "d": data})

    async def close(self, code: int) -> None:
        ws = self.ws
        if ws is None:
            raise RuntimeError("no gateway connection to close")
        self.ws = self._live = None
        # The client answers the close frame itself; don't wait long if it is busy.
        try:
            await asyncio.wait_for(ws.close(code=code, message=b"fakediscord close"), 2.0)
        except TimeoutError:
            log.debug("gateway close handshake timed out")


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
