"""The queue: held and flagged articles, newest first, with filters and their counts.

"Flagged" is a published article whose current version has a sentence the checker could not
match, or one a reader reported. Source and topic filters read the JSON columns as text
(a LIKE on the serialised value) so the same query runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from retold.desk.models import ReaderReport
from retold.store.schema import Article, ArticleVersion, SentenceCheckRow

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
    return exists().where(
        SentenceCheckRow.article_version_id == ArticleVersion.id,
        SentenceCheckRow.verdict != "supported",
    )


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


def load(session: Session, filters: Filters) -> Queue:
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
    queue = Queue(rows, int(total), filters, _status_counts(session))
    _facets(session, filters, queue)
    return queue


def _status_counts(session: Session) -> dict[str, int]:
    counts = {
        str(status): int(n)
        for status, n in session.execute(
            select(Article.status, func.count()).group_by(Article.status)
        )
    }
    for name in ("queue", "flagged"):
        query = _base(Filters(status=name), facets=False).subquery()
        counts[name] = int(session.scalar(select(func.count()).select_from(query)) or 0)
    counts["all"] = sum(n for s, n in counts.items() if s not in ("queue", "flagged"))
    return counts


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
