"""GET /healthz and GET /metrics for operators and the container's HEALTHCHECK.

The gateway is reported on its own: a container with no network is "degraded" (HTTP 200:
it can serve as soon as Discord is reachable), not failing, for short outages. Past
`gateway_failing_after` seconds without a gateway it is "failing" (503), so an orchestrator
restarts it. A second bot process on the same database is "degraded" too: its reminders
are "standby" (the first process sends them). It is "starting" (503) until the index is
loaded, and "failing" (503) if the database cannot be written.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot import metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShardState:
    """One owned shard's gateway, as /healthz and /metrics report it."""

    state: str  # 'connected', 'disconnected' or 'starting' (not launched yet)
    latency: float | None  # heartbeat round trip in seconds, None until measured

    @property
    def connected(self) -> bool:
        return self.state == "connected"

    def report(self) -> dict:
        latency = None if self.latency is None else round(self.latency * 1000, 1)
        return {"gateway": self.state, "latency_ms": latency}


@dataclass
class HealthState:
    index_loaded: bool = False
    dense_ready: Callable[[], bool] = lambda: False
    database_writable: Callable[[], Awaitable[bool]] | None = None
    gateway_connected: Callable[[], bool] = lambda: False
    # 'dispatching', 'standby' (another process on the database sends them) or 'stopped'
    reminders: Callable[[], str] = lambda: "stopped"
    gateway_down_for: Callable[[], float] = lambda: 0.0
    gateway_failing_after: float = 600.0
    # The shards this process runs and their gateways; the total once Discord or the
    # settings gave it.
    shards: Callable[[], dict[int, ShardState]] = dict
    shard_count: Callable[[], int | None] = lambda: None
    shutting_down: bool = False
    details: dict[str, str] = field(default_factory=dict)

    async def report(self) -> tuple[int, dict]:
        database = bool(self.database_writable and await self.database_writable())
        gateway = self.gateway_connected()
        reminders = self.reminders()
        down_for = 0.0 if gateway else self.gateway_down_for()
        if self.shutting_down:
            status = "stopping"
        elif not self.index_loaded:
            status = "starting"
        elif not database or down_for >= self.gateway_failing_after:
            status = "failing"
        else:
            # Serving, but not everything: no gateway for now, or another process on the
            # same database sends the reminders.
            status = "ok" if gateway and reminders != "standby" else "degraded"
        body = {
            "status": status,
            "index": "loaded" if self.index_loaded else "loading",
            "dense": "ready" if self.dense_ready() else "loading",
            "database": "writable" if database else "unavailable",
            "gateway": "connected" if gateway else "disconnected",
            "reminders": reminders,
            "shard_count": self.shard_count(),
            "shards": {str(k): v.report() for k, v in sorted(self.shards().items())},
            **self.details,
        }
        if not gateway:
            body["gateway_down_seconds"] = round(down_for)
        return (200 if status in ("ok", "degraded") else 503), body


class HealthServer:
    def __init__(self, state: HealthState, host: str, port: int) -> None:
        self.state = state
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("health and metrics on http://%s:%d", self.host, self.port)

    async def _healthz(self, request: web.Request) -> web.Response:
        status, body = await self.state.report()
        return web.json_response(body, status=status)

    async def _metrics(self, request: web.Request) -> web.Response:
        metrics.observe_shards({k: (v.connected, v.latency)
                                for k, v in self.state.shards().items()})
        return web.Response(body=metrics.render(),
                            headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
