"""the editorial desk (reserved; filled in by the desk work)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:50:00.000000
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
