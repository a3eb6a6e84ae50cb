"""One storage layer, two backends: SQLite (the embedded default) and PostgreSQL.

SQLAlchemy 2 Core runs the SQL; the backend is chosen by the URL (settings.database_url).
The API is the one the stores have always used: execute / executemany / fetchone /
fetchall with `?` placeholders (translated once, in bot.storage.sql), plus `insert` (the
new row's id, via RETURNING) and `transaction` (several statements atomically, for
claims that lock rows).

Every statement runs in its own transaction and commits before the call returns, so
each step a caller takes is durable on its own: nothing acknowledged is lost on kill -9.

- PostgreSQL: the async engine over asyncpg; each statement takes a pooled connection.
- SQLite: one connection, owned by one worker thread, as aiosqlite does it, but each
  statement with its transaction is one hand-off to that thread. SQLAlchemy's aiosqlite
  adapter makes four or five (cursor, execute, fetch, close, commit), which made a pass of
  1,000 reminders 5-10 times slower than the aiosqlite layer before (measured: 11-24 s
  against 2.4 s), so the sync pysqlite engine runs on the thread instead. Statements are
  serialised (one writer); WAL keeps readers from blocking it; foreign keys on; a busy
  timeout for other processes.

The schema is migrated at open by Alembic (bot.storage.schema); a database written by an
older release, which kept its own schema_migrations table, is upgraded in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import TextClause, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.storage import urls
from bot.storage.sql import named

log = logging.getLogger(__name__)

__all__ = ["Database", "DatabaseError", "IntegrityError", "Result", "Row", "sql_now"]

Params = Sequence[Any] | dict[str, Any]
# Work on a sync Connection: fn(connection, *args). Both backends run the same functions.
Runner = Callable[..., Awaitable[Any]]


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


def _execute(connection: Connection, query: str, binds: Any) -> Result:
    return Result(connection.execute(_clause(query), binds).rowcount)


def _fetchall(connection: Connection, query: str, binds: dict[str, Any]) -> list[Row]:
    result = connection.execute(_clause(query), binds)
    index = {name: i for i, name in enumerate(result.keys())}
    return [Row(tuple(r), index) for r in result.fetchall()]


class Statements:
    """execute / fetch inside one transaction (Database.transaction)."""

    def __init__(self, run: Runner) -> None:
        self._run = run

    async def run_sync(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(connection, *args) with the transaction's sync Connection (Alembic, copy)."""
        return await self._run(fn, *args)

    async def execute(self, sql: str, params: Params = ()) -> Result:
        return await self._run(_execute, *named(sql, params))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._run(_fetchall, *named(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def insert(self, sql: str, params: Params = ()) -> int:
        row = await self.fetchone(sql + " RETURNING id", params)
        assert row is not None
        return int(row[0])


class Database:
    def __init__(self, url: URL) -> None:
        self.url = url
        self.backend = urls.backend(url)
        # The SQLite file (None on PostgreSQL): the dispatcher's lock file sits beside it.
        self.path = urls.sqlite_path(url)
        self.where = str(self.path) if self.path is not None else urls.redact(url)
        self.engine: Engine | AsyncEngine = create_engine(url)
        # SQLite: one connection, on one thread that runs one unit at a time; the lock is
        # held by a multi-statement transaction (and close) only.
        self._serial = asyncio.Lock() if self.is_sqlite else None
        self._thread = (ThreadPoolExecutor(1, thread_name_prefix="tutorbot-sqlite")
                        if self.is_sqlite else None)
        self._closed = False
        if self.is_sqlite:
            event.listen(self.engine, "connect", _on_sqlite_connect)

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @classmethod
    async def open(cls, target: Path | str, *, migrate: bool = True) -> Database:
        """Open (a Path is a SQLite file; a str is a URL) and migrate; DatabaseError (one
        line naming the file or URL) if it cannot be used. On any failure the database is
        closed again: its thread would keep the process alive."""
        try:
            # A Path is built into a URL, not pasted into one: '?' or '#' in a file name
            # would otherwise be read as URL syntax.
            url = (URL.create("sqlite", database=str(target))
                   if isinstance(target, Path) else urls.parse(target))
        except urls.BadDatabaseURL as exc:
            raise DatabaseError(f"database URL {exc}") from exc
        database = cls(url)
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

    # --- running work --------------------------------------------------------------------

    async def _on_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, functools.partial(fn, *args))

    def _unit_on_thread(self, fn: Callable[..., Any], args: tuple) -> asyncio.Future:
        self._check_open()
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self._thread, self._unit, fn, args)

    def _unit(self, fn: Callable[..., Any], args: tuple) -> Any:
        """On the SQLite thread: fn in a transaction of its own, committed."""
        with self.engine.begin() as connection:
            return fn(connection, *args)

    async def _one(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(connection, *args) in a transaction of its own, committed before returning."""
        if self.is_sqlite:
            if self._serial.locked():  # a multi-statement transaction is open: after it
                async with self._serial:
                    return await self._unit_on_thread(fn, args)
            # Submitted at once, no await in between: the thread runs units one after the
            # other, each a whole transaction, so they queue there, back to back, without
            # a lock round trip through the event loop for each.
            return await self._unit_on_thread(fn, args)
        self._check_open()
        async with self.engine.begin() as connection:
            return await connection.run_sync(fn, *args)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Statements]:
        """Several statements committed together (or none of them, on an exception)."""
        if not self.is_sqlite:
            self._check_open()
            async with self.engine.begin() as connection:
                yield Statements(functools.partial(_run_async, connection))
            return
        async with self._serial:
            self._check_open()
            connection = await self._on_thread(self.engine.connect)
            try:
                await self._on_thread(connection.begin)
                yield Statements(functools.partial(self._on_thread_with, connection))
                await self._on_thread(connection.commit)
            except BaseException:
                await self._on_thread(connection.rollback)
                raise
            finally:
                await self._on_thread(connection.close)

    async def _on_thread_with(self, connection: Connection, fn: Callable[..., Any],
                              *args: Any) -> Any:
        return await self._on_thread(fn, connection, *args)

    def _check_open(self) -> None:
        # The engine would quietly open a new connection (a new file, for :memory:).
        if self._closed:
            raise DatabaseError(f"database {self.where} is closed")

    # --- statements ----------------------------------------------------------------------

    async def execute(self, sql: str, params: Params = ()) -> Result:
        return await self._one(_execute, *named(sql, params))

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id (RETURNING works on both backends)."""
        row = await self.fetchone(sql + " RETURNING id", params)
        assert row is not None
        return int(row[0])

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        query = named(sql, rows[0])[0]
        await self._one(_execute, query, [named(sql, row)[1] for row in rows])

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._one(_fetchall, *named(sql, params))

    async def is_writable(self) -> bool:
        try:
            await self.execute("CREATE TABLE IF NOT EXISTS health_probe (x INTEGER)")
            await self.execute("DELETE FROM health_probe")
            return True
        except Exception as exc:  # any failure means "not writable" to the health check
            log.warning("database not writable: %s", self.scrub(str(exc)).splitlines()[0])
            return False

    async def close(self) -> None:
        """Dispose of the engine and end the SQLite thread (joined, so a process, or a
        test counting threads, never sees it linger). A statement in flight finishes
        first: it holds the connection, and disposing under it would fail it."""
        if not self.is_sqlite:
            if not self._closed:
                self._closed = True
                await self.engine.dispose()
            return
        async with self._serial:
            if self._closed:
                return
            self._closed = True
            await self._on_thread(self.engine.dispose)
        self._thread.shutdown(wait=True)


async def _run_async(connection, fn: Callable[..., Any], *args: Any) -> Any:
    return await connection.run_sync(fn, *args)


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # The driver's own transaction handling: BEGIN before a write, none for a read. Only
    # migrations BEGIN explicitly (schema.upgrade), since the driver would run DDL outside
    # a transaction.
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def create_engine(url: URL) -> Engine | AsyncEngine:
    """hide_parameters: a statement's values (a member's question, say) stay out of the
    error messages, and so out of the logs, as with the drivers' own errors before."""
    if urls.backend(url) == "sqlite":
        # One connection for the process (SQLite has one writer anyway, and an in-memory
        # database exists only on its connection), used only from the SQLite thread. No
        # reset (a rollback) when it goes back to the pool: every use has already
        # committed or rolled back.
        return create_sync_engine(url.set(drivername="sqlite"), poolclass=StaticPool,
                                  hide_parameters=True, pool_reset_on_return=None,
                                  connect_args={"check_same_thread": False})
    return create_async_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True,
                               hide_parameters=True)
