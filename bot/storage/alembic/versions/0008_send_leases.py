"""plan_sends.lease_owner / lease_until: who is sending a claimed reminder, and until when.

Several processes may share one PostgreSQL database and each sends due reminders. A
process claims a row (state 'sending') with a lease; if it dies mid-send the lease
expires and another process finishes the send, after the channel-history check. On
SQLite one process dispatches (the lock file) and the lease is recorded all the same.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plan_sends", sa.Column("lease_owner", sa.Text(), nullable=True))
    op.add_column("plan_sends", sa.Column("lease_until", sa.Text(), nullable=True))
    op.create_index("plan_sends_leases", "plan_sends", ["state", "lease_until"])


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
