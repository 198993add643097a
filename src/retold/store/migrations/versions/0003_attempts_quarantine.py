"""attempt counters on stories and articles, for quarantine

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Committed before the work, cleared after it: a count that survives a crash.
    for table in ("stories", "articles"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("attempts", sa.Integer(), nullable=False, server_default="0")
            )
            batch_op.add_column(
                sa.Column("last_error", sa.Text(), nullable=False, server_default="")
            )


def downgrade() -> None:
    for table in ("stories", "articles"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("last_error")
            batch_op.drop_column("attempts")
