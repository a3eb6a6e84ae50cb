"""plan_sends.attempt_at: the start of the latest attempt that may have reached Discord.

Revision 0007: bot/storage/migrations/0007_send_attempts.sql, the SQL older releases ran.
"""

from bot.storage.schema import run_script

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("0007_send_attempts.sql")


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
