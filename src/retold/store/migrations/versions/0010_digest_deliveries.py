"""daily digest: one row per delivered email, and a confirmation token for sign-ups

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 16:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Keyed by address, not subscriber id: a delivery stays true after an unsubscribe, and
    # no foreign key has to cascade on SQLite and PostgreSQL alike.
    op.create_table(
        "digest_deliveries",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", "email", name=op.f("pk_digest_deliveries")),
    )
    # A unique index (not a constraint) so SQLite needs no table rebuild; NULLs never clash.
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirm_token", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_subscribers_confirm_token"), ["confirm_token"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscribers_confirm_token"))
        batch_op.drop_column("confirm_token")
    op.drop_table("digest_deliveries")
