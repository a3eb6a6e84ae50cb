"""Database URLs as operators write them, and as SQLAlchemy's async drivers need them.

Operators write `sqlite:///data/tutorbot.sqlite3` or `postgresql://user:pw@host/db`; the
engine needs the async driver spelled out (`sqlite+aiosqlite`, `postgresql+asyncpg`).
Every URL shown to a person goes through `redact` first: a password must never reach a
log line or an error message.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SQLITE_SCHEMES = ("sqlite", "sqlite+aiosqlite")
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg")


class BadDatabaseURL(ValueError):
    """Not a database URL this release can use; the message holds no password."""


def parse(url: str) -> URL:
    """The URL with its async driver, or BadDatabaseURL (one line, password hidden)."""
    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError) as exc:
        # The text may hold a password in a form make_url could not split off: say only
        # what the URL starts with.
        raise BadDatabaseURL(f"{_scheme_of(url)!r}… is not a database URL (expected "
                             "sqlite:///path or postgresql://user@host/db)") from exc
    if parsed.drivername in SQLITE_SCHEMES:
        return parsed.set(drivername="sqlite+aiosqlite")
    if parsed.drivername in POSTGRES_SCHEMES:
        if not parsed.database:
            raise BadDatabaseURL(f"{redact(parsed)} names no database (…/dbname)")
        return parsed.set(drivername="postgresql+asyncpg")
    raise BadDatabaseURL(f"{parsed.drivername!r} databases are not supported: use sqlite:/// "
                         "or postgresql://")


def backend(url: URL) -> str:
    return "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL (Path(':memory:') for an in-memory one); None otherwise."""
    if backend(url) != "sqlite":
        return None
    return Path(url.database or ":memory:")


def redact(url: URL | str) -> str:
    """The URL for people: the password replaced by ***, the plain scheme shown."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return _scheme_of(url) + "://…"
    shown = url.set(drivername=url.get_backend_name())
    return shown.render_as_string(hide_password=True)


def _scheme_of(text: str) -> str:
    return text.strip().split(":", 1)[0][:20]
