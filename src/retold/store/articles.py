"""Stories, articles, their versions and sentence checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from retold.desk.models import DeskAction
from retold.records import Draft, SentenceCheck, SourceLink, VersionRecord
from retold.store.documents import plausible_date
from retold.store.schema import (
    Article,
    ArticleVersion,
    Document,
    SentenceCheckRow,
    Story,
    WriteCache,
    aware,
    utcnow,
)
from retold.verify.label import with_review

# Tries at writing a story or checking an article before it is quarantined: enough to
# ride out a transient fault, few enough that a poison item can't stall the newsroom.
MAX_ATTEMPTS = 3
QUARANTINED = "quarantined"


def new_story(session: Session, signature: dict[str, Any]) -> Story:
    story = Story(signature=signature)
    session.add(story)
    session.flush()
    return story


def waiting_to_write(story: Story) -> bool:
    """The one-story form of ``stories_to_write``'s condition."""
    return bool(story.needs_write) and story.status != QUARANTINED


def stories_to_write(session: Session) -> list[Story]:
    """Stories waiting for the writer; a quarantined one waits for a person, not a run."""
    query = (
        select(Story)
        .where(Story.needs_write.is_(True), Story.status != QUARANTINED)
        .order_by(Story.id)
    )
    return list(session.scalars(query))


def begin_attempt(item: Story | Article) -> None:
    """Count a try before making it (commit right after), so a crash in it still counts."""
    item.attempts += 1
    item.last_error = ""


def end_attempt(item: Story | Article) -> None:
    """The try finished (written, checked, skipped): the item starts clean next time."""
    item.attempts, item.last_error = 0, ""


def undo_attempt(item: Story | Article) -> None:
    """The try was stopped by something else (Ctrl-C, the writer down): don't count it."""
    item.attempts = max(0, item.attempts - 1)


def spent(item: Story | Article) -> bool:
    """Whether the item has had its tries; if so, it is quarantined (see quarantine)."""
    if item.attempts < MAX_ATTEMPTS:
        return False
    quarantine(item)
    return True


def quarantine(item: Story | Article) -> str:
    """Set the item aside with the reason (shown by `retold status`); returns the reason.

    A try that recorded no error never finished: the process died in it (a crash, or
    the kernel's out-of-memory killer), and nothing else could have said so.
    """
    doing = "writing" if isinstance(item, Story) else "checking"
    why = item.last_error or f"the process died while {doing} it (a crash or out of memory)."
    reason = f"Quarantined after {item.attempts} attempts: {why}"
    item.status, item.last_error = QUARANTINED, reason
    if isinstance(item, Story):
        item.needs_write, item.note = False, reason
    return reason


def quarantined(session: Session) -> list[dict[str, Any]]:
    """Quarantined stories and articles with their reasons, for `retold status`."""
    out: list[dict[str, Any]] = []
    for story in session.scalars(
        select(Story).where(Story.status == QUARANTINED).order_by(Story.id)
    ):
        title = session.scalar(
            select(Document.title).where(Document.story_id == story.id).order_by(Document.id)
        )
        out.append(
            {
                "kind": "story",
                "id": story.id,
                "title": title or "",
                "attempts": story.attempts,
                "reason": story.last_error or story.note,
            }
        )
    query = (
        select(Article, ArticleVersion.headline)
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .where(Article.status == QUARANTINED, ArticleVersion.version == Article.current_version)
        .order_by(Article.id)
    )
    for article, headline in session.execute(query):
        out.append(
            {
                "kind": "article",
                "id": article.id,
                "slug": article.slug,
                "title": headline,
                "attempts": article.attempts,
                "reason": article.last_error,
            }
        )
    return out


def release(session: Session, target: str | None) -> list[str]:
    """Give quarantined items their tries back: a story id, an article slug, or all (None).

    Returns what was released, as `retold status` names it. A story is written again and
    an article checked again on the next run.
    """
    released: list[str] = []
    stories = select(Story).where(Story.status == QUARANTINED)
    articles = select(Article).where(Article.status == QUARANTINED)
    if target is not None:
        story_id = int(target) if target.isdigit() else -1
        stories = stories.where(Story.id == story_id)
        articles = articles.where(Article.slug == target)
    for story in session.scalars(stories):
        story.status, story.needs_write, story.note = "new", True, ""
        end_attempt(story)
        released.append(f"story {story.id}")
    for article in session.scalars(articles):
        article.status = "draft"  # its current version is unchecked: the next run checks it
        end_attempt(article)
        released.append(article.slug)
    return released


def story_signatures(session: Session) -> list[tuple[int, dict[str, Any]]]:
    return [(s.id, s.signature) for s in session.scalars(select(Story).order_by(Story.id))]


def slugify(text: str, max_len: int = 70) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "article"


def unique_slug(session: Session, headline: str, when: datetime, source_url: str = "") -> str:
    """``yyyy/mm/words-of-the-headline``, numbered when taken.

    A headline with no Latin letters (Japanese, Thai) gives no words: the last segment of
    the source's URL often has some ("night-market-reopens", "k10014767891000").
    """
    # The year and month of a URL are a real date: never /1/01/ from a placeholder date.
    when = plausible_date(when) or utcnow()
    words = slugify(headline)
    if words == "article" and source_url:
        segment = urlsplit(source_url).path.rstrip("/").rsplit("/", 1)[-1]
        words = slugify(segment.rsplit(".", 1)[0] if "." in segment else segment)
    base = f"{when.year:04d}/{when.month:02d}/{words}"
    slug, n = base, 1
    while session.scalar(select(Article.id).where(Article.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def add_version(
    session: Session, story: Story, draft: Draft, sources: list[dict[str, Any]], when: datetime
) -> ArticleVersion:
    """Append a new version of the story's article (creating the article the first time)."""
    article = session.scalar(select(Article).where(Article.story_id == story.id))
    if article is None:
        url = sources[0].get("url", "") if sources else ""
        article = Article(story_id=story.id, slug=unique_slug(session, draft.headline, when, url))
        session.add(article)
        session.flush()
    article.current_version += 1
    if article.status != QUARANTINED:  # set aside stays set aside, whatever is written
        article.status = "draft"
    article.embedding = None  # new text, new vector
    article.updated_at = utcnow()
    # A review covers the text that was reviewed: a new text is not "reviewed by an editor"
    # until someone approves it again (the desk shows it in its queue).
    article.reviewed_at = None
    version = ArticleVersion(
        article_id=article.id,
        version=article.current_version,
        headline=draft.headline,
        standfirst=draft.standfirst,
        paragraphs=list(draft.paragraphs),
        teaser=draft.teaser,
        topics=list(draft.topics),
        sources=sources,
        backend=draft.backend,
        model=draft.model,
        prompt_version=draft.prompt_version,
        tokens_in=draft.tokens_in,
        tokens_out=draft.tokens_out,
        latency_ms=draft.latency_ms,
        imagined=draft.imagined,
        note=draft.note,
        cites=dict(draft.cites),
    )
    session.add(version)
    session.flush()
    return version


def current_version(session: Session, article: Article) -> ArticleVersion:
    version = session.scalar(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article.id,
            ArticleVersion.version == article.current_version,
        )
    )
    assert version is not None, f"article {article.id} has no version {article.current_version}"
    return version


def approve(session: Session, slug: str) -> bool:
    """An editor approved the article `slug` (False: there is none).

    Its label says so at once (so `retold build` alone publishes the review); its current
    version is also checked again on the next run, which publishes the text as approved,
    marks and all.
    """
    article = session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        return False
    article.reviewed_at = utcnow()
    article.status = "published"
    if article.published_at is None:
        article.published_at = utcnow()
    version = session.scalar(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article.id,
            ArticleVersion.version == article.current_version,
        )
    )
    if version is not None:
        if version.label:
            version.label = with_review(version.label, aware(article.reviewed_at).date())
        version.checked = False  # recompute the label, now with the editor's review
    return True


def waiting_to_check(session: Session, version: ArticleVersion) -> bool:
    """The one-version form of ``unchecked_versions``'s condition."""
    article = session.get(Article, version.article_id)
    return (
        not version.checked
        and article is not None
        and article.current_version == version.version
        and article.status != QUARANTINED
    )


def unchecked_versions(session: Session) -> list[ArticleVersion]:
    query = (
        select(ArticleVersion)
        .join(Article, Article.id == ArticleVersion.article_id)
        .where(
            ArticleVersion.checked.is_(False),
            Article.current_version == ArticleVersion.version,
            Article.status != QUARANTINED,
        )
        .order_by(ArticleVersion.id)
    )
    return list(session.scalars(query))


def save_checks(session: Session, version: ArticleVersion, checks: Sequence[SentenceCheck]) -> None:
    for row in list(version.checks):
        session.delete(row)
    session.flush()
    for idx, check in enumerate(checks):
        session.add(
            SentenceCheckRow(
                article_version_id=version.id,
                idx=idx,
                paragraph=check.paragraph,
                text=check.text,
                verdict=check.verdict,
                score=check.score,
                reason=check.reason,
                evidence=check.evidence,
                source_url=check.source_url,
            )
        )
    session.flush()
    session.expire(version, ["checks"])


def load_checks(version: ArticleVersion) -> list[SentenceCheck]:
    return [
        SentenceCheck(
            paragraph=r.paragraph,
            text=r.text,
            verdict=r.verdict,
            score=r.score,
            reason=r.reason,
            evidence=r.evidence,
            source_url=r.source_url,
        )
        for r in version.checks
    ]


def published_headlines(session: Session) -> list[tuple[int, str, str, str]]:
    """(id, slug, headline, teaser) of every published article, in `published_articles` order.

    What related lists need of the whole site, without loading any article's body.
    """
    query = (
        select(Article.id, Article.slug, ArticleVersion.headline, ArticleVersion.teaser)
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .where(Article.status == "published", ArticleVersion.version == Article.current_version)
        .order_by(Article.published_at.desc(), Article.id.desc())
    )
    return [(row[0], row[1], row[2], row[3]) for row in session.execute(query)]


def published_articles(
    session: Session, ids: Sequence[int] | None = None, *, with_checks: bool = False
) -> list[tuple[Article, ArticleVersion]]:
    """Published articles with their current versions, newest first (only ``ids`` if given).

    ``with_checks`` loads every version's sentence checks too, in a few batched queries
    rather than one per article (the site needs them all; one each took most of a build).
    """
    query = (
        select(Article, ArticleVersion)
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .where(Article.status == "published", ArticleVersion.version == Article.current_version)
        .order_by(Article.published_at.desc(), Article.id.desc())
    )
    if ids is not None:
        query = query.where(Article.id.in_(ids))
    if with_checks:
        query = query.options(selectinload(ArticleVersion.checks))
    return [(row[0], row[1]) for row in session.execute(query)]


# Desk actions that make a new version of an article (an undo's is found by its text).
VERSION_ACTIONS = ("edit", "rewrite")


def version_history(
    session: Session, ids: Sequence[int] | None = None
) -> dict[int, list[VersionRecord]]:
    """Each updated published article's versions (only ``ids`` if given), oldest first.

    Only what the public change log needs: no checks, cites or labels, and nothing for an
    article with a single version (most of them). Two queries per call, however many
    articles: the versions, then the desk's record of which action made which version.
    """
    query = (
        select(
            ArticleVersion.article_id, ArticleVersion.version, ArticleVersion.created_at,
            ArticleVersion.headline, ArticleVersion.standfirst, ArticleVersion.paragraphs,
            ArticleVersion.sources, ArticleVersion.topics,
        )
        .join(Article, Article.id == ArticleVersion.article_id)
        .where(
            Article.status == "published",
            Article.current_version > 1,
            ArticleVersion.version <= Article.current_version,
        )
        .order_by(ArticleVersion.article_id, ArticleVersion.version)
    )  # fmt: skip
    if ids is not None:
        query = query.where(Article.id.in_(list(ids)))
    rows = list(session.execute(query))
    if not rows:
        return {}
    made_by = _desk_versions(session, sorted({row[0] for row in rows}))
    out: dict[int, list[VersionRecord]] = {}
    for article_id, number, created, headline, standfirst, paragraphs, stored, topics in rows:
        sources: list[dict[str, Any]] = list(stored or [])
        desk, reason = made_by.get((article_id, number), ("", ""))
        out.setdefault(article_id, []).append(
            VersionRecord(
                version=number,
                when=aware(created),
                headline=headline,
                standfirst=standfirst,
                paragraphs=tuple(paragraphs or ()),
                sources=tuple(
                    SourceLink(s.get("url", ""), s.get("title", ""), s.get("site_name", ""))
                    for s in sources
                ),
                source_versions=tuple(
                    (s.get("url", ""), int(s.get("version") or 0)) for s in sources
                ),
                topics=tuple(topics or ()),
                desk=desk,
                reason=reason,
            )
        )
    return out


def _desk_versions(session: Session, ids: list[int]) -> dict[tuple[int, int], tuple[str, str]]:
    """(article id, version) -> (desk action, editor's reason) for versions the desk made."""
    query = select(DeskAction.article_id, DeskAction.action, DeskAction.reason, DeskAction.after)
    query = query.where(DeskAction.article_id.in_(ids), DeskAction.action.in_(VERSION_ACTIONS))
    out: dict[tuple[int, int], tuple[str, str]] = {}
    for article_id, action, reason, after in session.execute(query.order_by(DeskAction.id)):
        version = (after or {}).get("version")
        if article_id is not None and isinstance(version, int):
            out[(article_id, version)] = (action, reason)
    return out


class Relatable(NamedTuple):
    """What related lists need of a published article (no text)."""

    id: int
    story_id: int | None
    published_at: datetime | None
    embedding: bytes | None
    related: list[int]


def relatable_articles(session: Session) -> list[Relatable]:
    """Every published article's relate columns, in `published_articles` order."""
    query = (
        select(Article.id, Article.story_id, Article.published_at, Article.embedding,
               Article.related)
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .where(Article.status == "published", ArticleVersion.version == Article.current_version)
        .order_by(Article.published_at.desc(), Article.id.desc())
    )  # fmt: skip
    return [Relatable(r[0], r[1], r[2], r[3], list(r[4] or [])) for r in session.execute(query)]


def cached_draft(session: Session, key: str) -> dict[str, Any] | None:
    row = session.get(WriteCache, key)
    return row.draft if row else None


def cache_draft(session: Session, key: str, draft: dict[str, Any]) -> None:
    if session.get(WriteCache, key) is None:
        session.add(WriteCache(key=key, draft=draft))
