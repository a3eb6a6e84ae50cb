"""`tutorbot db migrate | status | copy`: the database, for operators.

    migrate  bring the configured database (database_url) to the newest schema
    status   its schema revision, what is pending, and the rows in each table
    copy     every table from --from into --to (migrated first), verified by row counts

URLs are printed with the password hidden. Errors are one line, exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from pathlib import Path

from bot.config import Settings
from bot.storage import schema, urls
from bot.storage.db import Database, DatabaseError

log = logging.getLogger(__name__)


def register(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="migrate, inspect or copy the database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    migrate = db_commands.add_parser("migrate", help="upgrade the database to this release")
    migrate.set_defaults(handler=cmd_migrate)
    status = db_commands.add_parser("status", help="schema revision and rows per table")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)
    copy = db_commands.add_parser("copy", help="copy every table into another database")
    copy.add_argument("--from", dest="source", required=True, metavar="URL",
                      help="e.g. sqlite:///data/tutorbot.sqlite3")
    copy.add_argument("--to", dest="target", required=True, metavar="URL",
                      help="e.g. postgresql://user:password@host/tutorbot")
    copy.set_defaults(handler=cmd_copy)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_migrate(settings.database_target))


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_status(settings.database_target, args.json))


def cmd_copy(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_copy(args.source, args.target))


async def _migrate(target: str | Path) -> int:
    db = await Database.open(target, migrate=False)
    try:
        done = await schema.upgrade(db)
        state = await schema.status(db)
    finally:
        await db.close()
    if done:
        print(f"database {db.where}: migrated to revision {state.current} "
              f"(applied {', '.join(done)})")
    else:
        print(f"database {db.where}: already at revision {state.current}, the newest")
    return 0


async def _status(target: str | Path, as_json: bool) -> int:
    _must_exist(target, "database_url")
    db = await Database.open(target, migrate=False)
    try:
        state = await schema.status(db)
    finally:
        await db.close()
    if as_json:
        print(json.dumps({"database": db.where, "backend": db.backend,
                          "revision": state.current, "newest": state.head,
                          "legacy_version": state.legacy_version, "tables": state.tables},
                         indent=2))
        return 0
    print(f"database:  {db.where} ({db.backend})")
    print(f"revision:  {_revision_line(state)}")
    for table, rows in state.tables.items():
        print(f"  {table:<22}{rows:>10}")
    return 0


def _revision_line(state: schema.Status) -> str:
    if state.up_to_date:
        return f"{state.current} (the newest)"
    if state.current is None and state.legacy_version is not None:
        return (f"none yet; schema version {state.legacy_version} from an older release "
                f"(upgraded to {state.head} in place by `tutorbot db migrate` or at start)")
    return (f"{state.current or 'none'}; this release's newest is {state.head}: run "
            "`tutorbot db migrate`")


async def _copy(source_url: str, target_url: str) -> int:
    from bot.storage.copy import copy_database

    for flag, url in (("--from", source_url), ("--to", target_url)):
        try:
            urls.parse(url)
        except urls.BadDatabaseURL as exc:
            raise DatabaseError(f"db copy {flag}: {exc}") from None
    if urls.parse(source_url) == urls.parse(target_url):
        raise DatabaseError("db copy: --from and --to are the same database")
    _must_exist(source_url, "--from")
    source = await Database.open(source_url, migrate=False)
    try:
        target = await Database.open(target_url, migrate=False)
        try:
            counts = await copy_database(source, target)
        finally:
            await target.close()
    finally:
        await source.close()
    print(f"{'table':<22}{'source':>10}{'target':>10}")
    for count in counts:
        mark = "" if count.ok else "  MISMATCH"
        print(f"{count.table:<22}{count.source:>10}{count.target:>10}{mark}")
    total = sum(c.source for c in counts)
    wrong = [c.table for c in counts if not c.ok]
    if wrong:
        print(f"copied {total} rows from {source.where} to {target.where}, but the target "
              f"has other rows too in: {', '.join(wrong)} (it was not empty)")
        return 1
    print(f"copied {total} rows from {source.where} to {target.where}; every table's row "
          "count matches")
    return 0


def _must_exist(target: str | Path, name: str) -> None:
    """A SQLite file that is not there is a typo, not a new database to create."""
    try:
        path = target if isinstance(target, Path) else urls.sqlite_path(urls.parse(target))
    except urls.BadDatabaseURL as exc:
        raise DatabaseError(f"{name}: {exc}") from None
    if path is not None and str(path) != ":memory:" and not Path(path).exists():
        raise DatabaseError(f"database {path} does not exist ({name})")
