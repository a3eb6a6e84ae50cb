"""Schema migrations: Alembic revisions 0001-0007 (bot/storage/alembic), run at open.

Releases before Alembic kept their own table, schema_migrations (one row per numbered
SQL file applied). Such a database is recognised, stamped at the matching revision and
upgraded from there, in the same transaction; its schema_migrations table is left as it
was. A database from a newer release (a version or revision this one does not know) is
refused before anything is written to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command, op
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.storage.db import Database, DatabaseError
from bot.storage.sql import postgres_ddl, statements

log = logging.getLogger(__name__)

SCRIPTS = Path(__file__).parent / "alembic"
LEGACY_TABLE = "schema_migrations"
LAST_LEGACY = 7  # the newest schema version a release before Alembic could write


@dataclass(frozen=True)
class Status:
    current: str | None  # the revision the database is at (None: empty)
    head: str  # the newest revision this release knows
    legacy_version: int | None  # schema_migrations' newest version, from an older release
    tables: dict[str, int]  # row counts of the application's tables

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of the packaged SQL scripts, in order."""
    folder = resources.files("bot.storage") / "migrations"
    found = sorted((int(e.name[:4]), e.name[:-4], e.read_text("utf-8"))
                   for e in folder.iterdir() if e.name.endswith(".sql"))
    return found


def run_script(name: str) -> None:
    """Run one packaged SQL script inside an Alembic revision. SQLite gets it exactly as
    the older releases ran it; PostgreSQL gets the same text with its types adapted."""
    bind = op.get_bind()
    script = (resources.files("bot.storage") / "migrations" / name).read_text("utf-8")
    for statement in statements(script):
        if bind.dialect.name == "postgresql":
            statement = postgres_ddl(statement)
        # Driver-level: no bind-parameter parsing of the DDL's colons.
        bind.exec_driver_sql(statement)


async def upgrade(db: Database) -> list[str]:
    """Bring the database to the newest revision; the revisions applied."""
    async with db.transaction() as tx:
        done = await tx.connection.run_sync(_upgrade, db.where)
    if done:
        log.info("database %s migrated to revision %s", db.where, done[-1])
    return done


async def status(db: Database) -> Status:
    async with db.transaction() as tx:
        return await tx.connection.run_sync(_status)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _legacy_version(connection: Connection) -> int | None:
    if not inspect(connection).has_table(LEGACY_TABLE):
        return None
    return connection.execute(text(f"SELECT MAX(version) FROM {LEGACY_TABLE}")).scalar()


def _upgrade(connection: Connection, where: str) -> list[str]:
    if connection.dialect.name == "sqlite":
        # One transaction for the whole upgrade, DDL included (the driver would otherwise
        # run each CREATE outside any transaction): a failure leaves nothing half done.
        connection.exec_driver_sql("BEGIN")
    config = alembic_config(connection)
    scripts = ScriptDirectory.from_config(config)
    newest = scripts.get_current_head()
    current = _current(connection)
    legacy = _legacy_version(connection) if current is None else None
    if legacy is not None:
        if legacy > LAST_LEGACY:
            raise _newer(where, str(legacy), newest)
        log.warning("database %s was written by an older release (schema version %d); "
                    "upgrading it in place", where, legacy)
        command.stamp(config, f"{legacy:04d}")
        current = f"{legacy:04d}"
    elif current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        raise _newer(where, current, newest)
    todo = [s.revision for s in scripts.iterate_revisions(newest, current)]
    if todo:
        command.upgrade(config, "head")
    return list(reversed(todo))


def _newer(where: str, found: str, known: str) -> DatabaseError:
    # Old code on a newer schema could corrupt what the newer release wrote.
    return DatabaseError(
        f"database {where} has schema version {int(found) if found.isdigit() else found}, "
        f"from a newer tutorbot; this release knows up to version {int(known)}: run the "
        "newer release, or restore a backup made by this one")


def _status(connection: Connection) -> Status:
    inspector = inspect(connection)
    tables = sorted(t for t in inspector.get_table_names()
                    if t not in ("alembic_version", LEGACY_TABLE, "health_probe"))
    counts = {t: connection.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar() or 0
              for t in tables}
    return Status(current=_current(connection), head=head(),
                  legacy_version=_legacy_version(connection), tables=counts)
