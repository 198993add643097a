"""the editorial desk: users, sessions, throttles, actions, reports, corrections, flags

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "desk_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_desk_users_name")),
    )
    op.create_table(
        "desk_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["desk_users.id"], name=op.f("fk_desk_sessions_user_id_desk_users")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_desk_sessions")),
    )
    op.create_index(op.f("ix_desk_sessions_user_id"), "desk_sessions", ["user_id"])
    op.create_table(
        "desk_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", WHEN, nullable=False),
        sa.Column("blocked_until", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_desk_throttle")),
    )
    op.create_table(
        "desk_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_desk_actions_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_actions")),
    )
    op.create_index(op.f("ix_desk_actions_at"), "desk_actions", ["at"])
    op.create_index(op.f("ix_desk_actions_article_id"), "desk_actions", ["article_id"])
    op.create_table(
        "desk_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_desk_reports_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_reports")),
    )
    op.create_index(op.f("ix_desk_reports_article_id"), "desk_reports", ["article_id"])
    op.create_index(op.f("ix_desk_reports_resolved"), "desk_reports", ["resolved"])
    op.create_table(
        "desk_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_desk_corrections_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_corrections")),
    )
    op.create_index(op.f("ix_desk_corrections_article_id"), "desk_corrections", ["article_id"])
    op.create_table(
        "desk_flags",
        sa.Column("article_version_id", sa.Integer(), nullable=False),
        sa.Column("unsupported", sa.Integer(), nullable=False),
        sa.Column("contradicted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_version_id"],
            ["article_versions.id"],
            name=op.f("fk_desk_flags_article_version_id_article_versions"),
        ),
        sa.PrimaryKeyConstraint("article_version_id", name=op.f("pk_desk_flags")),
    )
    op.create_table(
        "desk_marks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_desk_marks")),
    )


def downgrade() -> None:
    for table in (
        "desk_marks",
        "desk_flags",
        "desk_corrections",
        "desk_reports",
        "desk_actions",
        "desk_throttle",
        "desk_sessions",
        "desk_users",
    ):
        op.drop_table(table)
