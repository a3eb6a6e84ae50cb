"""Alembic's environment, for bot.storage.schema only: the caller passes the connection
(config.attributes["connection"]); operators never need an alembic.ini."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
