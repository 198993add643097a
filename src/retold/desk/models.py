"""The desk's own tables: people, their sessions, what they did, readers' reports, corrections.

They live on the pipeline's ``Base`` so one database (SQLite or PostgreSQL) and one chain of
migrations (0008_desk) hold the newsroom and its editorial record together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from retold.store.schema import Base, utcnow

ROLES = ("editor", "admin")


class DeskUser(Base):
    __tablename__ = "desk_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # editor | admin
    password_hash: Mapped[str] = mapped_column(String)  # argon2id, encoded with its parameters
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class DeskSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is stored: a leaked database
    hands out no sessions."""

    __tablename__ = "desk_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class DeskThrottle(Base):
    """Failures per key (a user name or a client address) for login and report back-off."""

    __tablename__ = "desk_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(default=None)


class DeskAction(Base):
    """One thing a person did (the audit log), with what it changed so it can be undone.

    ``before``/``after`` are snapshots of the article's state (status, review, version,
    label, checks); an undo restores ``before`` and is itself an action.
    """

    __tablename__ = "desk_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # what changed, for people
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undone_by: Mapped[int | None] = mapped_column(Integer, default=None)


class ReaderReport(Base):
    """A reader's "Report an error". Stored as plain text and only ever printed escaped."""

    __tablename__ = "desk_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    sentence: Mapped[int | None] = mapped_column(Integer, default=None)  # evidence number
    message: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(200), default="")
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


class Correction(Base):
    """A public correction note under an article, on /corrections/ and in its feed item."""

    __tablename__ = "desk_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(64))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)


class DeskFlag(Base):
    """Sentence verdict counts of an article version with a sentence the checker could not
    match: the queue reads these few rows instead of every article's checks.

    Kept up to date from ``sentence_checks`` by id (see desk.flags): checks are only ever
    inserted (a re-check deletes and inserts), so rows past the last id read are the news.
    """

    __tablename__ = "desk_flags"

    article_version_id: Mapped[int] = mapped_column(
        ForeignKey("article_versions.id"), primary_key=True
    )
    unsupported: Mapped[int] = mapped_column(Integer, default=0)
    contradicted: Mapped[int] = mapped_column(Integer, default=0)


class DeskMark(Base):
    """Named high-water marks (the last sentence check read into desk_flags)."""

    __tablename__ = "desk_marks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
