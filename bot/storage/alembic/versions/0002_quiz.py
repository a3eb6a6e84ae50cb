"""Quizzes, exercises and spaced repetition.

Revision 0002: bot/storage/migrations/0002_quiz.sql, the SQL older releases ran.
"""

from bot.storage.schema import run_script

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("0002_quiz.sql")


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
