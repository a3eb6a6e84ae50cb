"""Copy every table of one database into another (SQLite → PostgreSQL, or back).

For operators moving a server's data. The target is migrated to the newest schema first;
the source must already be there (it is only read). Rows are upserted by primary key, so
running the copy again leaves the same data (and picks up rows changed since); the whole
copy is one transaction on the target. Afterwards every table's row count is compared,
and PostgreSQL's identity sequences are moved past the copied ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.storage import schema
from bot.storage.db import Database, DatabaseError

log = logging.getLogger(__name__)

BATCH = 1000
# Bookkeeping, not data: each database keeps its own.
SKIPPED = {"alembic_version", schema.LEGACY_TABLE, "health_probe", "sqlite_sequence"}


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


async def copy_database(source: Database, target: Database) -> list[TableCount]:
    """Copy source's rows into target (migrated first); the row counts of every table."""
    state = await schema.status(source)
    if not state.up_to_date:
        raise DatabaseError(f"database {source.where} is at schema version "
                            f"{state.current or 'none'}, not {state.head}: run `tutorbot db "
                            "migrate` on it first")
    await schema.upgrade(target)
    async with source.transaction() as tx:
        tables = await tx.connection.run_sync(_reflect)
        rows = {t.name: await _read(tx.connection, t) for t in tables}
    async with target.transaction() as tx:
        target_tables = await tx.connection.run_sync(_reflect, [t.name for t in tables])
        for table in target_tables:
            await tx.connection.run_sync(_upsert, table, rows[table.name])
            if target.backend == "postgresql":
                await tx.connection.run_sync(_bump_identity, table)
    async with target.transaction() as tx:
        counts = {t.name: await _count(tx.connection, t) for t in target_tables}
    return [TableCount(t.name, len(rows[t.name]), counts[t.name]) for t in tables]


def _reflect(connection: Connection, only: list[str] | None = None) -> list[Table]:
    """The application's tables, parents before children (foreign keys)."""
    metadata = MetaData()
    metadata.reflect(connection, only=only)
    return [t for t in metadata.sorted_tables if t.name not in SKIPPED]


async def _read(connection, table: Table) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = await connection.execute(select(table).order_by(*order))
    return [dict(row._mapping) for row in result]


async def _count(connection, table: Table) -> int:
    return (await connection.execute(select(func.count()).select_from(table))).scalar_one()


def _upsert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    keys = [c.name for c in table.primary_key.columns]
    for start in range(0, len(rows), BATCH):
        statement = dialect.insert(table).values(rows[start:start + BATCH])
        others = {c.name: statement.excluded[c.name] for c in table.columns
                  if c.name not in keys}
        if others:
            statement = statement.on_conflict_do_update(index_elements=keys, set_=others)
        else:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        connection.execute(statement)


def _bump_identity(connection: Connection, table: Table) -> None:
    """Ids were copied as they were: the next id PostgreSQL assigns must come after them."""
    if "id" not in table.columns:
        return
    sequence = connection.execute(
        text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
    if sequence:
        connection.execute(text(
            f'SELECT setval(:s, COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'),
            {"s": sequence})
