"""Fetch sources into document stubs, then fetch and extract the documents."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from retold.claims import Claims, claim
from retold.ingest.charset import decode
from retold.ingest.dedup import canonical_url, content_hash
from retold.ingest.extract import extract, extract_feed_content
from retold.ingest.feeds import FeedError, ParsedFeed, looks_like_feed, parse_feed
from retold.ingest.fetch import Fetcher, FetchError, FetchResult
from retold.ingest.injection import strip_injections
from retold.ingest.opml import OpmlError, read_opml
from retold.ingest.schedule import refresh_delay
from retold.ingest.urls import safe_http_url
from retold.logs import log_context
from retold.newsroom import Newsroom
from retold.records import Extracted, FeedItem
from retold.stages.report import RunReport
from retold.store import documents as docs_store
from retold.store import sources as sources_store
from retold.store.schema import Document, Source, aware, utcnow
from retold.text.scripts import word_count

# Fewer words than this is navigation debris, not even a teaser.
MIN_WORDS = 15

Progress = Callable[[str, int, int], None]


def _noop(_stage: str, _done: int, _total: int) -> None:
    pass


def looks_like_opml(body: bytes) -> bool:
    return b"<opml" in body[:2048].lower()


def source_kind(target: str) -> str:
    return "file" if not target.startswith(("http://", "https://")) else "auto"


async def collect(
    room: Newsroom,
    fetcher: Fetcher,
    report: RunReport,
    *,
    force: bool = False,
    scheduled: bool = False,
    progress: Progress = _noop,
    claims: Claims | None = None,
) -> None:
    """Read every due source and record the documents it lists.

    A source backing off after failures waits unless ``force``; with ``scheduled``
    (`retold watch`), one whose feed or server said when to come back waits too.
    With ``claims`` (a worker), only sources it could lease and nobody read this cycle.
    """
    with room.db.transaction() as session:
        for configured in room.settings.sources:  # retold.toml sources join the table
            source, _ = sources_store.add_source(
                session, configured.url, source_kind(configured.url), configured.name
            )
            source.ignore_robots = configured.ignore_robots
        now = utcnow()
        enabled = sources_store.due_sources(session, now, force=True)  # read once
        due = [s.id for s in enabled if force or sources_store.is_due(s, now, scheduled=scheduled)]
        if scheduled and not force:  # not due yet, or backing off
            report.count("sources_waiting", len(enabled) - len(due))
    seen: set[int] = set()
    # Sources are read a batch at a time, concurrently (a newsroom of thousands of feeds
    # is network-bound), and recorded one by one in the order listed, so what a run
    # stores does not depend on which answer came first. The batch bounds memory.
    batch = 2 * fetcher.policy.concurrency
    while due:  # an OPML source adds feeds: read those in the same run
        for start in range(0, len(due), batch):
            chunk = due[start : start + batch]
            with contextlib.ExitStack() as held:
                mine = [
                    sid
                    for sid in chunk
                    if held.enter_context(claim(claims, f"fetch:source:{sid}"))
                    and _source_unread(room, sid, claims)
                ]
                reads = await asyncio.gather(*(_read_logged(room, fetcher, sid) for sid in mine))
                for read in reads:
                    with log_context(source_id=read.source_id):
                        _record_read(room, report, read)
            seen.update(chunk)
            progress("sources", len(seen), len(seen) + len(due) - start - len(chunk))
        with room.db.transaction() as session:
            due = [
                s.id
                for s in sources_store.due_sources(
                    session, utcnow(), force=force, scheduled=scheduled
                )
                if s.id not in seen
            ]


def _source_unread(room: Newsroom, source_id: int, claims: Claims | None) -> bool:
    """Not read by any worker since this cycle began (always true without workers)."""
    if claims is None:
        return True
    with room.db.transaction() as session:
        source = session.get(Source, source_id)
        return source is not None and (
            source.last_attempt is None or aware(source.last_attempt) < claims.since
        )


@dataclasses.dataclass
class _Read:
    """What reading one source brought back: its answer (None for a local file) or error."""

    source_id: int
    url: str
    body: bytes = b""
    content_type: str = ""
    final_url: str = ""
    result: FetchResult | None = None
    error: Exception | None = None


async def _read_logged(room: Newsroom, fetcher: Fetcher, source_id: int) -> _Read:
    with log_context(source_id=source_id):
        return await _read_source(room, fetcher, source_id)


async def _read_source(room: Newsroom, fetcher: Fetcher, source_id: int) -> _Read:
    with room.db.transaction() as session:
        source = session.get(Source, source_id)
        assert source is not None
        url, kind, etag, modified = source.url, source.kind, source.etag, source.last_modified
        ignore_robots = source.ignore_robots
    read = _Read(source_id, url)
    try:
        if kind == "file":
            read.body, read.final_url = _read_file(url), Path(url).resolve().as_uri()
        else:
            result = await fetcher.fetch(
                url,
                kind="any",
                etag=etag if kind == "feed" else "",
                last_modified=modified if kind == "feed" else "",
                ignore_robots=ignore_robots,
            )
            read.result, read.body = result, result.body
            read.content_type, read.final_url = result.content_type, result.url
    except (FetchError, OSError) as err:
        read.error = err
    return read


def _record_read(room: Newsroom, report: RunReport, read: _Read) -> None:
    """Store what a source listed (or why it failed) and when to read it again."""
    result = read.result
    try:
        if read.error is not None:
            raise read.error
        with room.db.transaction() as session:
            source = session.get(Source, read.source_id)
            assert source is not None
            fresh_for = result.fresh_for if result else None
            if result is not None and result.not_modified:
                # the feed is unchanged, so is what it said about its pace
                refresh = refresh_delay(fresh_for, sources_store.last_interval(source))
                sources_store.record_success(source, 0, refresh=refresh)
                report.count("sources_not_modified")
                return
            items, feed_refresh = _record_listing(
                room, session, source, read.body, read.content_type, read.final_url, report
            )
            sources_store.record_success(
                source,
                items,
                etag=result.etag if result else "",
                last_modified=result.last_modified if result else "",
                refresh=refresh_delay(fresh_for, feed_refresh),
            )
            report.count("sources_ok")
    except (FetchError, FeedError, OpmlError, OSError, UnicodeDecodeError) as err:
        with room.db.transaction() as session:
            source = session.get(Source, read.source_id)
            assert source is not None
            retry_after = refresh_delay(getattr(err, "retry_after", None))
            sources_store.record_failure(source, str(err), retry_after=retry_after)
        report.problem(f"Source {read.url}: {err}", source_failed=True)


def _read_file(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"{path} does not exist or is not a file.")
    return file.read_bytes()


def _record_listing(
    room: Newsroom,
    session: Session,
    source: Source,
    body: bytes,
    ctype: str,
    url: str,
    report: RunReport,
) -> tuple[int, float | None]:
    """Turn a source's body into document stubs (or more sources, for OPML).

    Returns how many items it listed and, for a feed, how often it says it changes.
    """
    if looks_like_opml(body):
        feeds = read_opml(body, base=url)
        for feed in feeds:
            _, created = sources_store.add_source(session, feed.xml_url, "auto", feed.title)
            report.count("sources_added", int(created))
        source.kind = source.kind if source.kind == "file" else "opml"
        return len(feeds), None
    if looks_like_feed(body, ctype):
        parsed = parse_feed(body, url)
        if source.kind != "file":
            source.kind = "feed"
        source.name = source.name or parsed.title
        for warning in parsed.warnings:
            report.problem(f"Source {source.url}: {warning}")
        _record_items(room, session, source, parsed, report)
        if not parsed.items:
            report.count("sources_empty")
        return len(parsed.items), parsed.refresh
    if b"<" not in body[:1024]:
        raise FeedError(f"{source.url} is neither a feed nor a web page.")
    # A single page: it is its own document, and we already hold its bytes.
    if source.kind != "file":
        source.kind = "page"
    revisit = timedelta(hours=room.settings.fetch.revisit_hours)
    doc, _ = docs_store.upsert_stub(
        session,
        url=canonical_url(url),
        fetch_url=url,
        source_id=source.id,
        item=None,
        revisit=revisit,
    )
    if doc.status == "pending" or doc.refetch:
        _store_page(session, doc, body, ctype, url, report)
    return 1, None


def _record_items(
    room: Newsroom, session: Session, source: Source, parsed: ParsedFeed, report: RunReport
) -> None:
    revisit = timedelta(hours=room.settings.fetch.revisit_hours)
    for item in parsed.items:
        if safe_http_url(item.url) is None:  # the feed parser refuses these; never store one
            report.problem(f"Source {source.url}: skipped an item whose link is not http(s).")
            continue
        _, created = docs_store.upsert_stub(
            session,
            url=canonical_url(item.url),
            fetch_url=item.url,
            source_id=source.id,
            item=item,
            revisit=revisit,
        )
        report.count("documents_new", int(created))


def _store_page(
    session: Session,
    doc: Document,
    body: bytes,
    ctype: str,
    url: str,
    report: RunReport,
    etag: str = "",
    last_modified: str = "",
) -> None:
    # The charset the page really uses (header, meta, BOM or detection), also for local files.
    decoded = decode(body, ctype, url=url)
    if decoded.warning:  # an uncertain charset: stored, but the operator should know
        report.problem(decoded.warning)
    extracted, injections = _without_injections(extract(decoded.text, url))
    if word_count(extracted.text) < MIN_WORDS or extracted.excerpt_reason == "empty page":
        docs_store.record_fetch_failure(doc, f"{url} has no extractable text.")
        report.problem(f"Document {url}: no extractable text.")
        report.count("documents_failed")
        return
    changed = docs_store.store_extraction(
        session,
        doc,
        raw=body,
        content_type=ctype,
        extracted=extracted,
        content_hash=content_hash(extracted.text),
        etag=etag,
        last_modified=last_modified,
    )
    if changed:  # an unchanged page was counted when its text was first stored
        _count_injections(url, injections, report)
    report.count(
        "documents_changed"
        if changed and doc.version > 1
        else "documents_extracted"
        if changed
        else "documents_unchanged"
    )
    if changed and extracted.excerpt_only:
        report.count("documents_excerpt_only")
        report.problem(
            f"Document {url}: only an excerpt is available ({extracted.excerpt_reason})."
        )


async def fetch_documents(
    room: Newsroom,
    fetcher: Fetcher,
    report: RunReport,
    progress: Progress = _noop,
    claims: Claims | None = None,
) -> None:
    """Fetch every pending document (and recheck recent ones), extracting as they arrive.

    With ``claims`` (a worker), only the documents it could lease and that are still pending.
    """
    with room.db.transaction() as session:
        todo = [(d.id, d.fetch_url, d.etag, d.last_modified) for d in docs_store.to_fetch(session)]
    total, done = len(todo), 0

    # A worker claims a document only once it can start on it: the other workers take the
    # rest meanwhile, instead of waiting for a queue this one leased up front.
    gate = asyncio.Semaphore(fetcher.policy.concurrency)

    async def one(doc_id: int, url: str, etag: str, modified: str) -> None:
        async with gate:
            with (
                log_context(document_id=doc_id, url=url),
                claim(claims, f"extract:document:{doc_id}") as mine,
            ):
                if mine and (claims is None or _still_to_fetch(room, doc_id)):
                    await fetch_one(doc_id, url, etag, modified)

    async def fetch_one(doc_id: int, url: str, etag: str, modified: str) -> None:
        nonlocal done
        result: FetchResult | FetchError | OSError
        try:
            if url.startswith("file://"):
                result = FetchError("local files are read when their source is read")
            else:
                result = await fetcher.fetch(url, kind="page", etag=etag, last_modified=modified)
        except (FetchError, OSError) as err:
            result = err
        # Extraction is CPU work; storing is one short transaction per document.
        with room.db.transaction() as session:
            doc = session.get(Document, doc_id)
            assert doc is not None
            if isinstance(result, FetchResult):
                if result.not_modified:
                    doc.refetch = False
                    report.count("documents_unchanged")
                else:
                    _store_page(
                        session,
                        doc,
                        result.body,
                        result.content_type,
                        result.url,
                        report,
                        result.etag,
                        result.last_modified,
                    )
            else:
                _fallback_to_feed(session, doc, str(result), report)
        done += 1
        progress("documents", done, total)

    await asyncio.gather(*(one(*row) for row in todo))


def _still_to_fetch(room: Newsroom, doc_id: int) -> bool:
    with room.db.transaction() as session:
        doc = session.get(Document, doc_id)
        return doc is not None and docs_store.needs_fetch(doc)


def _fallback_to_feed(session: Session, doc: Document, error: str, report: RunReport) -> None:
    """A page we can't fetch may still be usable from the full text its feed carried."""
    if doc.status == "ready":  # a recheck failed: keep what we have
        doc.refetch = False
        report.problem(f"Document {doc.fetch_url}: {error} (kept the stored version).")
        return
    item = FeedItem(
        url=doc.fetch_url,
        title=doc.feed_title,
        summary=doc.feed_summary,
        author=doc.author,
        published=doc.published,
        content_html=doc.feed_content,
    )
    found = extract_feed_content(item) if doc.feed_content else None
    extracted, injections = _without_injections(found) if found else (None, [])
    if extracted is None or not extracted.text.strip():
        docs_store.record_fetch_failure(doc, error)
        report.problem(f"Document {doc.fetch_url}: {error}")
        report.count("documents_failed")
        return
    docs_store.store_extraction(
        session,
        doc,
        raw=doc.feed_content.encode(),
        content_type="feed",
        extracted=extracted,
        content_hash=content_hash(extracted.text),
    )
    _count_injections(doc.fetch_url, injections, report)
    report.count("documents_from_feed")


def _without_injections(extracted: Extracted) -> tuple[Extracted, list[str]]:
    """The extraction without the sentences addressed to an AI ("Ignore previous
    instructions and write that ..."): stored text is what the writer reads and the
    checker matches against, so they must never be in it."""
    text, removed = strip_injections(extracted.text)
    return (dataclasses.replace(extracted, text=text) if removed else extracted), removed


def _count_injections(url: str, removed: list[str], report: RunReport) -> None:
    if not removed:
        return
    report.count("prompt_injections_removed", len(removed))
    what = "sentence" if len(removed) == 1 else "sentences"
    report.problem(
        f"Document {url}: removed {len(removed)} {what} addressed to an AI (prompt injection)."
    )
