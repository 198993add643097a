"""Documents (one per canonical URL) and their versions."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, defer

from retold.records import Extracted, FeedItem, SourceDoc
from retold.store.schema import (
    Document,
    DocumentSignature,
    DocumentVersion,
    Story,
    aware,
    utcnow,
)
from retold.text.clip import clip_text

# News on the web is younger than this; an earlier date is a placeholder ("0001-01-01")
# or a misread field, never a publication date.
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
# Publishers ahead of UTC (up to +14 h) stamp pages with tomorrow's date; beyond a day
# ahead, a date is an error or an embargo we can't honour.
FUTURE_SLACK = timedelta(days=1)


def plausible_date(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """``moment`` (as UTC) when it can be a publication date, else None (unknown)."""
    if moment is None:
        return None
    moment = aware(moment)
    if moment < EARLIEST_DATE or moment > (now or utcnow()) + FUTURE_SLACK:
        return None
    return moment


def upsert_stub(
    session: Session,
    *,
    url: str,
    fetch_url: str,
    source_id: int | None,
    item: FeedItem | None,
    revisit: timedelta,
) -> tuple[Document, bool]:
    """Record that a document exists; returns (document, created).

    A document we already have is queued for a conditional re-fetch while it is
    recent, because publishers update and correct stories in their first days.
    """
    doc = session.scalar(select(Document).where(Document.url == url))
    if doc is None:
        doc = Document(url=url, fetch_url=fetch_url, source_id=source_id)
        if item is not None:
            doc.feed_title, doc.feed_summary = item.title, item.summary
            doc.feed_content, doc.published = item.content_html, plausible_date(item.published)
            doc.author, doc.image = item.author, item.image
        session.add(doc)
        session.flush()
        return doc, True
    if doc.status == "ready" and utcnow() - aware(doc.first_seen) <= revisit:
        doc.refetch = True
    return doc, False


# Pages fetched per run at most: a run's memory and time stay bounded however long the
# feeds are; what is left waits, in order, for the next run.
FETCH_PER_RUN = 500


def needs_fetch(doc: Document) -> bool:
    """The one-document form of ``to_fetch``'s condition."""
    return doc.status == "pending" or bool(doc.refetch)


def to_fetch(session: Session, limit: int = FETCH_PER_RUN) -> list[Document]:
    query = (
        select(Document)
        .where(or_(Document.status == "pending", Document.refetch.is_(True)))
        .order_by(Document.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def record_fetch_failure(doc: Document, error: str) -> None:
    doc.refetch = False
    doc.error = error
    if doc.status == "pending":
        doc.status = "failed"  # a later `retold run --retry` picks it up again


def store_extraction(
    session: Session,
    doc: Document,
    *,
    raw: bytes,
    content_type: str,
    extracted: Extracted,
    content_hash: str,
    etag: str = "",
    last_modified: str = "",
) -> bool:
    """Save a fetched page; returns True when its text is new (first version or changed)."""
    doc.refetch = False
    doc.error = ""
    doc.fetched_at = utcnow()
    doc.etag, doc.last_modified = etag, last_modified
    if doc.status == "ready" and content_hash == doc.content_hash:
        return False
    doc.version += 1
    session.add(
        DocumentVersion(
            document_id=doc.id,
            version=doc.version,
            content_hash=content_hash,
            raw=zlib.compress(raw, 6),
            content_type=content_type,
            text=extracted.text,
        )
    )
    doc.status = "ready"
    doc.content_hash = content_hash
    doc.text = extracted.text
    doc.title = extracted.title or doc.feed_title
    doc.author = extracted.author or doc.author
    # The page's own date, else the feed's (stored at the stub), else unknown: the article
    # then says when Retold first saw the page instead.
    doc.published = plausible_date(extracted.date) or plausible_date(doc.published)
    doc.language = extracted.language
    doc.site_name = extracted.site_name
    doc.image = extracted.image or doc.image
    doc.excerpt_only = extracted.excerpt_only
    doc.excerpt_reason = extracted.excerpt_reason
    if doc.story_id is not None:  # a changed source means the article must be rewritten
        story = session.get(Story, doc.story_id)
        if story is not None:
            story.needs_write = True
            story.updated_at = utcnow()
    return True


def raw_bytes(version: DocumentVersion) -> bytes:
    return zlib.decompress(version.raw)


def unclustered(session: Session) -> list[Document]:
    query = (
        select(Document)
        .where(Document.status == "ready", Document.story_id.is_(None))
        .order_by(Document.published.is_(None), Document.published, Document.id)
    )
    return list(session.scalars(query))


def recent_in_stories(
    session: Session, since: datetime, construction: str
) -> list[tuple[Document, bytes | None]]:
    """Documents in a story first seen since ``since``, oldest first, each with its stored
    clustering signature when one of its current version and this construction exists.

    Their texts are not loaded unless read (only those without a signature need them).
    """
    query = (
        select(Document, DocumentSignature.data)
        .outerjoin(
            DocumentSignature,
            and_(
                DocumentSignature.document_id == Document.id,
                DocumentSignature.version == Document.version,
                DocumentSignature.construction == construction,
            ),
        )
        .where(Document.story_id.is_not(None), Document.first_seen >= since.replace(tzinfo=None))
        .order_by(Document.id)
        .options(defer(Document.text), defer(Document.feed_content), defer(Document.feed_summary))
    )
    return [(doc, data) for doc, data in session.execute(query)]


def save_signature(session: Session, doc: Document, construction: str, data: bytes) -> None:
    session.merge(
        DocumentSignature(
            document_id=doc.id, version=doc.version, construction=construction, data=data
        )
    )


def story_documents(session: Session, story_id: int) -> list[Document]:
    """A story's documents, first published first (undated last), then by address.

    Not by id: ids follow the order pages happened to be fetched in, which differs between
    one process and several workers, and the article must not.
    """
    query = (
        select(Document)
        .where(Document.story_id == story_id)
        .order_by(Document.published.is_(None), Document.published, Document.url)
    )
    return list(session.scalars(query))


def as_source_doc(doc: Document) -> SourceDoc:
    """What the writer and the checker see of a document: its text up to MAX_SOURCE_CHARS."""
    return SourceDoc(
        id=doc.id,
        url=doc.url,
        title=doc.title,
        text=clip_text(doc.text),
        site_name=doc.site_name,
        author=doc.author,
        published=plausible_date(doc.published),
        excerpt_only=doc.excerpt_only,
    )


def latest_published(docs: Sequence[Document]) -> datetime | None:
    dates = [d for d in (plausible_date(doc.published) for doc in docs) if d is not None]
    return max(dates) if dates else None


def first_seen(docs: Sequence[Document]) -> datetime | None:
    """When Retold first saw any of ``docs``: the honest date of an undated story."""
    return min((aware(d.first_seen) for d in docs), default=None)
