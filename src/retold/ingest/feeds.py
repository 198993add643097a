"""Parse RSS, Atom and JSON Feed documents into `FeedItem`s.

feedparser handles the XML dialects (RSS 0.9x/1.0/2.0, Atom 0.3/1.0) and is
forgiving with broken ones; JSON Feed 1.0/1.1 is small enough to read here.
Every item link comes out absolute, resolved against the feed URL, and http(s):
an item whose link is anything else (``javascript:``, ``data:``, ``file:``, ...) is
skipped with a warning, because its link would become a document URL and a
clickable "Original source" on the site (see :mod:`retold.ingest.urls`).
"""

from __future__ import annotations

import calendar
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from retold.ingest.clean import html_to_text, normalise_space
from retold.ingest.schedule import feed_refresh_seconds
from retold.ingest.urls import safe_http_url
from retold.records import FeedItem

MAX_FEED_BYTES = 32 * 1024 * 1024

_JSONFEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/(\d+(?:\.\d+)?)/?$")
_XML_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF|channel)[\s>/]", re.IGNORECASE)
_XML_PROLOGUE = re.compile(
    rb"^(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[[^\]]*\])?>)*", re.DOTALL
)
_FEED_TYPES = ("rss", "atom", "rdf", "feed+json", "jsonfeed")

log = logging.getLogger("retold")


class UnsafeLink(Exception):
    """An item's link is not an http(s) URL; the item is skipped."""

    def __init__(self, link: str) -> None:
        super().__init__(link)
        self.link = link


def _collect(
    entries: Iterable[Any],
    make: Callable[[Any], FeedItem | None],
    no_link: str,
    warnings: list[str],
) -> list[FeedItem]:
    """The feed items ``make`` builds from ``entries``; what it skips (no link, or a link
    that is not http(s)) is counted in one warning each, never silently dropped."""
    items: list[FeedItem] = []
    skipped = 0
    unsafe: list[str] = []
    for entry in entries:
        try:
            item = make(entry)
        except UnsafeLink as bad:
            unsafe.append(bad.link)
            continue
        if item is None:
            skipped += 1
        else:
            items.append(item)
    if skipped:
        warnings.append(f"{skipped} item(s) had {no_link} and were skipped.")
    if unsafe:
        warnings.append(_unsafe_warning(len(unsafe), unsafe[0]))
    if not items:
        warnings.append("The feed has no items.")
    return items


def _unsafe_warning(count: int, example: str) -> str:
    # Only the scheme is shown: the rest is attacker-controlled text.
    scheme = example.strip().split(":", 1)[0][:20] if ":" in example else "relative"
    sentence = (
        f"{count} item(s) had a link that is not an http(s) URL (e.g. {scheme}:…) and were skipped."
    )
    log.warning(sentence)
    return sentence


class FeedError(ValueError):
    """The body is not a feed, or nothing usable could be read from it."""


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str
    kind: str  # "rss" | "atom" | "json" | "cdf"
    items: list[FeedItem]
    warnings: list[str] = field(default_factory=list)
    version: str = ""  # e.g. "rss20", "atom10", "json1.1"
    refresh: float | None = None  # seconds the feed says it takes to change (ttl, sy:)


def parse_feed(body: bytes, url: str) -> ParsedFeed:
    """Parse a feed body fetched from `url`.

    Raises `FeedError` when the body is empty or not a feed. A valid feed with no
    items is returned with a warning, not an error.
    """
    if not body or not body.strip():
        raise FeedError(f"The feed at {url} is empty.")
    if len(body) > MAX_FEED_BYTES:
        raise FeedError(f"The feed at {url} is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB.")
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return _parse_json_feed(body, url)
    return _parse_xml_feed(body, url)


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """Guess whether a URL a user added points at a feed (True) or a page (False)."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    if any(t in ctype for t in _FEED_TYPES) and "html" not in ctype:
        return True
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] == b"{":
        return bool(re.search(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/', body[:65536]))
    if ctype in ("text/html", "application/xhtml+xml"):
        return False
    rest = _XML_PROLOGUE.sub(b"", head, count=1)
    return bool(rest.startswith(b"<") and _XML_FEED_ROOT.match(rest))


# --- XML feeds -------------------------------------------------------------------


# Numeric character references. feedparser's loose parser (used for malformed feeds) calls
# chr() on them unchecked: `&#1114112;`, `&#xD800;` or a 5,000-digit one crash it.
_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_CHARREF_BYTES = re.compile(_CHARREF.pattern.encode())
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)


def _charref_ok(hex_digits: str | None, digits: str | None) -> bool:
    text = hex_digits or digits or ""
    if len(text.lstrip("0")) > 8:
        return False
    code = int(text, 16) if hex_digits else int(text)
    return 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


_XML_ENCODING = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*["'])[^"']*""")


def _safe_charrefs(body: bytes) -> bytes:
    """``body`` with every character reference to no character made U+FFFD.

    A UTF-16 or UTF-32 body is handed on as UTF-8 (feedparser rejects one that has a
    byte order mark but no XML declaration saying so).
    """
    for bom, codec in _WIDE_BOMS:
        if body.startswith(bom):
            try:
                text = body.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError:
                return body  # feedparser will call it malformed; the fallback below guards
            text = _CHARREF.sub(
                lambda m: m.group(0) if _charref_ok(m[1], m[2]) else "&#xFFFD;", text
            )
            return _XML_ENCODING.sub(r"\1utf-8", text, count=1).encode("utf-8", "replace")
    if b"&#" not in body:
        return body

    def fix(m: re.Match[bytes]) -> bytes:
        hex_digits, digits = (g.decode("ascii") if g else None for g in m.groups())
        return m.group(0) if _charref_ok(hex_digits, digits) else b"&#xFFFD;"

    return _CHARREF_BYTES.sub(fix, body)


def _parse_xml_feed(body: bytes, url: str) -> ParsedFeed:
    # A stream, never a string: feedparser would treat a string as a URL to fetch.
    try:
        parsed = feedparser.parse(
            io.BytesIO(_safe_charrefs(body)),
            response_headers={"content-location": url, "content-type": "application/xml"},
            sanitize_html=True,
        )
    except (ValueError, OverflowError, UnicodeError, RecursionError) as err:
        # feedparser's loose parser has unchecked corners; hostile bytes are "not a feed".
        raise FeedError(
            f"The document at {url} is not a feed Retold can read ({_describe(err)})."
        ) from None
    version = str(parsed.get("version") or "")
    entries = list(parsed.get("entries") or [])
    warnings: list[str] = []
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        if not version and not entries:
            raise FeedError(f"The document at {url} is not a feed ({_describe(exc)}).")
        if not isinstance(exc, feedparser.CharacterEncodingOverride):
            warnings.append(f"The feed is malformed, parsed as far as possible: {_describe(exc)}.")
    if not version and not entries:
        raise FeedError(f"The document at {url} is not a feed.")

    meta = parsed.get("feed") or {}
    items = _collect(entries, lambda entry: _xml_item(entry, url), "no link", warnings)
    kind = "atom" if version.startswith("atom") else "cdf" if version == "cdf" else "rss"
    return ParsedFeed(
        title=normalise_space(str(meta.get("title") or "")),
        link=_abs(url, str(meta.get("link") or "")),
        kind=kind,
        items=items,
        warnings=warnings,
        version=version or "unknown",
        refresh=feed_refresh_seconds(
            meta.get("ttl"), meta.get("sy_updateperiod"), meta.get("sy_updatefrequency")
        ),
    )


def _xml_item(entry: Mapping[str, Any], feed_url: str) -> FeedItem | None:
    link = str(entry.get("link") or "")
    if not link:
        for lk in entry.get("links") or []:
            if lk.get("rel", "alternate") == "alternate" and lk.get("href"):
                link = str(lk["href"])
                break
    if not link:
        guid = str(entry.get("id") or "")
        if guid.startswith(("http://", "https://", "/")) or entry.get("guidislink"):
            link = guid
    if not link:
        return None
    safe = safe_http_url(link, feed_url)
    if safe is None:
        raise UnsafeLink(link)
    content_html = ""
    for content in entry.get("content") or []:
        value = str(content.get("value") or "")
        if len(value) > len(content_html):
            content_html = value
    summary_html = str(entry.get("summary") or "")
    if content_html and normalise_space(content_html) == normalise_space(summary_html):
        # feedparser copies Atom <content> into summary when there is no summary.
        summary_html = ""
    summary = html_to_text(summary_html)
    if not summary and content_html:
        summary = _first_words(html_to_text(content_html), 60)
    return FeedItem(
        url=safe,
        title=normalise_space(html_to_text(str(entry.get("title") or ""))),
        summary=summary,
        author=_xml_author(entry),
        published=_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        content_html=content_html,
        image=_xml_image(entry, feed_url),
    )


def _xml_author(entry: Mapping[str, Any]) -> str:
    author = str(entry.get("author") or "")
    if not author:
        detail = entry.get("author_detail") or {}
        author = str(detail.get("name") or "")
    # RSS <author> is often "email (Name)".
    m = re.match(r"^\s*\S+@\S+\s*\((.+)\)\s*$", author)
    if m:
        author = m.group(1)
    return normalise_space(author)


def _xml_image(entry: Mapping[str, Any], feed_url: str) -> str:
    for media in entry.get("media_content") or []:
        mtype = str(media.get("type") or "")
        medium = str(media.get("medium") or "")
        if media.get("url") and (
            medium == "image" or mtype.startswith("image/") or (not mtype and not medium)
        ):
            return _abs(feed_url, str(media["url"]))
    for thumb in entry.get("media_thumbnail") or []:
        if thumb.get("url"):
            return _abs(feed_url, str(thumb["url"]))
    for enc in entry.get("enclosures") or []:
        if str(enc.get("type") or "").startswith("image/") and enc.get("href"):
            return _abs(feed_url, str(enc["href"]))
    for lk in entry.get("links") or []:
        if (
            lk.get("rel") == "enclosure"
            and str(lk.get("type") or "").startswith("image/")
            and lk.get("href")
        ):
            return _abs(feed_url, str(lk["href"]))
    image = entry.get("image")
    if isinstance(image, Mapping) and image.get("href"):
        return _abs(feed_url, str(image["href"]))
    return ""


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError, OSError):
        return None


# --- JSON Feed -----------------------------------------------------------------------


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FeedError(
            f"The document at {url} is not a feed (invalid JSON: {_describe(exc)})."
        ) from None
    version = data.get("version") if isinstance(data, dict) else None
    m = _JSONFEED_VERSION.match(version) if isinstance(version, str) else None
    if not isinstance(data, dict) or m is None:
        raise FeedError(f"The document at {url} is JSON but not a JSON Feed.")
    warnings: list[str] = []
    # Relative item URLs resolve against the feed's own URL, then where it was fetched from.
    base = url
    feed_url = data.get("feed_url")
    if isinstance(feed_url, str) and feed_url:
        base = _abs(url, feed_url) or url
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        warnings.append("The feed has no items list.")
        raw_items = []
    feed_authors = _json_authors(data)
    items = _collect(
        raw_items,
        lambda raw: _json_item(raw, base, feed_authors) if isinstance(raw, dict) else None,
        "no usable link",
        warnings,
    )
    return ParsedFeed(
        title=normalise_space(_str(data.get("title"))),
        link=_abs(base, _str(data.get("home_page_url"))),
        kind="json",
        items=items,
        warnings=warnings,
        version=f"json{m.group(1)}",
    )


def _json_item(raw: Mapping[str, Any], base: str, feed_authors: str) -> FeedItem | None:
    link = _str(raw.get("url")) or _str(raw.get("external_url"))
    if not link:
        ident = _str(raw.get("id"))
        if ident.startswith(("http://", "https://")):
            link = ident
    if not link:
        return None
    safe = safe_http_url(link, base)
    if safe is None:
        raise UnsafeLink(link)
    content_html = _str(raw.get("content_html"))
    if not content_html and raw.get("content_text"):
        text = _str(raw.get("content_text"))
        content_html = "".join(
            f"<p>{_escape(p)}</p>" for p in re.split(r"\n\s*\n", text) if p.strip()
        )
    summary = html_to_text(_str(raw.get("summary")))
    if not summary and content_html:
        summary = _first_words(html_to_text(content_html), 60)
    image = _str(raw.get("image")) or _str(raw.get("banner_image"))
    if not image:
        for att in raw.get("attachments") or []:
            if (
                isinstance(att, dict)
                and _str(att.get("mime_type")).startswith("image/")
                and att.get("url")
            ):
                image = _str(att.get("url"))
                break
    return FeedItem(
        url=safe,
        title=normalise_space(html_to_text(_str(raw.get("title")))),
        summary=summary,
        author=_json_authors(raw) or feed_authors,
        published=_iso_date(_str(raw.get("date_published")) or _str(raw.get("date_modified"))),
        content_html=content_html,
        image=_abs(base, image) if image else "",
    )


def _json_authors(obj: Mapping[str, Any]) -> str:
    """Names from JSON Feed 1.1 `authors` or 1.0 `author`."""
    people: list[Any] = []
    if isinstance(obj.get("authors"), list):
        people = obj["authors"]
    elif isinstance(obj.get("author"), dict):
        people = [obj["author"]]
    names = [normalise_space(_str(p.get("name"))) for p in people if isinstance(p, dict)]
    return ", ".join(n for n in names if n)


def _iso_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# --- helpers ---------------------------------------------------------------------------


def _abs(base: str, link: str) -> str:
    """`link` made absolute against `base`, or "" when it is not http(s)."""
    return safe_http_url(link, base) or ""


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _first_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def _describe(exc: object) -> str:
    text = normalise_space(str(exc or "")) or type(exc).__name__
    # expat's "<unknown>:2:0: syntax error" → "line 2, column 0: syntax error"
    text = re.sub(r"^<unknown>:(\d+):(\d+):", r"line \1, column \2:", text)
    return text.rstrip(".")[:200]
