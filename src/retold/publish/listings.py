"""Group published articles into the site's listings: latest, topics, sources, archive."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from retold.models import ArticlePage, SiteInfo

from . import dates, urls


@dataclass(frozen=True)
class Entry:
    """One article as a listing shows it."""

    slug: str
    headline: str
    standfirst: str
    label: str
    href: str
    published_iso: str
    published_human: str


@dataclass(frozen=True)
class Listing:
    kind: str  # "latest", "topic", "source" or "archive"
    key: str  # topic slug, source slug, "yyyy/mm"; "" for latest
    title: str  # what the listing is about, e.g. "Transport"
    heading: str  # the page's h1
    base_rel: str
    pages: list[ArticlePage] = field(default_factory=list)  # latest first


@dataclass(frozen=True)
class ListingPage:
    listing: Listing
    number: int
    total: int
    rel: str
    entries: list[Entry]
    prev_href: str  # newer articles
    next_href: str  # older articles


def latest_first(pages: Sequence[ArticlePage]) -> list[ArticlePage]:
    return sorted(pages, key=lambda p: (dates.as_utc(p.published), p.slug), reverse=True)


def entry(site: SiteInfo, page: ArticlePage) -> Entry:
    return Entry(
        slug=page.slug,
        headline=page.headline,
        standfirst=page.standfirst,
        label=page.label,
        href=urls.href(site, urls.article_rel(page.slug)),
        published_iso=dates.iso(page.published),
        published_human=dates.human(page.published),
    )


def paginate(site: SiteInfo, listing: Listing, entries: dict[str, Entry]) -> list[ListingPage]:
    """Page 1 lives at the listing's root, page N at ``page/N/``; an empty listing has one page."""
    per = site.per_page
    total = max(1, -(-len(listing.pages) // per))
    result = []
    for number in range(1, total + 1):
        chunk = listing.pages[(number - 1) * per : number * per]
        result.append(
            ListingPage(
                listing=listing,
                number=number,
                total=total,
                rel=urls.page_rel(listing.base_rel, number),
                entries=[entries[p.slug] for p in chunk],
                prev_href=urls.href(site, urls.page_rel(listing.base_rel, number - 1))
                if number > 1
                else "",
                next_href=urls.href(site, urls.page_rel(listing.base_rel, number + 1))
                if number < total
                else "",
            )
        )
    return result


def _most_common(names: Counter[str], fallback: str) -> str:
    if not names:
        return fallback
    return sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def topic_listings(pages: Sequence[ArticlePage]) -> list[Listing]:
    grouped: dict[str, list[ArticlePage]] = defaultdict(list)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for page in pages:
        for slug in dict.fromkeys(urls.slugify(t) for t in page.topics if t.strip()):
            grouped[slug].append(page)
        for topic in page.topics:
            if topic.strip():
                names[urls.slugify(topic)][topic.strip()] += 1
    return [
        Listing(
            "topic",
            slug,
            (name := _most_common(names[slug], slug)),
            name,
            urls.topic_rel(slug),
            grouped[slug],
        )
        for slug in sorted(grouped)
    ]


def source_listings(pages: Sequence[ArticlePage]) -> list[Listing]:
    """One listing per outlet (by host name): every article based on it."""
    grouped: dict[str, list[ArticlePage]] = defaultdict(list)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for page in pages:
        hosts = dict.fromkeys(urls.host_of(s.url) for s in page.sources)
        for host in hosts:
            if host:
                grouped[host].append(page)
        for source in page.sources:
            if source.site_name.strip():
                names[urls.host_of(source.url)][source.site_name.strip()] += 1
    result = []
    for host in sorted(grouped):
        name = _most_common(names[host], host)
        result.append(
            Listing(
                "source",
                urls.slugify(host),
                name,
                f"Articles based on {name}",
                urls.source_rel(urls.slugify(host)),
                grouped[host],
            )
        )
    return result


def archive_listings(pages: Sequence[ArticlePage]) -> list[Listing]:
    grouped: dict[tuple[int, int], list[ArticlePage]] = defaultdict(list)
    for page in pages:
        moment = dates.as_utc(page.published)
        grouped[(moment.year, moment.month)].append(page)
    return [
        Listing(
            "archive",
            f"{y:04d}/{m:02d}",
            f"{dates.month_name(m)} {y}",
            f"{dates.month_name(m)} {y}",
            urls.archive_rel(y, m),
            grouped[(y, m)],
        )
        for (y, m) in sorted(grouped, reverse=True)
    ]
