"""the source sentences a model cites for each sentence it wrote

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cites", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.drop_column("cites")
