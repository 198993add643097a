"""Turn an ArticlePage into exactly what the article template prints (no logic left for it)."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote

from retold.models import ArticlePage, SentenceCheck, SiteInfo, SourceLink

from . import dates, metadata, urls
from .share import ShareLink, share_links

# What a reader (and a screen reader) is told about a sentence, by verdict.
FLAGS = {
    "unsupported": ("not in source", "(not found in the source)"),
    "contradicted": ("contradicts source", "(contradicted by the source)"),
}
VERDICT_TEXT = {
    "supported": "Matches the source",
    "unsupported": "Not found in the source",
    "contradicted": "Contradicted by the source",
}


class Sentence(NamedTuple):
    """A tuple so the template can unpack it cheaply: a page has dozens of these."""

    text: str
    note: int | None = None  # number of its evidence note, None when unchecked
    flag: str = ""  # visible marker for sentences the checker could not match
    flag_sr: str = ""  # the same, worded for screen readers


class Note(NamedTuple):
    number: int
    verdict: str
    verdict_text: str
    evidence: str
    reason: str
    source_name: str
    source_url: str
    link: str  # source URL, with a text fragment pointing at the passage where possible


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    url: str


@dataclass(frozen=True)
class Related:
    headline: str
    teaser: str
    href: str


@dataclass(frozen=True)
class Topic:
    name: str
    href: str


@dataclass(frozen=True)
class ArticleView:
    page: ArticlePage
    url: str
    paragraphs: list[list[Sentence]]
    notes: list[Note]
    unmatched: int
    sources: list[Source]
    related: list[Related]
    topics: list[Topic]
    share: tuple[ShareLink, ...]
    description: str
    json_ld: str
    social: list[tuple[str, str, str]]
    published_iso: str
    published_human: str
    updated_iso: str
    updated_human: str  # empty when the article was never updated on a later day


# Percent-encoding for URL text fragments, as a translate table (quote() is slow per call).
# '-', ',' and '&' are syntax inside text fragments, so they are escaped too.
_FRAGMENT_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~")
_FRAGMENT_ESCAPES = {c: f"%{c:02X}" for c in range(128) if chr(c) not in _FRAGMENT_SAFE}


def source_name(source: SourceLink) -> str:
    return source.site_name.strip() or urls.host_of(source.url) or source.url


def text_fragment_link(url: str, passage: str) -> str:
    """Link to ``url`` scrolled to ``passage`` (URL text fragments; ignored where unsupported)."""
    words = passage.split()
    if not url or "#" in url or len(words) < 3:
        return url

    def enc(part: list[str]) -> str:
        text = " ".join(part)
        if text.isascii():
            return text.translate(_FRAGMENT_ESCAPES)
        return quote(text, safe="").replace("-", "%2D")

    if len(words) <= 10:
        return f"{url}#:~:text={enc(words)}"
    return f"{url}#:~:text={enc(words[:5])},{enc(words[-5:])}"


def _sentence_and_note(
    text: str, check: SentenceCheck | None, number: int, names: dict[str, str]
) -> tuple[Sentence, Note | None]:
    if check is None:
        return Sentence(text=text), None
    flag, flag_sr = FLAGS.get(check.verdict, ("", ""))
    evidence = check.evidence.strip()
    note = Note(
        number=number,
        verdict=check.verdict,
        verdict_text=VERDICT_TEXT.get(check.verdict, check.verdict.capitalize()),
        evidence=evidence,
        reason=check.reason.strip(),
        source_name=names.get(check.source_url, "")
        or urls.host_of(check.source_url)
        or "the source",
        source_url=check.source_url,
        link=text_fragment_link(check.source_url, evidence),
    )
    return Sentence(text=text, note=number, flag=flag, flag_sr=flag_sr), note


def article_view(
    site: SiteInfo, page: ArticlePage, published_slugs: Set[str] | None = None
) -> ArticleView:
    """Everything the article template needs. Related links to unpublished slugs are dropped."""
    url = urls.article_url(site, page.slug)
    names = {source.url: source_name(source) for source in page.sources}
    paragraphs: list[list[Sentence]] = []
    notes: list[Note] = []
    for paragraph in page.paragraphs:
        sentences = []
        for text, check in paragraph:
            sentence, note = _sentence_and_note(text.strip(), check, len(notes) + 1, names)
            sentences.append(sentence)
            if note is not None:
                notes.append(note)
        if sentences:
            paragraphs.append(sentences)
    related = [
        Related(link.headline, link.teaser, urls.href(site, urls.article_rel(link.slug)))
        for link in page.related
        if link.slug != page.slug and (published_slugs is None or link.slug in published_slugs)
    ]
    updated = dates.human(page.updated)
    published = dates.human(page.published)
    return ArticleView(
        page=page,
        url=url,
        paragraphs=paragraphs,
        notes=notes,
        unmatched=sum(1 for note in notes if note.verdict != "supported"),
        sources=[Source(source_name(s), s.title.strip() or s.url, s.url) for s in page.sources],
        related=related,
        topics=[Topic(t, urls.href(site, urls.topic_rel(urls.slugify(t)))) for t in page.topics],
        share=share_links(page.headline, url),
        description=metadata.description(page),
        json_ld=metadata.json_ld_script(site, page),
        social=metadata.social_tags(site, page),
        published_iso=dates.iso(page.published),
        published_human=published,
        updated_iso=dates.iso(page.updated),
        updated_human=updated if updated != published else "",
    )
