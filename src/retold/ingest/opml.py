"""Read and write OPML subscription lists (OPML 1.0/2.0, nested outlines)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import quoteattr

from lxml import etree

from retold.ingest.urls import safe_http_url

log = logging.getLogger("retold")


class OpmlError(ValueError):
    """The document is not OPML that Retold can read."""


@dataclass(frozen=True)
class OpmlFeed:
    title: str
    xml_url: str
    html_url: str = ""


def read_opml(body: bytes, base: str = "") -> list[OpmlFeed]:
    """Every feed outline (one with an `xmlUrl`) at any depth, in document order, once each.

    Only http(s) feed URLs are read (relative ones resolve against `base`, the OPML
    file's own URL): an OPML file is someone else's list, and a `file:` or
    `javascript:` xmlUrl is never a feed Retold should open or link to. Outlines
    with any other URL are skipped with a logged warning.
    """
    if not body or not body.strip():
        raise OpmlError("The OPML file is empty.")
    # No network, no entities, no DTDs: an OPML file is user input.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"The OPML file is not valid XML ({exc}).") from None
    if root is None or not isinstance(root.tag, str) or _localname(root.tag) != "opml":
        raise OpmlError("The file is not OPML (its root element is not <opml>).")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    unsafe = 0
    for outline in root.iter("{*}outline"):
        attrs = {
            k.lower(): (v or "").strip() for k, v in outline.attrib.items() if isinstance(k, str)
        }
        raw_url = attrs.get("xmlurl", "")
        if not raw_url:
            continue
        xml_url = safe_http_url(raw_url, base or None)
        if xml_url is None:
            unsafe += 1
            continue
        if xml_url in seen:
            continue
        seen.add(xml_url)
        title = attrs.get("title") or attrs.get("text") or xml_url
        html_url = safe_http_url(attrs.get("htmlurl", ""), base or None) or ""
        feeds.append(OpmlFeed(title=title, xml_url=xml_url, html_url=html_url))
    if unsafe:
        log.warning(
            "%d OPML outline(s) had a feed URL that is not an http(s) URL and were skipped.",
            unsafe,
        )
    return feeds


def _localname(tag: str) -> str:
    """``{ns}opml``, ``opml`` and ``x:opml`` → "opml". Not lxml's QName: in recover mode a
    tag can keep a prefix whose namespace never parsed, and QName raises on it."""
    return tag.rpartition("}")[2].rpartition(":")[2].lower()


def write_opml(feeds: Iterable[OpmlFeed], title: str) -> str:
    """An OPML 2.0 document listing `feeds` as flat RSS outlines."""
    now = format_datetime(datetime.now(UTC), usegmt=True)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_text(title)}</title>",
        f"    <dateCreated>{now}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        title = quoteattr(feed.title)
        attrs = f'type="rss" text={title} title={title} xmlUrl={quoteattr(feed.xml_url)}'
        if feed.html_url:
            attrs += f" htmlUrl={quoteattr(feed.html_url)}"
        lines.append(f"    <outline {attrs}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
