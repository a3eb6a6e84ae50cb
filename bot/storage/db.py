"""SQLite through aiosqlite, with numbered migrations applied in order at open.

Migrations live in bot/storage/migrations/NNNN_name.sql; each runs once, inside a
transaction, and is recorded in schema_migrations. WAL mode keeps readers from blocking
the writer, and every write commits before the caller moves on, so a crash loses nothing
that was acknowledged.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(RuntimeError):
    """The database file cannot be used (corrupt, unreadable, or from a newer release);
    the message is one line naming the file."""


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open and migrate; DatabaseError (one line naming the file) if it cannot be used.
        On any failure the connection is closed: its thread would keep the process alive."""
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            connection = await aiosqlite.connect(str(path))
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseError(f"database {path}: cannot be opened: {exc}") from exc
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA busy_timeout=5000")
            database = cls(connection, path)
            await database.migrate()
        except BaseException as exc:
            await close_connection(connection)
            if isinstance(exc, sqlite3.Error):
                raise DatabaseError(f"database {path}: not a usable SQLite database "
                                    f"({exc})") from exc
            raise
        return database

    async def migrate(self) -> list[int]:
        await self.connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL "
            "DEFAULT CURRENT_TIMESTAMP)"
        )
        applied = {row[0] async for row in
                   await self.connection.execute("SELECT version FROM schema_migrations")}
        migrations = available_migrations()
        known = max(version for version, _, _ in migrations)
        if applied and max(applied) > known:
            # Old code on a newer schema could corrupt what the newer release wrote.
            raise DatabaseError(
                f"database {self.path} has schema version {max(applied)}, from a newer "
                f"tutorbot; this release knows up to version {known}: run the newer "
                "release, or restore a backup made by this one")
        done = []
        for version, name, sql in migrations:
            if version not in applied:
                await self._apply(version, name, sql)
                done.append(version)
        await self.connection.commit()
        if done:
            log.info("database migrated to version %d", done[-1])
        return done

    async def _apply(self, version: int, name: str, sql: str) -> None:
        # executescript commits first; wrap the script so a failure leaves nothing half done.
        script = f"BEGIN;\n{sql}\nINSERT INTO schema_migrations (version, name) " \
                 f"VALUES ({version}, '{name}');\nCOMMIT;"
        try:
            await self.connection.executescript(script)
        except Exception:
            await self.connection.rollback()
            raise

    async def execute(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Cursor:
        cursor = await self.connection.execute(sql, params)
        await self.connection.commit()
        return cursor

    async def executemany(self, sql: str, rows: list[tuple]) -> None:
        await self.connection.executemany(sql, rows)
        await self.connection.commit()

    async def fetchone(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        async with self.connection.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        async with self.connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def is_writable(self) -> bool:
        try:
            await self.execute("CREATE TABLE IF NOT EXISTS health_probe (x INTEGER)")
            await self.execute("DELETE FROM health_probe")
            return True
        except Exception as exc:  # any failure means "not writable" to the health check
            log.warning("database not writable: %s", exc)
            return False

    async def close(self) -> None:
        await close_connection(self.connection)


async def close_connection(connection: aiosqlite.Connection) -> None:
    """Close, and wait for aiosqlite's worker thread to end: close() only queues its stop,
    so a process (or a test counting threads) could otherwise see it still alive."""
    await connection.close()
    worker = getattr(connection, "_thread", None)  # aiosqlite keeps no public handle
    if worker is not None:
        await asyncio.to_thread(worker.join, 5)


def available_migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("bot.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name[:-4], entry.read_text("utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found
