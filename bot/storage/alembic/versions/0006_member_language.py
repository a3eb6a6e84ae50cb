"""Members' languages, and one feedback vote per member and answer.

Revision 0006: bot/storage/migrations/0006_member_language.sql, the SQL older releases ran.
"""

from bot.storage.schema import run_script

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("0006_member_language.sql")


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
