"""The tables. Changing anything here needs an Alembic migration in migrations/versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    # Named constraints so SQLite batch migrations can alter them later.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String, unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # feed | page | file
    name: Mapped[str] = mapped_column(String, default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    ignore_robots: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str] = mapped_column(String, default="")
    last_modified: Mapped[str] = mapped_column(String, default="")
    last_attempt: Mapped[datetime | None] = mapped_column(default=None)
    last_success: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt: Mapped[datetime | None] = mapped_column(default=None)  # backoff
    # When the feed or its server says it is worth reading again (ttl, sy:updatePeriod,
    # Cache-Control): `retold watch` and `run --scheduled` wait for it, a plain run doesn't.
    next_refresh: Mapped[datetime | None] = mapped_column(default=None)


class Document(Base):
    """One URL. Its text may change over time: each change is a DocumentVersion."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String, unique=True)  # canonical
    fetch_url: Mapped[str] = mapped_column(String)  # as linked
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    # pending → ready (extracted) | failed
    feed_title: Mapped[str] = mapped_column(String, default="")
    feed_summary: Mapped[str] = mapped_column(Text, default="")
    feed_content: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String, default="")
    author: Mapped[str] = mapped_column(String, default="")
    published: Mapped[datetime | None] = mapped_column(default=None)
    language: Mapped[str] = mapped_column(String(16), default="")
    site_name: Mapped[str] = mapped_column(String, default="")
    image: Mapped[str] = mapped_column(String, default="")
    excerpt_only: Mapped[bool] = mapped_column(Boolean, default=False)
    excerpt_reason: Mapped[str] = mapped_column(String, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    etag: Mapped[str] = mapped_column(String, default="")
    last_modified: Mapped[str] = mapped_column(String, default="")
    fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    refetch: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str] = mapped_column(Text, default="")
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.version"
    )


class DocumentVersion(Base):
    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed bytes as served
    content_type: Mapped[str] = mapped_column(String, default="")
    text: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[Document] = relationship(back_populates="versions")


class DocumentSignature(Base):
    """A document's clustering signature, as of one version of its text.

    Recomputing every recent document's signature on every run made clustering grow
    with the newsroom. A row is used only while its ``version`` is the document's and
    its ``construction`` is the code's (see stories.cluster.SIGNATURE_CONSTRUCTION), so a
    changed text or a changed construction simply recomputes it.
    """

    __tablename__ = "document_signatures"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    construction: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    # new | written | skipped | pending (writer unavailable) | quarantined (failed or
    # crashed MAX_ATTEMPTS times: never tried again, so it can't block the newsroom)
    needs_write: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # Writes begun and not finished: committed before the work, so a crash still counts.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    signature: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), unique=True)
    slug: Mapped[str] = mapped_column(String, unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # draft (not yet checked) | published | held | quarantined (its check failed or
    # crashed MAX_ATTEMPTS times)
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    # What published_at is: "published" (the sources' date) or "first_seen" (the sources
    # gave no plausible date; it is when Retold first saw them, and the site says so).
    date_kind: Mapped[str] = mapped_column(
        String(16), default="published", server_default="published"
    )
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    related: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Checks begun and not finished (see Story.attempts).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")

    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.version"
    )


class ArticleVersion(Base):
    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    headline: Mapped[str] = mapped_column(String)
    standfirst: Mapped[str] = mapped_column(String)
    paragraphs: Mapped[list[str]] = mapped_column(JSON)
    teaser: Mapped[str] = mapped_column(String)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{document_id, version, url, title, site_name}]
    backend: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String, default="")
    prompt_version: Mapped[str] = mapped_column(String, default="")
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    imagined: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    cites: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)  # see Draft.cites
    checked: Mapped[bool] = mapped_column(Boolean, default=False)
    repair_rounds: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(Text, default="")

    article: Mapped[Article] = relationship(back_populates="versions")
    checks: Mapped[list[SentenceCheckRow]] = relationship(order_by="SentenceCheckRow.idx")


class SentenceCheckRow(Base):
    __tablename__ = "sentence_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_version_id: Mapped[int] = mapped_column(ForeignKey("article_versions.id"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    paragraph: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String, default="")


class WriteCache(Base):
    """Model output keyed by (source text hash, prompt version, model, settings)."""

    __tablename__ = "write_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="running")
    # running | ok | partial (some sources failed) | failed | interrupted
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)


class Lease(Base):
    """A claim on one piece of work (``write:story:12``, ``publish``) by one worker.

    A lease is taken with one atomic statement and held until released or expired, so two
    workers never process the same item at once, and a worker that dies loses its claim
    when the lease runs out.
    """

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String, primary_key=True)
    holder: Mapped[str] = mapped_column(String)
    acquired_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    claims: Mapped[int] = mapped_column(Integer, default=1)
