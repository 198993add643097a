"""Plain data passed between stages.

Every stage reads and writes these through the store; none of them knows
about SQLAlchemy. Keep them small, frozen where possible, and serialisable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, with its link already resolved against the feed URL."""

    url: str
    title: str = ""
    summary: str = ""
    author: str = ""
    published: datetime | None = None
    content_html: str = ""  # full content when the feed carries it (content:encoded, Atom content)
    image: str = ""


@dataclass(frozen=True)
class Extracted:
    """Clean main text and metadata of one fetched page."""

    title: str
    text: str  # paragraphs separated by blank lines
    author: str = ""
    date: datetime | None = None
    language: str = ""
    site_name: str = ""
    image: str = ""
    canonical_url: str = ""
    excerpt_only: bool = False  # paywall, teaser, consent wall, too little text
    excerpt_reason: str = ""


@dataclass(frozen=True)
class SourceDoc:
    """A document as the writer and checker see it."""

    id: int
    url: str
    title: str
    text: str
    site_name: str = ""
    author: str = ""
    published: datetime | None = None
    excerpt_only: bool = False


@dataclass(frozen=True)
class Draft:
    """What a writer backend returns for one story."""

    headline: str
    standfirst: str
    paragraphs: list[str]
    teaser: str
    topics: list[str] = field(default_factory=list)
    backend: str = "extractive"
    model: str = ""
    prompt_version: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: float = 0.0
    imagined: bool = False  # written from an excerpt only: carries the seed label
    note: str = ""  # e.g. why a fallback happened
    # Body sentence (as text.sentences.match_key folds it) -> the source sentences the
    # writer says it rests on: the checker's first evidence candidates for it.
    cites: dict[str, list[str]] = field(default_factory=dict)


VERDICTS = ("supported", "unsupported", "contradicted")


@dataclass(frozen=True)
class SentenceCheck:
    """The checker's verdict on one sentence of an article."""

    paragraph: int  # index of the paragraph (-1 for headline, -2 for standfirst)
    text: str
    verdict: str  # one of VERDICTS
    score: float  # support in [0, 1]
    reason: str = ""
    evidence: str = ""  # the source passage that best supports it
    source_url: str = ""


@dataclass(frozen=True)
class SourceLink:
    url: str
    title: str = ""
    site_name: str = ""


@dataclass(frozen=True)
class RelatedLink:
    slug: str
    headline: str
    teaser: str


@dataclass(frozen=True)
class CorrectionNote:
    """A correction an editor issued on a published article (shown under it, in its feed
    item and on the site's corrections page)."""

    when: datetime
    note: str


@dataclass(frozen=True)
class VersionRecord:
    """What the change log needs of one stored version of an article (no checks, no label).

    ``desk`` says which desk action made it ("edit" or "rewrite"; "" for the pipeline and
    for an undo, which the change log recognises by its text) and ``reason`` what the desk
    recorded with it: an edit's stated reason (public) or a rewrite's brief (never shown).
    """

    version: int
    when: datetime
    headline: str
    standfirst: str
    paragraphs: tuple[str, ...]
    sources: tuple[SourceLink, ...] = ()
    # (source URL, the document version it was written from), in ``sources`` order
    source_versions: tuple[tuple[str, int], ...] = ()
    topics: tuple[str, ...] = ()
    desk: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ArticleUpdate:
    """One entry of an article's public change log after its first publication."""

    when: datetime
    version: int
    text: str  # one plain line, e.g. "Updated with reporting from Northfield Courier."


@dataclass(frozen=True)
class ArticlePage:
    """Everything the site builder needs for one article page; no logic left to do."""

    slug: str  # e.g. "2026/11/harbour-bridge-closes" (no extension)
    headline: str
    standfirst: str
    teaser: str
    label: str  # the label banner sentence(s)
    # paragraphs of sentences; each sentence carries its check (or None if unchecked)
    paragraphs: list[list[tuple[str, SentenceCheck | None]]]
    sources: list[SourceLink]
    topics: list[str]
    published: datetime
    updated: datetime
    related: list[RelatedLink] = field(default_factory=list)
    image: str = ""
    version: int = 1
    backend: str = "extractive"
    held: bool = False
    reviewed_on: datetime | None = None
    # `published` is only when Retold first saw the sources (they gave no plausible date):
    # pages say "First seen", JSON-LD and feeds claim no publication date, listings put it last.
    first_seen: bool = False
    corrections: list[CorrectionNote] = field(default_factory=list)  # oldest first
    # The versions after the first publication, oldest first (see publish.timeline)
    updates: list[ArticleUpdate] = field(default_factory=list)


@dataclass(frozen=True)
class SiteInfo:
    title: str
    base_url: str  # absolute, no trailing slash, e.g. "https://news.example.org"
    language: str = "en"
    description: str = ""
    per_page: int = 20
    # Readers' "Report an error": a mailto: address, and the desk's URL when the desk is
    # served behind the site (its form posts to <report_url>/report).
    report_email: str = ""
    report_url: str = ""
