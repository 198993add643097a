"""Site and topic feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, built with real serialisers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any

from retold.publish import dates, metadata, urls
from retold.publish.listings import Entry
from retold.publish.xmltext import clean
from retold.records import SiteInfo

FEED_ITEMS = 50
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ET.register_namespace("atom", ATOM)
ET.register_namespace("content", CONTENT)

FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
FEED_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}

ContentFn = Callable[[Entry], str]  # an article's feed HTML


@dataclass(frozen=True)
class FeedSpec:
    title: str
    description: str
    dir_rel: str  # "" for the site, "topics/<t>/" for a topic
    home_rel: str  # the HTML page this feed mirrors
    pages: Sequence[Entry]  # latest first; trimmed to FEED_ITEMS here


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = clean(text)
    return element


def _xml(root: ET.Element) -> bytes:
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode()


def _newest(pages: Sequence[Entry]) -> str:
    if not pages:
        return "1970-01-01T00:00:00+00:00"
    return dates.iso(max(dates.as_utc(p.updated) for p in pages))


def rss(site: SiteInfo, spec: FeedSpec, content: ContentFn) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", spec.title)
    _sub(channel, "link", urls.absolute(site, spec.home_rel))
    _sub(channel, "description", spec.description or spec.title)
    _sub(channel, "language", site.language)
    _sub(channel, "generator", "Retold")
    items = spec.pages[:FEED_ITEMS]
    if items:
        newest = max(dates.as_utc(p.updated) for p in items)
        _sub(channel, "lastBuildDate", format_datetime(newest))
    _sub(
        channel,
        f"{{{ATOM}}}link",
        href=urls.absolute(site, spec.dir_rel + FEED_FILES["rss"]),
        rel="self",
        type=FEED_TYPES["rss"],
    )
    for page in items:
        url = urls.article_url(site, page.slug)
        item = _sub(channel, "item")
        _sub(item, "title", page.headline)
        _sub(item, "link", url)
        _sub(item, "guid", url, isPermaLink="true")
        if not page.first_seen:  # an undated source's article claims no publication date
            _sub(item, "pubDate", format_datetime(dates.as_utc(page.published)))
        _sub(item, "description", metadata.description(page))
        _sub(item, f"{{{CONTENT}}}encoded", content(page))
        for topic in page.topics:
            _sub(item, "category", topic)
    return _xml(root)


def atom(site: SiteInfo, spec: FeedSpec, content: ContentFn) -> bytes:
    items = spec.pages[:FEED_ITEMS]
    # Plain tag names with the Atom namespace declared as the default on the root.
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": site.language})
    _sub(root, "id", urls.absolute(site, spec.home_rel))
    _sub(root, "title", spec.title)
    if spec.description:
        _sub(root, "subtitle", spec.description)
    _sub(root, "updated", _newest(items))
    _sub(
        root,
        "link",
        rel="self",
        type=FEED_TYPES["atom"],
        href=urls.absolute(site, spec.dir_rel + FEED_FILES["atom"]),
    )
    _sub(root, "link", rel="alternate", type="text/html", href=urls.absolute(site, spec.home_rel))
    author = _sub(root, "author")
    _sub(author, "name", site.title)
    _sub(author, "uri", urls.absolute(site, ""))
    _sub(root, "generator", "Retold")
    for page in items:
        url = urls.article_url(site, page.slug)
        entry = _sub(root, "entry")
        _sub(entry, "id", url)
        _sub(entry, "title", page.headline)
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        for source in page.sources:
            if href := urls.source_href(source.url):  # a refused URL is no link at all
                _sub(entry, "link", rel="related", href=href)
        if not page.first_seen:
            _sub(entry, "published", dates.iso(page.published))
        _sub(entry, "updated", dates.iso(page.updated))
        _sub(entry, "summary", metadata.description(page))
        _sub(entry, "content", content(page), type="html")
        for topic in page.topics:
            _sub(entry, "category", term=clean(topic))
    return _xml(root)


def json_feed(site: SiteInfo, spec: FeedSpec, content: ContentFn) -> bytes:
    items: list[dict[str, Any]] = []
    for page in spec.pages[:FEED_ITEMS]:
        url = urls.article_url(site, page.slug)
        item: dict[str, Any] = {
            "id": url,
            "url": url,
            "title": page.headline,
            "summary": metadata.description(page),
            "content_html": content(page),
            "date_modified": dates.iso(page.updated),
        }
        if not page.first_seen:
            item["date_published"] = dates.iso(page.published)
        # The original reporting: the first source whose URL may be a link.
        external = next(filter(None, (urls.source_href(s.url) for s in page.sources)), "")
        if external:
            item["external_url"] = external
        if page.topics:
            item["tags"] = list(page.topics)
        if image := urls.source_href(page.image):
            item["image"] = image
        items.append(item)
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": urls.absolute(site, spec.home_rel),
        "feed_url": urls.absolute(site, spec.dir_rel + FEED_FILES["json"]),
        "language": site.language,
        "authors": [{"name": site.title, "url": urls.absolute(site, "")}],
        "items": items,
    }
    if spec.description:
        feed["description"] = spec.description
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode()


def all_feeds(site: SiteInfo, spec: FeedSpec, content: ContentFn) -> dict[str, bytes]:
    """Relative path → bytes for the three formats of one feed."""
    return {
        spec.dir_rel + FEED_FILES["rss"]: rss(site, spec, content),
        spec.dir_rel + FEED_FILES["atom"]: atom(site, spec, content),
        spec.dir_rel + FEED_FILES["json"]: json_feed(site, spec, content),
    }
