"""Answers, bot threads and their turns, command-sync fingerprints, meta.

Revision 0004: bot/storage/migrations/0004_answers.sql, the SQL older releases ran.
"""

from bot.storage.schema import run_script

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("0004_answers.sql")


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
