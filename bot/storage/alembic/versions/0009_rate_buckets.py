"""rate_buckets: per-member question limits kept in the database.

With several processes on one PostgreSQL database, a member's messages may reach one
process (their guild's shard) and their DMs another; the token bucket must be one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated", sa.Float(), nullable=False),  # Unix seconds
    )


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead: migrations only go forward")
