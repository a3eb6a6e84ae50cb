"""Feedback and per-guild settings.

Revision 0001: bot/storage/migrations/0001_core.sql, the SQL older releases ran.
"""

from bot.storage.schema import run_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("0001_core.sql")


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
