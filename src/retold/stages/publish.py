"""Turn published articles in the store into ArticlePages and build the site."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy.orm import Session

from retold.daily import store as daily_store
from retold.daily.compose import DigestItem
from retold.desk.public import corrections_by_article
from retold.newsroom import Newsroom
from retold.publish import BuildReport, build_site, build_site_from
from retold.publish.ranking import FrontOptions, Weights
from retold.publish.timeline import updates as timeline_updates
from retold.records import (
    ArticlePage,
    CorrectionNote,
    RelatedLink,
    SentenceCheck,
    SourceLink,
    VersionRecord,
)
from retold.stages.report import RunReport
from retold.store import articles as articles_store
from retold.store import frontpage as frontpage_store
from retold.store.schema import Article, ArticleVersion, aware
from retold.verify.repair import sentences_of

# Up to this many articles the pages are built in memory and rendered by worker
# processes; past it they stream from the store (see `publish`).
STREAM_ABOVE = 2_000
STREAM_BATCH = 200


def pair_checks(
    paragraphs: list[str], checks: list[SentenceCheck]
) -> list[list[tuple[str, SentenceCheck | None]]]:
    """Attach each stored check to its sentence; sentences without one show as unchecked."""
    by_paragraph: dict[int, list[SentenceCheck]] = {}
    for check in checks:
        by_paragraph.setdefault(check.paragraph, []).append(check)
    out: list[list[tuple[str, SentenceCheck | None]]] = []
    for index, sentences in enumerate(sentences_of(paragraphs)):
        pending = list(by_paragraph.get(index, []))
        row: list[tuple[str, SentenceCheck | None]] = []
        for sentence in sentences:
            match = next((c for c in pending if c.text == sentence), None)
            if match is not None:
                pending.remove(match)
            row.append((sentence, match))
        out.append(row)
    return out


def article_page(
    article: Article,
    version: ArticleVersion,
    related: list[RelatedLink],
    corrections: list[CorrectionNote] | None = None,
    history: list[VersionRecord] | None = None,
) -> ArticlePage:
    published = aware(article.published_at or version.created_at)
    updated = (
        max(published, aware(version.created_at)) if article.current_version > 1 else published
    )
    # An article of undated sources is dated by when Retold first saw them, and says so.
    return ArticlePage(
        slug=article.slug,
        headline=version.headline,
        standfirst=version.standfirst,
        teaser=version.teaser,
        label=version.label,
        paragraphs=pair_checks(list(version.paragraphs), articles_store.load_checks(version)),
        sources=[
            SourceLink(url=s["url"], title=s.get("title", ""), site_name=s.get("site_name", ""))
            for s in version.sources
        ],
        topics=list(version.topics),
        published=published,
        updated=updated,
        related=related,
        version=version.version,
        backend=version.backend,
        reviewed_on=aware(article.reviewed_at) if article.reviewed_at else None,
        first_seen=article.date_kind == "first_seen",
        corrections=corrections or [],
        updates=timeline_updates(history or [], article.published_at),
    )


def article_pages(session: Session, ids: Sequence[int] | None = None) -> list[ArticlePage]:
    """Pages of the published articles (only `ids` if given), newest first."""
    links = related_links(session)
    notes = corrections_by_article(session, ids)
    history = articles_store.version_history(session, ids)
    return [
        article_page(
            article,
            version,
            [links[r] for r in article.related or [] if r in links],
            notes.get(article.id),
            history.get(article.id),
        )
        for article, version in articles_store.published_articles(session, ids, with_checks=True)
    ]


def related_links(session: Session) -> dict[int, RelatedLink]:
    return {
        id_: RelatedLink(slug=slug, headline=headline, teaser=teaser)
        for id_, slug, headline, teaser in articles_store.published_headlines(session)
    }


def stream_pages(room: Newsroom, batch: int = STREAM_BATCH) -> Iterator[ArticlePage]:
    """Every published page, read from the store `batch` articles at a time."""
    with room.db.transaction() as session:
        links = related_links(session)
    ids = list(links)
    for start in range(0, len(ids), batch):
        with room.db.transaction() as session:
            batch_ids = ids[start : start + batch]
            rows = articles_store.published_articles(session, batch_ids, with_checks=True)
            notes = corrections_by_article(session, batch_ids)
            history = articles_store.version_history(session, batch_ids)
            for article, version in rows:
                related = [links[r] for r in article.related or [] if r in links]
                yield article_page(
                    article, version, related, notes.get(article.id), history.get(article.id)
                )


def front_options(room: Newsroom, session: Session) -> FrontOptions:
    """The ranking's weights from [ranking], and what the store knows of each story."""
    cfg = room.settings.ranking
    weights = Weights(
        outlets=cfg.outlets,
        growth=cfg.growth,
        confidence=cfg.confidence,
        half_life_hours=cfg.half_life_hours,
        growth_hours=cfg.growth_hours,
        pin_boost=cfg.pin_boost,
        demote_factor=cfg.demote_factor,
    )
    return FrontOptions(
        weights=weights,
        facts=frontpage_store.story_facts(session),
        top=cfg.top_stories,
        sections=cfg.sections,
        per_section=cfg.per_section,
        search=True,
        digests=tuple(
            (d.day, tuple(DigestItem.from_dict(i) for i in d.items))
            for d in daily_store.digests(session)
        ),
    )


def publish(room: Newsroom, report: RunReport) -> BuildReport:
    site = room.site_info()
    with room.db.transaction() as session:
        total = len(articles_store.published_headlines(session))
        pages = article_pages(session) if total <= STREAM_ABOVE else None
        front = front_options(room, session)
    if pages is not None:
        result = build_site(site, pages, room.output_dir, front=front)
    else:
        # A large site is built from the store in batches: memory stays flat however many
        # articles there are (rendering in this process is the price).
        result = build_site_from(site, lambda: stream_pages(room), room.output_dir, front)
    with room.db.transaction() as session:  # each build's ranking is kept, for auditing
        reference = result.ranking[0].reference if result.ranking else None
        frontpage_store.record_build(session, list(result.ranking), front.weights, reference)
    report.count("pages_written", len(result.written))
    report.count("pages_unchanged", len(result.unchanged))
    report.counts["site_articles"] = total
    return result
