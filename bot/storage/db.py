"""One storage layer, two backends: SQLite (the embedded default) and PostgreSQL.

SQLAlchemy 2 async Core runs the SQL (aiosqlite or asyncpg underneath); the backend is
chosen by the URL (settings.database_url). The API is the one the stores have always
used: execute / executemany / fetchone / fetchall with `?` placeholders (translated once,
in bot.storage.sql), plus `insert` (the new row's id, via RETURNING) and `transaction`
(several statements atomically, for claims that lock rows).

Every statement runs in its own transaction and commits before the call returns, so
each step a caller takes is durable on its own: nothing acknowledged is lost on kill -9.
On SQLite one connection is shared and statements are serialised (as before: one
writer, WAL so readers never block it, foreign keys on, a busy timeout for other
processes); on PostgreSQL each statement takes a pooled connection.

The schema is migrated at open by Alembic (bot.storage.schema); a database written by an
older release, which kept its own schema_migrations table, is upgraded in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import TextClause, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.storage import urls
from bot.storage.sql import named

log = logging.getLogger(__name__)

__all__ = ["Database", "DatabaseError", "IntegrityError", "Result", "Row", "sql_now"]

Params = Sequence[Any] | dict[str, Any]


class DatabaseError(RuntimeError):
    """The database cannot be used (corrupt, unreadable, unreachable, or from a newer
    release); the message is one line naming the file or the URL (password hidden)."""


def sql_now(moment: datetime | None = None) -> str:
    """A timestamp in the text form SQLite's CURRENT_TIMESTAMP writes ('2026-01-05
    09:30:00', UTC), computed here so both backends store the same thing."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


class Row(tuple):
    """A result row readable by position and by column name (as sqlite3.Row was)."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@dataclass(frozen=True)
class Result:
    rowcount: int


@lru_cache(maxsize=1024)
def _clause(query: str) -> TextClause:
    # One construct per statement text: SQLAlchemy's compiled cache is keyed on it.
    return text(query)


class Statements:
    """execute / fetch on one connection; the Database and a transaction both use it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def execute(self, sql: str, params: Params = ()) -> Result:
        query, binds = named(sql, params)
        result = await self.connection.execute(_clause(query), binds)
        return Result(result.rowcount)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        query, binds = named(sql, params)
        result = await self.connection.execute(_clause(query), binds)
        index = {name: i for i, name in enumerate(result.keys())}
        return [Row(tuple(r), index) for r in result.fetchall()]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def insert(self, sql: str, params: Params = ()) -> int:
        row = await self.fetchone(sql + " RETURNING id", params)
        assert row is not None
        return int(row[0])


class Database:
    def __init__(self, engine: AsyncEngine, url: URL) -> None:
        self.engine = engine
        self.url = url
        self.backend = urls.backend(url)
        # The SQLite file (None on PostgreSQL): the dispatcher's lock file sits beside it.
        self.path = urls.sqlite_path(url)
        self.where = str(self.path) if self.path is not None else urls.redact(url)
        # One SQLite connection, one statement at a time; PostgreSQL pools connections.
        self._serial = asyncio.Lock() if self.backend == "sqlite" else None
        self._sqlite_connections: list[aiosqlite.Connection] = []
        self._closed = False

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @classmethod
    async def open(cls, target: Path | str, *, migrate: bool = True) -> Database:
        """Open (a Path is a SQLite file; a str is a URL) and migrate; DatabaseError (one
        line naming the file or URL) if it cannot be used. On any failure the engine is
        disposed: an aiosqlite thread would keep the process alive."""
        try:
            # A Path is built into a URL, not pasted into one: '?' or '#' in a file name
            # would otherwise be read as URL syntax.
            url = (URL.create("sqlite+aiosqlite", database=str(target))
                   if isinstance(target, Path) else urls.parse(target))
        except urls.BadDatabaseURL as exc:
            raise DatabaseError(f"database URL {exc}") from exc
        database = cls(create_engine(url), url)
        database._watch_connections()
        try:
            if database.path is not None and str(database.path) != ":memory:":
                database.path.parent.mkdir(parents=True, exist_ok=True)
            if migrate:
                from bot.storage import schema  # imports alembic, needed only here

                await schema.upgrade(database)
            else:
                await database.fetchone("SELECT 1")
        except BaseException as exc:
            await database.close()
            if isinstance(exc, DatabaseError):
                raise
            if isinstance(exc, OSError | SQLAlchemyError):
                raise database.unusable(exc) from exc
            raise
        return database

    def unusable(self, exc: BaseException) -> DatabaseError:
        reason = self.scrub(str(getattr(exc, "orig", None) or exc)).splitlines()[0]
        if self.is_sqlite:
            if isinstance(exc, OSError) or "unable to open" in reason:
                return DatabaseError(f"database {self.where}: cannot be opened: {reason}")
            return DatabaseError(f"database {self.where}: not a usable SQLite database "
                                 f"({reason})")
        return DatabaseError(f"database {self.where}: cannot be used: {reason}")

    def scrub(self, message: str) -> str:
        """The message with the URL's password blanked out, wherever a driver put it."""
        password = self.url.password
        return message.replace(str(password), "***") if password else message

    def _watch_connections(self) -> None:
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", self._on_sqlite_connect)

    def _on_sqlite_connect(self, dbapi_connection, _record) -> None:
        # The driver's own transaction handling (BEGIN before a write, none for a read)
        # costs no extra round trip to aiosqlite's thread; migrations BEGIN explicitly
        # (schema.upgrade), since the driver would run DDL outside a transaction.
        # Recorded first: on a corrupt file the first PRAGMA fails, and close() must still
        # wait for this connection's aiosqlite thread (a test once saw it outlive close()).
        self._sqlite_connections.append(dbapi_connection._connection)
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    # --- statements ----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Statements]:
        """Several statements committed together (or none of them, on an exception)."""
        async with self._serial or contextlib.nullcontext():
            self._check_open()
            async with self.engine.begin() as connection:
                yield Statements(connection)

    def _check_open(self) -> None:
        # The engine would quietly open a new connection (a new file, for :memory:).
        if self._closed:
            raise DatabaseError(f"database {self.where} is closed")

    async def execute(self, sql: str, params: Params = ()) -> Result:
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id (RETURNING works on both backends)."""
        async with self.transaction() as tx:
            return await tx.insert(sql, params)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        query = named(sql, rows[0])[0]
        binds = [named(sql, row)[1] for row in rows]
        async with self.transaction() as tx:
            await tx.connection.execute(_clause(query), binds)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.transaction() as tx:
            return await tx.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.transaction() as tx:
            return await tx.fetchall(sql, params)

    async def is_writable(self) -> bool:
        try:
            await self.execute("CREATE TABLE IF NOT EXISTS health_probe (x INTEGER)")
            await self.execute("DELETE FROM health_probe")
            return True
        except Exception as exc:  # any failure means "not writable" to the health check
            log.warning("database not writable: %s", self.scrub(str(exc)).splitlines()[0])
            return False

    async def close(self) -> None:
        """Dispose of the engine, and wait for aiosqlite's worker threads to end: close()
        only queues their stop, so a process (or a test counting threads) could
        otherwise see one still alive. A statement in flight finishes first (on SQLite it
        holds the connection; disposing under it would fail it)."""
        async with self._serial or contextlib.nullcontext():
            if self._closed:
                return
            self._closed = True
            await self.engine.dispose()
        for connection in self._sqlite_connections:
            with contextlib.suppress(Exception):
                await connection.close()
            worker = getattr(connection, "_thread", None)  # aiosqlite keeps no public handle
            if worker is not None:
                await asyncio.to_thread(worker.join, 5)
        self._sqlite_connections.clear()


def create_engine(url: URL) -> AsyncEngine:
    """hide_parameters: a statement's values (a member's question, say) stay out of the
    error messages, and so out of the logs, as with the drivers' own errors before."""
    if urls.backend(url) == "sqlite":
        # One connection for the process, as before: SQLite has one writer anyway, and an
        # in-memory database exists only on its connection.
        # No reset (a rollback) when the connection goes back to the pool: every use is
        # an engine.begin() block that has already committed or rolled back, and each
        # call is a round trip to aiosqlite's thread.
        return create_async_engine(url, poolclass=StaticPool, hide_parameters=True,
                                   pool_reset_on_return=None)
    return create_async_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True,
                               hide_parameters=True)

