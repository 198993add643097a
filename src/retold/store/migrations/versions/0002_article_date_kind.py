"""article date kind; impossible dates forgotten

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("date_kind", sa.String(length=16), nullable=False, server_default="published")
        )
    # Dates stored before Retold checked them ("0001-01-01", next year) are placeholders:
    # forget them on documents, and date such articles by when Retold first wrote them.
    latest = datetime.now(UTC) + timedelta(days=1)
    when = sa.DateTime(timezone=True)
    documents = sa.table("documents", sa.column("published", when))
    op.execute(
        documents.update()
        .where(sa.or_(documents.c.published < EARLIEST, documents.c.published > latest))
        .values(published=None)
    )
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("published_at", when),
        sa.column("date_kind", sa.String),
    )
    versions = sa.table(
        "article_versions", sa.column("article_id", sa.Integer), sa.column("created_at", when)
    )
    first_written = (
        sa.select(sa.func.min(versions.c.created_at))
        .where(versions.c.article_id == articles.c.id)
        .scalar_subquery()
    )
    op.execute(
        articles.update()
        .where(sa.or_(articles.c.published_at < EARLIEST, articles.c.published_at > latest))
        .values(published_at=first_written, date_kind="first_seen")
    )


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("date_kind")
