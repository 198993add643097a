"""The site's URL layout: one place that knows where every page lives.

Layout (``rel`` paths are relative to the site root and end in ``/`` for pages):

- article            ``<slug>/``                       e.g. ``2026/11/harbour-bridge-closes/``
- latest (index)     ``""`` then ``page/2/``, ``page/3/`` ...
- topics             ``topics/``, ``topics/<topic>/`` (+ ``page/N/``)
- sources            ``sources/``, ``sources/<site>/`` (+ ``page/N/``)
- archive            ``archive/``, ``archive/<yyyy>/<mm>/`` (+ ``page/N/``)
- feeds              ``feed.xml`` (RSS 2.0), ``atom.xml``, ``feed.json``;
                     the same three under ``topics/<topic>/``
- sitemaps           ``sitemap.xml``, ``news-sitemap.xml``, ``robots.txt``
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import quote, urlsplit

from retold.ingest.urls import safe_http_url
from retold.publish.errors import PublishError
from retold.records import SiteInfo

# First path segments the builder uses itself; an article slug may not start with one.
RESERVED = frozenset({"page", "topics", "sources", "archive", "static"})
_FILE_SUFFIXES = (".xml", ".json", ".txt", ".html")  # top-level files: feeds, sitemaps, robots
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


# quote(text, safe="") is the slowest call of an article page (share links, text fragments
# to every evidence passage); for ASCII text, splitting on the characters that need
# escaping is several times faster and gives the same result.
_NEEDS_QUOTING = re.compile(r"([^A-Za-z0-9_.~ -])")
_PERCENT = {chr(c): f"%{c:02X}" for c in range(128)}


def quote_all(text: str) -> str:
    """Percent-encode everything but unreserved characters, like ``quote(text, safe="")``."""
    if not text.isascii():
        return quote(text, safe="")
    parts = _NEEDS_QUOTING.split(text)
    parts[1::2] = [_PERCENT[c] for c in parts[1::2]]
    return "".join(parts).replace(" ", "%20")


def check_site(site: SiteInfo) -> None:
    parts = urlsplit(site.base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(
            f"The site base URL {site.base_url!r} must be absolute, like https://news.example.org."
        )
    if site.base_url.endswith("/"):
        raise PublishError(f"The site base URL {site.base_url!r} must not end with a slash.")
    if site.per_page < 1:
        raise PublishError(f"Articles per page must be at least 1, not {site.per_page}.")


def check_slug(slug: str) -> None:
    """Slugs become directories, so they must be plain relative paths."""
    segments = slug.split("/")
    if not slug or not all(_SEGMENT.match(s) and s not in (".", "..") for s in segments):
        raise PublishError(
            f"The article slug {slug!r} must be words of letters, digits, '-', '_' or '.' "
            "separated by '/', like 2026/11/harbour-bridge-closes."
        )
    if segments[0] in RESERVED or segments[0].endswith(_FILE_SUFFIXES):
        raise PublishError(f"The article slug {slug!r} may not start with {segments[0]!r}/.")


@functools.lru_cache(maxsize=4096)  # topics and hosts repeat on thousands of articles
def slugify(text: str) -> str:
    """ASCII, lower case, hyphenated; never empty (falls back to a short hash)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x-" + hashlib.sha1(text.encode()).hexdigest()[:8]


# The same source URLs recur on every page and listing that cites them; a 10,000-article
# site has more distinct ones than 4,096 (which made every lookup a miss).
_URL_CACHE = 1 << 16


@functools.lru_cache(maxsize=_URL_CACHE)
def source_href(url: str) -> str:
    """A source-controlled URL as a link target, or "" when it must not be a link.

    Whatever the store holds (an old store, a plugin, an upstream bug), only an absolute
    http(s) URL with a host may become an ``href``, ``cite``, feed link or image: the one
    rule of :func:`retold.ingest.urls.safe_http_url`, checked again here as defence in
    depth. No base is used: a stored source URL must already be absolute, and the site's
    own address is no base for another outlet's link, so relative and protocol-relative
    (``//host/x``) URLs are refused too. Callers drop the link and keep the text.
    """
    return safe_http_url(url) or ""


@functools.lru_cache(maxsize=_URL_CACHE)
def source_host(url: str) -> str:
    """The host of a source URL that may be a link ("" when it may not): an outlet's key."""
    return host_of(source_href(url))


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


_ROOTS: dict[str, str] = {}  # base URL → root path: every link on every page needs it


def root_path(site: SiteInfo) -> str:
    """The path prefix of the site (``/`` or e.g. ``/news/``) for root-relative links."""
    root = _ROOTS.get(site.base_url)
    if root is None:
        root = urlsplit(site.base_url).path.rstrip("/") + "/"
        if len(_ROOTS) < 256:
            _ROOTS[site.base_url] = root
    return root


def href(site: SiteInfo, rel: str) -> str:
    """Root-relative link to ``rel`` (a path relative to the site root)."""
    return root_path(site) + rel


def absolute(site: SiteInfo, rel: str) -> str:
    return f"{site.base_url}/{rel}"


def article_rel(slug: str) -> str:
    return f"{slug}/"


def article_url(site: SiteInfo, slug: str) -> str:
    """The canonical, absolute URL of an article page."""
    return absolute(site, article_rel(slug))


def page_rel(base_rel: str, number: int) -> str:
    """Page ``number`` of a paginated listing rooted at ``base_rel``."""
    return base_rel if number == 1 else f"{base_rel}page/{number}/"


def file_for(rel: str) -> str:
    """The file that serves ``rel``: pages are directories with an index.html."""
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def topic_rel(topic_slug: str) -> str:
    return f"topics/{topic_slug}/"


def source_rel(source_slug: str) -> str:
    return f"sources/{source_slug}/"


def archive_rel(year: int, month: int) -> str:
    return f"archive/{year:04d}/{month:02d}/"
