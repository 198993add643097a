"""sitemap.xml (with an index past 50,000 URLs), the Google News sitemap and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import timedelta

from retold.publish import dates, urls
from retold.publish.listings import Entry
from retold.publish.xmltext import clean
from retold.records import SiteInfo

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
ET.register_namespace("news", NEWS)
MAX_URLS = 50_000  # per sitemap file, by the protocol
NEWS_WINDOW = timedelta(days=2)
NEWS_MAX = 1000


def _xml(root: ET.Element) -> bytes:
    body = ET.tostring(root, encoding="unicode", default_namespace=SITEMAP)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode()


def _s(name: str) -> str:
    return f"{{{SITEMAP}}}{name}"


def _text(value: str) -> str:
    return clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _urlset(entries: Sequence[tuple[str, str]]) -> bytes:
    # Written directly: an element tree of 150,000 nodes for 50,000 URLs is slow and large.
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="{SITEMAP}">']
    for loc, lastmod in entries:
        lastmod_tag = f"<lastmod>{_text(lastmod)}</lastmod>" if lastmod else ""
        parts.append(f"<url><loc>{_text(loc)}</loc>{lastmod_tag}</url>")
    parts.append("</urlset>\n")
    return "".join(parts).encode()


def sitemaps(
    site: SiteInfo, pages: Sequence[Entry], listing_rels: Sequence[str]
) -> dict[str, bytes]:
    """Relative path → bytes. Articles carry lastmod; listing pages (page 1 only) do not."""
    entries = [(urls.absolute(site, rel), "") for rel in listing_rels]
    entries += [(urls.article_url(site, p.slug), dates.iso(p.updated)) for p in pages]
    if len(entries) <= MAX_URLS:
        return {"sitemap.xml": _urlset(entries)}
    files: dict[str, bytes] = {}
    index = ET.Element(_s("sitemapindex"))
    for n, start in enumerate(range(0, len(entries), MAX_URLS), start=1):
        name = f"sitemap-{n}.xml"
        files[name] = _urlset(entries[start : start + MAX_URLS])
        ET.SubElement(ET.SubElement(index, _s("sitemap")), _s("loc")).text = urls.absolute(
            site, name
        )
    files["sitemap.xml"] = _xml(index)
    return files


def news_sitemap(site: SiteInfo, pages: Sequence[Entry]) -> bytes:
    """Articles published within two days of the newest one (Google News reads only those)."""
    root = ET.Element(_s("urlset"))
    # Google News needs a publication date: an article of an undated source has none.
    pages = [p for p in pages if not p.first_seen]
    if pages:
        newest = max(p.published for p in pages)
        recent = [p for p in pages if p.published >= newest - NEWS_WINDOW]
        for page in recent[:NEWS_MAX]:
            url = ET.SubElement(root, _s("url"))
            ET.SubElement(url, _s("loc")).text = urls.article_url(site, page.slug)
            news = ET.SubElement(url, f"{{{NEWS}}}news")
            publication = ET.SubElement(news, f"{{{NEWS}}}publication")
            ET.SubElement(publication, f"{{{NEWS}}}name").text = clean(site.title)
            ET.SubElement(publication, f"{{{NEWS}}}language").text = site.language
            ET.SubElement(news, f"{{{NEWS}}}publication_date").text = dates.iso(page.published)
            ET.SubElement(news, f"{{{NEWS}}}title").text = clean(page.headline)
    return _xml(root)


def robots(site: SiteInfo) -> bytes:
    return (
        "User-agent: *\nAllow: /\n\n"
        f"Sitemap: {urls.absolute(site, 'sitemap.xml')}\n"
        f"Sitemap: {urls.absolute(site, 'news-sitemap.xml')}\n"
    ).encode()
