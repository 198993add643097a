"""build_site: every page, feed and sitemap of the site from a list of ArticlePages."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.models import ArticlePage, SiteInfo

from . import feeds, listings, render, sitemaps, urls, workers
from .article import ArticleView, article_view
from .errors import PublishError
from .listings import Listing, ListingPage
from .output import SiteWriter


@dataclass(frozen=True)
class BuildReport:
    """What a build did. Paths are relative to the output directory."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    seconds: float
    build_dir: Path  # the directory ``out_dir`` now points at

    def __str__(self) -> str:
        return (
            f"{len(self.written)} written, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed in {self.seconds:.2f} s"
        )


@dataclass(frozen=True)
class _Feed:
    type: str
    title: str
    href: str


class _Site:
    """Per-build rendering state: the site, its shared template context, memoised views."""

    def __init__(self, site: SiteInfo, published: list[ArticlePage]) -> None:
        self.site = site
        self.published = published
        self.slugs = frozenset(p.slug for p in published)
        self.assets = {name: urls.href(site, a.rel) for name, a in render.assets().items()}
        self.nav = {
            "home": urls.href(site, ""),
            "topics": urls.href(site, "topics/"),
            "sources": urls.href(site, "sources/"),
            "archive": urls.href(site, "archive/"),
            "feed": urls.href(site, "feed.xml"),
            "atom": urls.href(site, "atom.xml"),
            "json": urls.href(site, "feed.json"),
        }
        self.site_feeds = self.feed_links("", site.title)
        self._views: dict[str, ArticleView] = {}
        self._feed_html: dict[str, str] = {}
        self._base_key = hashlib.blake2b(
            (render.fingerprint() + repr(site)).encode(), digest_size=16
        ).digest()

    def feed_links(self, dir_rel: str, title: str) -> list[_Feed]:
        return [
            _Feed(
                feeds.FEED_TYPES[kind],
                f"{title} ({label})",
                urls.href(self.site, dir_rel + feeds.FEED_FILES[kind]),
            )
            for kind, label in (("rss", "RSS"), ("atom", "Atom"), ("json", "JSON Feed"))
        ]

    def context(self, rel: str, title: str, description: str, **extra: Any) -> dict[str, Any]:
        return {
            "site": self.site,
            "assets": self.assets,
            "nav": self.nav,
            "feeds": self.site_feeds,
            "canonical": urls.absolute(self.site, rel),
            "title": title,
            "description": description,
            **extra,
        }

    def view(self, page: ArticlePage) -> ArticleView:
        view = self._views.get(page.slug)
        if view is None:
            view = self._views[page.slug] = article_view(self.site, page, self.slugs)
        return view

    def article_key(self, page: ArticlePage) -> str:
        """Everything an article page depends on: code, site, the page, which links resolve."""
        digest = hashlib.blake2b(self._base_key, digest_size=16)
        digest.update(repr(page).encode())
        for link in page.related:
            digest.update(b"\x01" if link.slug in self.slugs else b"\x00")
        return digest.hexdigest()

    def article_html(self, page: ArticlePage) -> bytes:
        view = self.view(page)
        ctx = self.context(
            urls.article_rel(page.slug),
            f"{page.headline} · {self.site.title}",
            view.description,
            a=view,
        )
        return render.template("article.html").render(ctx).encode()

    def feed_content(self, page: ArticlePage) -> str:
        html = self._feed_html.get(page.slug)
        if html is None:
            html = render.template("feed_content.html").render(a=self.view(page))
            self._feed_html[page.slug] = html
        return html

    def listing_html(self, lp: ListingPage, intro: str, feeds_: list[_Feed]) -> bytes:
        listing = lp.listing
        title = listing.heading if lp.number == 1 else f"{listing.heading}, page {lp.number}"
        heading = (
            title
            if listing.kind != "latest"
            else ("Latest articles" if lp.number == 1 else f"Latest articles, page {lp.number}")
        )
        ctx = self.context(
            lp.rel,
            self.site.title
            if listing.kind == "latest" and lp.number == 1
            else f"{title} · {self.site.title}",
            intro or self.site.description or self.site.title,
            heading=heading,
            intro=intro,
            p=lp,
        )
        ctx["feeds"] = feeds_
        return render.template("listing.html").render(ctx).encode()

    def directory_html(
        self, rel: str, heading: str, intro: str, items: list[dict[str, Any]]
    ) -> bytes:
        ctx = self.context(
            rel, f"{heading} · {self.site.title}", intro, heading=heading, intro=intro, items=items
        )
        return render.template("directory.html").render(ctx).encode()


def _published(pages: Sequence[ArticlePage]) -> list[ArticlePage]:
    seen: set[str] = set()
    result = []
    for page in pages:
        if page.held:
            continue
        urls.check_slug(page.slug)
        if page.slug in seen:
            raise PublishError(f"Two articles share the slug {page.slug!r}; slugs must be unique.")
        seen.add(page.slug)
        result.append(page)
    return listings.latest_first(result)


def _intro(listing: Listing) -> str:
    n = len(listing.pages)
    count = f"{n} article{'' if n == 1 else 's'}"
    if listing.kind == "topic":
        return f"{count} about {listing.title}, latest first."
    if listing.kind == "source":
        return f"{count} retold from reporting by {listing.title}, latest first."
    if listing.kind == "archive":
        return f"{count} published in {listing.title}."
    return ""


def build_site(
    site: SiteInfo,
    pages: Sequence[ArticlePage],
    out_dir: Path,
    *,
    processes: int | None = None,
) -> BuildReport:
    """Build the whole site into ``out_dir`` incrementally and swap it in atomically.

    ``pages`` is every article the site should contain: held pages are left out, and
    pages published by an earlier build that are missing now are removed.
    ``processes`` caps the worker processes that render article pages (default: one per
    CPU on Linux; 1 renders everything in this process).
    """
    started = time.perf_counter()
    urls.check_site(site)
    published = _published(pages)
    state = _Site(site, published)

    with SiteWriter(Path(out_dir)) as out:

        def article(page: ArticlePage) -> workers.Result:
            rel = urls.file_for(urls.article_rel(page.slug))
            key = state.article_key(page)
            digest, written = out.place(rel, lambda: state.article_html(page), key)
            return rel, digest, key, written

        results = workers.render_articles(
            published,
            article,
            workers.default_workers() if processes is None else processes,
            while_waiting=lambda: _write_the_rest(state, out),
        )
        workers.record_all(out, results)
        out.commit()
        assert out.new is not None
        changes = out.changes
        return BuildReport(
            written=tuple(sorted(changes.written)),
            unchanged=tuple(sorted(changes.unchanged)),
            removed=tuple(changes.removed),
            seconds=time.perf_counter() - started,
            build_dir=out.new,
        )


def _write_the_rest(state: _Site, out: SiteWriter) -> None:
    """Everything but article pages: assets, listings, feeds, sitemaps."""
    site, published = state.site, state.published
    for asset in render.assets().values():
        out.put(asset.rel, asset.data)

    latest = Listing("latest", "", site.title, site.title, "", published)
    topic_ls = listings.topic_listings(published)
    source_ls = listings.source_listings(published)
    archive_ls = listings.archive_listings(published)
    entries = {p.slug: listings.entry(site, p) for p in published}

    for listing in [latest, *topic_ls, *source_ls, *archive_ls]:
        intro = _intro(listing)
        listing_feeds = state.site_feeds
        if listing.kind == "topic":
            listing_feeds = state.feed_links(listing.base_rel, f"{listing.title} · {site.title}")
        for lp in listings.paginate(site, listing, entries):
            out.put(urls.file_for(lp.rel), state.listing_html(lp, intro, listing_feeds))

    directories = (
        ("topics/", "Topics", "Every topic covered, with the number of articles.", topic_ls),
        ("sources/", "Sources", "Every outlet whose reporting was retold here.", source_ls),
        ("archive/", "Archive", "Articles by month of publication.", archive_ls),
    )
    for rel, heading, intro, group in directories:
        items = [
            {"title": ls.title, "href": urls.href(site, ls.base_rel), "count": len(ls.pages)}
            for ls in group
        ]
        out.put(urls.file_for(rel), state.directory_html(rel, heading, intro, items))

    specs = [feeds.FeedSpec(site.title, site.description, "", "", published)]
    specs += [
        feeds.FeedSpec(f"{ls.title} · {site.title}", _intro(ls), ls.base_rel, ls.base_rel, ls.pages)
        for ls in topic_ls
    ]
    for spec in specs:
        for rel, data in feeds.all_feeds(site, spec, state.feed_content).items():
            out.put(rel, data)

    listing_rels = ["", "topics/", "sources/", "archive/"]
    listing_rels += [ls.base_rel for ls in (*topic_ls, *source_ls, *archive_ls)]
    for rel, data in sitemaps.sitemaps(site, published, listing_rels).items():
        out.put(rel, data)
    out.put("news-sitemap.xml", sitemaps.news_sitemap(site, published))
    out.put("robots.txt", sitemaps.robots(site))
    not_found = state.context("404.html", f"Page not found · {site.title}", site.description)
    out.put("404.html", render.template("not_found.html").render(not_found).encode())
