"""Study-plan subscriptions, their scheduled sends and task progress.

Revision 0003: bot/storage/migrations/0003_plans.sql, the SQL older releases ran.
"""

from bot.storage.schema import run_script

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("0003_plans.sql")


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
