"""Weekly check-ins and the monthly cadence of study plans.

Revision 0005: bot/storage/migrations/0005_plan_checkins_cadence.sql, the SQL older releases ran.
"""

from bot.storage.schema import run_script

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("0005_plan_checkins_cadence.sql")


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
