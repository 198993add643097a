"""A small real newsroom for the desk tests: documents, stories, checked articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from retold.desk import actions
from retold.newsroom import Newsroom
from retold.store import articles as articles_store
from retold.store.schema import Article, ArticleVersion, Document, Story
from retold.verify.judges import judge_checks
from retold.verify.label import label_for

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

HARBOUR = (
    "The Harbour Bridge will close for repairs on Monday, the city council said. "
    "Engineers found corrosion in two of the bridge's steel cables during an inspection "
    "in October. The closure is expected to last eighteen months and will cost 42 million "
    "euros.\n\nFerries will run every ten minutes while the bridge is closed, the transport "
    "office said. Cyclists can use the old tunnel under the river."
)
HARBOUR_ARTICLE = [
    "The Harbour Bridge will close for repairs on Monday, the city council said. Engineers "
    "found corrosion in two of the bridge's steel cables during an inspection in October.",
    "The closure is expected to last eighteen months and will cost 42 million euros. The "
    "mayor promised free bus rides for every resident of the island.",
    "Ferries will run every ten minutes while the bridge is closed, the transport office said.",
]
HOSTILE_TEXT = (
    'Residents packed the hall <script>alert("src")</script> on Tuesday night. '
    "The library will open on Sundays from January, the board decided. "
    '<img src=x onerror=alert("img")> The board voted seven to two in favour.'
)
HOSTILE_ARTICLE = [
    'Residents packed the hall <script>alert("src")</script> on Tuesday night. The library '
    "will open on Sundays from January, the board decided.",
    '<img src=x onerror=alert("img")> The board voted seven to two in favour.',
]


def add_article(
    room: Newsroom,
    *,
    url: str,
    site_name: str,
    title: str,
    text: str,
    headline: str,
    paragraphs: list[str],
    topics: list[str],
    status: str | None = None,
) -> int:
    """One story from one document, written as ``paragraphs`` and checked for real."""
    check = actions.rule_checker(lambda c: judge_checks(None, c))
    with room.db.transaction() as session:
        story = Story(status="written", needs_write=False)
        session.add(story)
        session.flush()
        doc = Document(
            url=url, fetch_url=url, status="ready", title=title, text=text,
            site_name=site_name, published=WHEN, story_id=story.id,
        )  # fmt: skip
        session.add(doc)
        session.flush()
        article = Article(story_id=story.id, slug=f"2026/11/{url.rsplit('/', 1)[-1]}")
        article.current_version = 1
        article.updated_at = WHEN
        session.add(article)
        session.flush()
        version = ArticleVersion(
            article_id=article.id, version=1, headline=headline,
            standfirst=f"{headline}: what happened.", paragraphs=paragraphs,
            teaser="An AI wonders what happens next.", topics=topics,
            sources=[{"document_id": doc.id, "version": 1, "url": url, "title": title,
                      "site_name": site_name}],
            backend="extractive", checked=True,
        )  # fmt: skip
        session.add(version)
        session.flush()
        checks = check(paragraphs, actions.source_docs(session, version), {})
        articles_store.save_checks(session, version, checks)
        version.label = label_for(checks, backend="extractive", imagined=False)
        failing = any(c.verdict != "supported" for c in checks)
        article.status = status or ("held" if failing else "published")
        if article.status == "published":
            article.published_at = WHEN
        return article.id


def seed(root: Path) -> dict[str, int]:
    """A newsroom at ``root``: a held article, a published one, and a hostile source."""
    Newsroom.init(root, title="Desk News", base_url="http://127.0.0.1:9").close()
    with Newsroom.open(root) as room:
        ids = {
            "held": add_article(
                room, url="https://harbour.example/bridge-closes", site_name="Harbour Times",
                title="Bridge to close", text=HARBOUR, headline="Harbour Bridge to close",
                paragraphs=HARBOUR_ARTICLE, topics=["Transport"],
            ),
            "published": add_article(
                room, url="https://harbour.example/ferries", site_name="Harbour Times",
                title="Ferries", text=HARBOUR, headline="Ferries every ten minutes",
                paragraphs=[HARBOUR_ARTICLE[0], HARBOUR_ARTICLE[2]], topics=["Transport"],
            ),
            "hostile": add_article(
                room, url="https://evil.example/library", site_name='Evil <b>"Gazette"</b>',
                title='<script>alert("title")</script>', text=HOSTILE_TEXT,
                headline='Library <script>alert("h")</script> opens Sundays',
                paragraphs=HOSTILE_ARTICLE, topics=["Libraries"], status="held",
            ),
        }  # fmt: skip
    return ids
