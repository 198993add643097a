"""Group published articles into the site's listings: latest, topics, sources, archive."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from retold.publish import dates, ranking, urls
from retold.publish.markup import esc
from retold.records import ArticlePage, SiteInfo, SourceLink


@dataclass(slots=True)
class Entry:
    """One published article as listings, feeds and sitemaps see it.

    The build keeps one per article for its whole run (the pages themselves can stream
    past), so it holds only what those pages print.
    """

    slug: str
    published: datetime  # UTC
    updated: datetime  # UTC
    headline: str
    standfirst: str
    label: str
    topics: tuple[str, ...]
    sources: tuple[SourceLink, ...]
    image: str
    first_seen: bool = False  # ``published`` is only when Retold first saw the sources
    # (outlet slug, sentences the checker found in that outlet's report): what was taken
    taken: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Listing:
    kind: str  # "latest", "topic", "source" or "archive"
    key: str  # topic slug, source slug, "yyyy/mm"; "" for latest
    title: str  # what the listing is about, e.g. "Transport"
    heading: str  # the page's h1
    base_rel: str
    entries: list[Entry]  # latest first
    # The ranked head of page 1, most significant first; the latest list leaves them out
    top: tuple[Entry, ...] = ()

    @property
    def ranked_intro(self) -> str:
        """The intro of a page with a ranked head, which is not simply latest first."""
        n = len(self.entries)
        about = (
            f"about {self.title}"
            if self.kind == "topic"
            else f"retold from reporting by {self.title}"
        )
        return (
            f"{n} article{'' if n == 1 else 's'} {about}: the {len(self.top)} most significant "
            "first, then the rest, latest first."
        )


@dataclass(frozen=True, slots=True)
class ListingPage:
    listing: Listing
    number: int
    total: int
    rel: str
    items: list[Entry]
    prev_href: str  # newer articles
    next_href: str  # older articles
    top: tuple[Entry, ...] = ()  # the listing's top stories (page 1 only)


# A topic or outlet page of at least HEAD_FROM articles opens with its HEAD_SIZE most
# significant (a shorter one is read whole at a glance: ranking it would only repeat it).
HEAD_SIZE = 3
HEAD_FROM = 5

Head = Callable[[Sequence[Entry]], tuple[Entry, ...]]


def ranked_head(ranked: Sequence[ranking.Ranked], size: int = HEAD_SIZE) -> Head:
    """A function giving a listing's top stories by the site's significance ranking.

    The site's rank order restricted to a listing is that listing's order by score, so an
    editor's pin leads here too. A demoted story is never among the top stories.
    """
    order = {r.slug: r.rank for r in ranked if r.placement != ranking.DEMOTE}

    def head(entries: Sequence[Entry]) -> tuple[Entry, ...]:
        if len(entries) < max(HEAD_FROM, size + 1):
            return ()
        ranked_here = sorted((e for e in entries if e.slug in order), key=lambda e: order[e.slug])
        return tuple(ranked_here[:size])

    return head


def _no_head(entries: Sequence[Entry]) -> tuple[Entry, ...]:
    return ()


def entry(page: ArticlePage) -> Entry:
    return Entry(
        slug=page.slug,
        published=dates.as_utc(page.published),
        updated=dates.as_utc(page.updated),
        headline=page.headline,
        standfirst=page.standfirst,
        label=page.label,
        topics=tuple(page.topics),
        sources=tuple(page.sources),
        image=page.image,
        first_seen=page.first_seen,
        taken=_taken(page),
    )


def _taken(page: ArticlePage) -> tuple[tuple[str, int], ...]:
    """How many of the article's sentences rest on each outlet (by the checker's evidence)."""
    counts = Counter(  # counted in C
        _outlet_slug(check.source_url)
        for para in page.paragraphs
        for _, check in para
        if check is not None and check.verdict == "supported" and check.source_url
    )
    counts.pop("", None)  # an evidence URL that names no outlet
    return tuple(sorted(counts.items()))


@functools.lru_cache(maxsize=65536)
def _outlet_slug(url: str) -> str:
    """An evidence URL's outlet slug (cached: an outlet's URLs repeat on every sentence)."""
    host = urls.source_host(url)
    return urls.slugify(host) if host else ""


def latest_first(entries: list[Entry]) -> None:
    """Sort in place, newest first (ties by slug, so every build orders them the same).

    Articles dated only by when Retold first saw them come after every dated one: an
    undated page may be old, and must not lead the front page as if it were new.
    """
    entries.sort(key=lambda e: (not e.first_seen, e.published, e.slug), reverse=True)


def entries_html(site: SiteInfo, items: Sequence[Entry], outlet: str = "", level: int = 2) -> str:
    """The <li> items of a listing page; on an outlet's page (``outlet``, its slug), how
    many sentences of each article were taken from that outlet. ``level``: the headings'
    (3 under a section's own h2)."""
    if outlet:
        return "".join(_entry_html(site, e, _taken_line(e, outlet), level) for e in items)
    return "".join(_entry_html(site, e, "", level) for e in items)


def page_html(site: SiteInfo, lp: ListingPage) -> tuple[str, str]:
    """(top stories, latest) <li> items of a listing page; a page with a ranked head puts
    both lists under h2 sections, so their entries' headings are h3."""
    outlet = lp.listing.key if lp.listing.kind == "source" else ""
    level = 3 if lp.top else 2
    top = entries_html(site, lp.top, outlet, level) if lp.top else ""
    return top, entries_html(site, lp.items, outlet, level)


def _taken_line(e: Entry, outlet: str) -> str:
    n = dict(e.taken).get(outlet, 0)
    if not n:
        return '<p class="taken">No sentence of it was matched to this outlet.</p>\n'
    return f'<p class="taken">{n} sentence{"" if n == 1 else "s"} taken from this outlet.</p>\n'


def _entry_html(site: SiteInfo, e: Entry, extra: str, level: int = 2) -> str:
    return (
        f'<li>\n<h{level}><a href="{esc(urls.href(site, urls.article_rel(e.slug)))}">'
        f"{esc(e.headline)}</a></h{level}>\n"
        f'<p class="standfirst">{esc(e.standfirst)}</p>\n{extra}'
        f'<p class="meta">{dates.date_phrase(e.first_seen)} '
        f'<time datetime="{dates.iso(e.published)}">{dates.human(e.published)}</time> · '
        f'<span class="entry-label">{esc(e.label)}</span></p>\n</li>\n'
    )


def paginate(site: SiteInfo, listing: Listing) -> Iterator[ListingPage]:
    """Page 1 lives at the listing's root, page N at ``page/N/``; an empty listing has one page.

    The top stories head page 1 and are left out of the latest list, which is paginated as
    ever (each story appears once across the pages).
    """
    per = site.per_page
    shown = {e.slug for e in listing.top}
    rest = [e for e in listing.entries if e.slug not in shown] if shown else listing.entries
    total = max(1, -(-len(rest) // per))
    base = listing.base_rel
    for number in range(1, total + 1):
        yield ListingPage(
            listing=listing,
            number=number,
            total=total,
            rel=urls.page_rel(base, number),
            items=rest[(number - 1) * per : number * per],
            prev_href=urls.href(site, urls.page_rel(base, number - 1)) if number > 1 else "",
            next_href=urls.href(site, urls.page_rel(base, number + 1)) if number < total else "",
            top=listing.top if number == 1 else (),
        )


def _most_common(names: Counter[str], fallback: str) -> str:
    if not names:
        return fallback
    return sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def topic_listings(
    entries: Sequence[Entry], ranked: Sequence[ranking.Ranked] | None = None
) -> list[Listing]:
    """One listing per topic; with the site's ``ranked`` stories, each opens with its top."""
    head = ranked_head(ranked) if ranked is not None else _no_head
    grouped: dict[str, list[Entry]] = defaultdict(list)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    slugs: dict[str, str] = {}  # topics repeat: slugify each spelling once
    for e in entries:
        seen = set()
        for topic in e.topics:
            name = topic.strip()
            if not name:
                continue
            slug = slugs.get(topic)
            if slug is None:
                slug = slugs[topic] = urls.slugify(topic)
            names[slug][name] += 1
            if slug not in seen:
                seen.add(slug)
                grouped[slug].append(e)
    return [
        Listing(
            "topic",
            slug,
            (name := _most_common(names[slug], slug)),
            name,
            urls.topic_rel(slug),
            grouped[slug],
            head(grouped[slug]),
        )
        for slug in sorted(grouped)
    ]


def source_listings(
    entries: Sequence[Entry], ranked: Sequence[ranking.Ranked] | None = None
) -> list[Listing]:
    """One listing per outlet (by host name): every article based on it; with the site's
    ``ranked`` stories, each opens with its top."""
    head = ranked_head(ranked) if ranked is not None else _no_head
    grouped: dict[str, list[Entry]] = defaultdict(list)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entries:
        # Only a URL that could be linked names an outlet: "javascript://evil.example/..."
        # has a host too, and must not get a source page of its own.
        hosts = dict.fromkeys(urls.source_host(s.url) for s in e.sources)
        for host in hosts:
            if host:
                grouped[host].append(e)
        for source in e.sources:
            if source.site_name.strip():
                names[urls.source_host(source.url)][source.site_name.strip()] += 1
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
                head(grouped[host]),
            )
        )
    return result


def archive_listings(entries: Sequence[Entry]) -> list[Listing]:
    grouped: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    for e in entries:
        grouped[(e.published.year, e.published.month)].append(e)
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
