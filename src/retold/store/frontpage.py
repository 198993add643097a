"""The front page's tables and queries: editors' placements and each build's ranking.

The tables are created by migration 0009. Models live here, on the shared Base, so the
schema module stays the desk's and the pipeline's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from retold.publish.coverage import (
    OPENING_CHARS,
    OutletDoc,
    Report,
    fingerprint,
    mark_copies,
    outlet_times,
    words_of,
)
from retold.publish.ranking import DEMOTE, PIN, Ranked, StoryFacts, Weights
from retold.publish.urls import host_of
from retold.store.documents import plausible_date
from retold.store.schema import Article, ArticleVersion, Base, Document, aware, utcnow

PLACEMENTS = (PIN, DEMOTE)
MAX_REPORT_CHARS = 100_000  # what the writer and the checker read of a document


class FrontpagePlacement(Base):
    """An editor's pin or demotion of one article (one at most per article)."""

    __tablename__ = "frontpage_placements"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    placement: Mapped[str] = mapped_column(String(16))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class FrontpageBuild(Base):
    """One build's ranking, every term of every score, so it can be audited later."""

    __tablename__ = "frontpage_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
    reference_time: Mapped[datetime | None] = mapped_column(default=None)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ranking: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    stories: Mapped[int] = mapped_column(Integer, default=0)


def set_placement(session: Session, slug: str, placement: str | None, note: str = "") -> bool:
    """Pin, demote or (None) clear the article ``slug``; False when there is no such article."""
    article_id = session.scalar(select(Article.id).where(Article.slug == slug))
    if article_id is None:
        return False
    row = session.get(FrontpagePlacement, article_id)
    if placement is None:
        if row is not None:
            session.delete(row)
        return True
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {PLACEMENTS}")
    if row is None:
        session.add(FrontpagePlacement(article_id=article_id, placement=placement, note=note))
    else:
        row.placement, row.note, row.set_at = placement, note, utcnow()
    return True


def placements(session: Session) -> dict[str, str]:
    query = select(Article.slug, FrontpagePlacement.placement).join(
        FrontpagePlacement, FrontpagePlacement.article_id == Article.id
    )
    return {slug: placement for slug, placement in session.execute(query)}


def story_facts(session: Session) -> dict[str, StoryFacts]:
    """Per published article slug: when each independent outlet first covered its story.

    Reads only the opening of each document (see coverage.OPENING_CHARS), in one query.
    """
    query = (
        select(
            Article.slug,
            Document.url,
            Document.site_name,
            Document.published,
            Document.first_seen,
            func.substr(Document.text, 1, 2000),
        )
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .join(Document, Document.story_id == Article.story_id)
        .where(Article.status == "published", ArticleVersion.version == Article.current_version)
        .order_by(Article.slug, Document.id)
    )
    docs: dict[str, list[OutletDoc]] = {}
    for slug, url, site_name, published, first_seen, opening in session.execute(query):
        when = plausible_date(published) or aware(first_seen)
        outlet = (site_name or "").strip().lower() or host_of(url)
        docs.setdefault(slug, []).append(OutletDoc(outlet, aware(when), fingerprint(opening or "")))
    pinned = placements(session)
    multi = [slug for slug, ds in docs.items() if len({d.host for d in ds}) > 1]
    reports = _reports(session, multi)
    slugs = docs.keys() | pinned.keys()
    return {
        slug: StoryFacts(
            outlet_times(docs.get(slug, [])), pinned.get(slug, ""), reports.get(slug, ())
        )
        for slug in slugs
    }


def _reports(session: Session, slugs: list[str]) -> dict[str, tuple[Report, ...]]:
    """Every document of the stories told by two outlets or more, for the coverage box."""
    out: dict[str, list[Report]] = {}
    openings: dict[str, list[str]] = {}
    for start in range(0, len(slugs), 500):  # bound the IN list
        query = (
            select(
                Article.slug,
                Document.url,
                Document.site_name,
                Document.title,
                Document.published,
                func.substr(Document.text, 1, MAX_REPORT_CHARS),
            )
            .join(Document, Document.story_id == Article.story_id)
            .where(Article.slug.in_(slugs[start : start + 500]))
            .order_by(Article.slug, Document.id)
        )
        for slug, url, site_name, title, published, text in session.execute(query):
            when = plausible_date(published)
            out.setdefault(slug, []).append(
                Report(
                    outlet=(site_name or "").strip() or host_of(url),
                    url=url,
                    title=title or "",
                    when=aware(when) if when else None,
                    words=words_of(text or ""),
                )
            )
            openings.setdefault(slug, []).append((text or "")[:OPENING_CHARS])
    return {slug: mark_copies(rs, openings[slug]) for slug, rs in out.items()}


def record_build(
    session: Session, ranked: list[Ranked], weights: Weights, reference: datetime | None
) -> FrontpageBuild:
    row = FrontpageBuild(
        reference_time=reference,
        weights={name: getattr(weights, name) for name in Weights.__slots__},
        ranking=[r.as_dict() for r in ranked],
        stories=len(ranked),
    )
    session.add(row)
    session.flush()
    return row


def latest_build(session: Session) -> FrontpageBuild | None:
    return session.scalar(select(FrontpageBuild).order_by(FrontpageBuild.id.desc()).limit(1))
