"""The queue: held and flagged articles, newest first, with filters and their counts.

"Flagged" is a published article whose current version has a sentence the checker could not
match, or one a reader reported. The queue's own views (queue, held, flagged) are a few
thousand articles at most: they are read once and filtered and counted here. The others
(published, all ...) may be the whole newsroom: they are filtered in SQL, where source and
topic read the JSON columns as text (a LIKE on the serialised value, on SQLite and
PostgreSQL alike), and their facets are left out past FACET_LIMIT articles.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from retold.desk import flags
from retold.desk.models import DeskAction, DeskFlag, ReaderReport
from retold.store.schema import Article, ArticleVersion, SentenceCheckRow, aware

PER_PAGE = 50
STATUSES = ("queue", "held", "flagged", "published", "rejected", "unpublished", "draft", "all")
VERDICTS = ("unsupported", "contradicted", "supported")
# Facet counts read each matching row's JSON; past this many rows they are left out.
FACET_LIMIT = 20_000


@dataclass(frozen=True)
class Filters:
    status: str = "queue"
    source: str = ""
    topic: str = ""
    verdict: str = ""
    page: int = 1

    @classmethod
    def parse(cls, params: Any) -> Filters:
        status = params.get("status", "queue")
        verdict = params.get("verdict", "")
        try:
            page = max(1, min(10_000, int(params.get("page", "1"))))
        except ValueError:
            page = 1
        return cls(
            status=status if status in STATUSES else "queue",
            source=str(params.get("source", ""))[:200],
            topic=str(params.get("topic", ""))[:200],
            verdict=verdict if verdict in VERDICTS else "",
            page=page,
        )


@dataclass
class Row:
    id: int
    slug: str
    headline: str
    status: str
    flagged: int
    reports: int
    updated_at: datetime
    sources: list[str]
    topics: list[str]


@dataclass
class Queue:
    rows: list[Row]
    total: int
    filters: Filters
    statuses: dict[str, int]
    sources: list[tuple[str, int]] = field(default_factory=list)
    topics: list[tuple[str, int]] = field(default_factory=list)
    verdicts: dict[str, int] = field(default_factory=dict)


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _unmatched() -> Any:
    return exists().where(DeskFlag.article_version_id == ArticleVersion.id)


def _open_reports() -> Any:
    return exists().where(ReaderReport.article_id == Article.id, ReaderReport.resolved.is_(False))


def _status_clause(status: str) -> Any:
    flagged = and_(Article.status == "published", or_(_unmatched(), _open_reports()))
    if status == "queue":
        return or_(Article.status == "held", flagged, _open_reports())
    if status == "flagged":
        return flagged
    if status == "all":
        return None
    return Article.status == status


def _base(filters: Filters, *, facets: bool = True) -> Select[Any]:
    query = select(Article.id).join(
        ArticleVersion,
        and_(
            ArticleVersion.article_id == Article.id,
            ArticleVersion.version == Article.current_version,
        ),
    )
    clause = _status_clause(filters.status)
    if clause is not None:
        query = query.where(clause)
    if facets and filters.source:
        text = json.dumps(filters.source)[1:-1]  # as the JSON column spells it
        query = query.where(
            cast(ArticleVersion.sources, String).like(f'%"site_name": "{_like(text)}"%', "\\")
        )
    if facets and filters.topic:
        text = json.dumps(filters.topic)[1:-1]
        query = query.where(cast(ArticleVersion.topics, String).like(f'%"{_like(text)}"%', "\\"))
    if facets and filters.verdict:
        query = query.where(
            exists().where(
                SentenceCheckRow.article_version_id == ArticleVersion.id,
                SentenceCheckRow.verdict == filters.verdict,
            )
        )
    return query


SMALL = ("queue", "held", "flagged")


def load(session: Session, filters: Filters) -> Queue:
    flags.sync(session)
    if filters.status in SMALL:
        return _load_small(session, filters)
    return _load_sql(session, filters)


@dataclass
class _Candidate:
    id: int
    version_id: int
    slug: str
    status: str
    updated_at: datetime
    headline: str
    sources: list[str]
    topics: list[str]
    unsupported: int
    contradicted: int
    reports: int


def _candidates(session: Session) -> dict[str, list[_Candidate]]:
    """Held, flagged and reported articles (a few thousand at most), with what filters need."""
    current = and_(
        ArticleVersion.article_id == Article.id,
        ArticleVersion.version == Article.current_version,
    )
    flagged = dict(
        session.execute(
            select(Article.id, DeskFlag.article_version_id)
            .join(ArticleVersion, current)
            .join(DeskFlag, DeskFlag.article_version_id == ArticleVersion.id)
            .where(Article.status == "published")
        ).all()
    )
    reported = dict(
        session.execute(
            select(ReaderReport.article_id, func.count())
            .where(ReaderReport.resolved.is_(False))
            .group_by(ReaderReport.article_id)
        ).all()
    )
    held = set(session.scalars(select(Article.id).where(Article.status == "held")))
    ids = held | set(flagged) | set(reported)
    rows: list[_Candidate] = []
    for chunk in [sorted(ids)[i : i + 900] for i in range(0, len(ids), 900)]:
        query = (
            select(
                Article.id, ArticleVersion.id, Article.slug, Article.status, Article.updated_at,
                DeskFlag.unsupported, DeskFlag.contradicted,
            )
            .join(ArticleVersion, current)
            .outerjoin(DeskFlag, DeskFlag.article_version_id == ArticleVersion.id)
            .where(Article.id.in_(chunk))
        )  # fmt: skip
        found = session.execute(query).all()
        texts = _version_texts(session, [r[1] for r in found])
        for r in found:
            headline, sources, topics = texts[r[1]]
            rows.append(
                _Candidate(
                    r[0], r[1], r[2], r[3], r[4], headline, sources, topics,
                    int(r[5] or 0), int(r[6] or 0), int(reported.get(r[0], 0)),
                )
            )  # fmt: skip
    rows.sort(key=lambda r: (aware(r.updated_at), r.id), reverse=True)  # newest first, once
    by_status: dict[str, list[_Candidate]] = {"queue": rows, "held": [], "flagged": []}
    for row in rows:
        if row.status == "held":
            by_status["held"].append(row)
        if row.status == "published" and (row.unsupported + row.contradicted or row.reports):
            by_status["flagged"].append(row)
    return by_status


# A version's headline, sources and topics never change once written: they are read once per
# process and kept (bounded), so a changed newsroom re-reads only its new versions.
_TEXTS: dict[int, tuple[str, list[str], list[str]]] = {}
TEXTS_MAX = 500_000


def _version_texts(session: Session, ids: list[int]) -> dict[int, tuple[str, list[str], list[str]]]:
    missing = [i for i in ids if i not in _TEXTS]
    if missing:
        if len(_TEXTS) + len(missing) > TEXTS_MAX:
            _TEXTS.clear()
        query = select(
            ArticleVersion.id,
            ArticleVersion.headline,
            ArticleVersion.sources,
            ArticleVersion.topics,
        ).where(ArticleVersion.id.in_(missing))
        for version_id, headline, sources, topics in session.execute(query):
            names = list(dict.fromkeys(_source_names(sources)))  # an outlet counts once
            _TEXTS[version_id] = (headline, names, list(dict.fromkeys(topics or [])))
    return {i: _TEXTS[i] for i in ids if i in _TEXTS}


def _verdicts(session: Session, rows: list[_Candidate]) -> dict[int, set[str]]:
    """The verdicts each candidate's current version has: unmatched ones from desk_flags,
    "supported" when it has more checks than unmatched ones (an index-only count)."""
    totals: dict[int, int] = {}
    ids = [r.version_id for r in rows]
    for chunk in [ids[i : i + 900] for i in range(0, len(ids), 900)]:
        query = (
            select(SentenceCheckRow.article_version_id, func.count())
            .where(SentenceCheckRow.article_version_id.in_(chunk))
            .group_by(SentenceCheckRow.article_version_id)
        )
        totals.update({int(v): int(n) for v, n in session.execute(query)})
    out: dict[int, set[str]] = {}
    for r in rows:
        found = {"unsupported"} if r.unsupported else set()
        if r.contradicted:
            found.add("contradicted")
        if totals.get(r.version_id, 0) > r.unsupported + r.contradicted:
            found.add("supported")
        out[r.version_id] = found
    return out


@dataclass(frozen=True)
class _Snapshot:
    key: tuple[Any, ...]
    counts: dict[str, int]
    groups: dict[str, list[_Candidate]]
    verdicts: dict[int, set[str]]
    facets: dict[str, _Facets]


@dataclass(frozen=True)
class _Facets:
    sources: list[tuple[str, int]]
    topics: list[tuple[str, int]]
    verdicts: dict[str, int]


def _facets_of(pool: list[_Candidate], verdicts: dict[int, set[str]]) -> _Facets:
    sources: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    verdict_counts: Counter[str] = Counter()
    for row in pool:
        sources.update(row.sources)
        topics.update(row.topics)
        verdict_counts.update(verdicts[row.version_id])
    return _Facets(
        sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
        sorted(topics.items(), key=lambda kv: (-kv[1], kv[0])),
        {v: verdict_counts.get(v, 0) for v in VERDICTS},
    )


# The last snapshot per store. Reading the candidates costs ~1 ms per 10 of them; most
# queue requests find nothing changed since the last and reuse it.
_SNAPSHOTS: dict[str, _Snapshot] = {}


def _state(session: Session) -> tuple[tuple[Any, ...], dict[str, int]]:
    """A key that changes whenever the queue could (a check, a version, a status, an
    editor's action, a report), read with a few aggregate queries; and the status counts."""
    counts = _plain_counts(session)
    key = (
        session.scalar(select(func.max(SentenceCheckRow.id))),
        session.scalar(select(func.max(ArticleVersion.id))),
        session.scalar(select(func.max(DeskAction.id))),
        session.scalar(select(func.max(ReaderReport.id))),
        tuple(sorted(counts.items())),
    )
    return key, counts


def _snapshot(session: Session) -> _Snapshot:
    key, counts = _state(session)
    where = str(session.get_bind().engine.url)
    found = _SNAPSHOTS.get(where)
    if found is not None and found.key == key:
        return found
    collecting = gc.isenabled()
    gc.disable()  # thousands of small rows: collections triggered by them find nothing
    try:
        groups = _candidates(session)
        verdicts = _verdicts(session, groups["queue"])
    finally:
        if collecting:
            gc.enable()
    snap = _Snapshot(key, counts, groups, verdicts, {})
    _SNAPSHOTS[where] = snap
    return snap


def _load_small(session: Session, filters: Filters) -> Queue:
    snap = _snapshot(session)
    groups = snap.groups
    pool = groups[filters.status]
    verdicts = snap.verdicts
    facets = snap.facets.get(filters.status)
    if facets is None:  # worked out on first use, then kept with the snapshot
        facets = snap.facets[filters.status] = _facets_of(pool, verdicts)
    chosen = [
        r
        for r in pool
        if (not filters.source or filters.source in r.sources)
        and (not filters.topic or filters.topic in r.topics)
        and (not filters.verdict or filters.verdict in verdicts[r.version_id])
    ]
    start = (filters.page - 1) * PER_PAGE
    rows = [
        Row(
            id=r.id, slug=r.slug, headline=r.headline, status=r.status,
            flagged=r.unsupported + r.contradicted, reports=r.reports,
            updated_at=r.updated_at, sources=r.sources, topics=r.topics,
        )
        for r in chosen[start : start + PER_PAGE]
    ]  # fmt: skip
    statuses = dict(snap.counts)
    statuses.update({name: len(group) for name, group in groups.items()})
    return Queue(
        rows,
        len(chosen),
        filters,
        statuses,
        facets.sources,
        facets.topics,
        facets.verdicts,
    )


def _plain_counts(session: Session) -> dict[str, int]:
    counts = {
        str(status): int(n)
        for status, n in session.execute(
            select(Article.status, func.count()).group_by(Article.status)
        )
    }
    counts["all"] = sum(counts.values())
    return counts


def _load_sql(session: Session, filters: Filters) -> Queue:
    ids = _base(filters).subquery()
    total = session.scalar(select(func.count()).select_from(ids)) or 0
    page = (
        select(Article, ArticleVersion)
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .where(ArticleVersion.version == Article.current_version, Article.id.in_(select(ids)))
        .order_by(Article.updated_at.desc(), Article.id.desc())
        .limit(PER_PAGE)
        .offset((filters.page - 1) * PER_PAGE)
    )
    pairs = list(session.execute(page))
    version_ids = [v.id for _, v in pairs]
    flagged = dict(
        session.execute(
            select(SentenceCheckRow.article_version_id, func.count())
            .where(
                SentenceCheckRow.article_version_id.in_(version_ids),
                SentenceCheckRow.verdict != "supported",
            )
            .group_by(SentenceCheckRow.article_version_id)
        ).all()
    )
    reports = dict(
        session.execute(
            select(ReaderReport.article_id, func.count())
            .where(
                ReaderReport.article_id.in_([a.id for a, _ in pairs]),
                ReaderReport.resolved.is_(False),
            )
            .group_by(ReaderReport.article_id)
        ).all()
    )
    rows = [
        Row(
            id=a.id,
            slug=a.slug,
            headline=v.headline,
            status=a.status,
            flagged=int(flagged.get(v.id, 0)),
            reports=int(reports.get(a.id, 0)),
            updated_at=a.updated_at,
            sources=_source_names(v.sources),
            topics=list(v.topics or []),
        )
        for a, v in pairs
    ]
    snap = _snapshot(session)
    counts = dict(snap.counts)
    counts.update({name: len(group) for name, group in snap.groups.items()})
    queue = Queue(rows, int(total), filters, counts)
    _facets(session, filters, queue)
    return queue


def _facets(session: Session, filters: Filters, queue: Queue) -> None:
    """Counts for each source, topic and verdict among the articles of this status."""
    base = _base(Filters(status=filters.status), facets=False).subquery()
    if (session.scalar(select(func.count()).select_from(base)) or 0) > FACET_LIMIT:
        return
    sources: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    query = select(ArticleVersion.sources, ArticleVersion.topics).where(
        ArticleVersion.article_id.in_(select(base)),
        ArticleVersion.version
        == select(Article.current_version)
        .where(Article.id == ArticleVersion.article_id)
        .scalar_subquery(),
    )
    for source_list, topic_list in session.execute(query):
        sources.update(set(_source_names(source_list)))
        topics.update(set(topic_list or []))
    queue.sources = sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))
    queue.topics = sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))
    for verdict in VERDICTS:
        matching = _base(Filters(status=filters.status, verdict=verdict)).subquery()
        count = session.scalar(select(func.count()).select_from(matching))
        queue.verdicts[verdict] = int(count or 0)


def _source_names(sources: list[dict[str, Any]] | None) -> list[str]:
    return [str(s.get("site_name") or "") for s in sources or [] if s.get("site_name")]
