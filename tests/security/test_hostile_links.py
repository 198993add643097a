"""Issue 13 item 1, ingest side: only http(s) URLs ever become document URLs.

A hostile publisher on loopback serves RSS, Atom, JSON Feed and OPML whose links are
`javascript:`, `data:`, `file:` and `vbscript:` URLs in every disguise a browser would
still obey, each item carrying 120+ words of content:encoded (so it would be retold).
None of them may be stored as a document; each is skipped with a logged warning.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from retold.ingest.feeds import parse_feed
from retold.ingest.fetch import Fetcher, FetchError, FetchPolicy
from retold.ingest.opml import read_opml
from retold.ingest.urls import safe_http_url
from retold.newsroom import Newsroom
from retold.pipeline import run
from retold.store import sources as sources_store
from tests.ingest.hostile_server import HostileServer

HOSTILE_LINKS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(document.cookie)",
    "   javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&#x3A;alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "FILE://localhost/etc/passwd",
    "vbscript:msgbox(1)",
    "about:blank",
    "blob:http://127.0.0.1/x",
]
RELATIVE_TO_UNSAFE = ["/etc/passwd", "../secret", "x.html"]  # against a file: base

WORDS = (
    "The harbour board met on Tuesday evening to discuss the new quota for herring boats, "
    "and the fishermen who filled the hall said the cut would cost them a season of work. "
) * 8  # 250+ words: enough to be retold, not just a teaser


def test_safe_http_url_refuses_every_disguise() -> None:
    for link in HOSTILE_LINKS:
        assert safe_http_url(link) is None, link
        assert safe_http_url(link, "https://news.example/feed.xml") is None, link
    for link in RELATIVE_TO_UNSAFE:
        assert safe_http_url(link, "file:///home/me/feed.xml") is None
        assert safe_http_url(link) is None
    assert safe_http_url("/a/b", "https://news.example/feed.xml") == "https://news.example/a/b"
    assert safe_http_url("HTTPS://News.example/A") == "https://News.example/A"
    assert safe_http_url("http://[2001:db8::1]:8080/a") == "http://[2001:db8::1]:8080/a"
    assert safe_http_url("http://x.example:99999/") is None
    assert safe_http_url("http://") is None
    assert safe_http_url("https://x.example/" + "a" * 9000) is None


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rss(base: str, links: list[str]) -> str:
    items = "".join(
        f"<item><title>Story {i}</title><link>{_xml_escape(link)}</link>"
        f"<guid isPermaLink='false'>id-{i}</guid>"
        f"<content:encoded><![CDATA[<p>{WORDS}</p>]]></content:encoded></item>"
        for i, link in enumerate(links)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Hostile</title><link>{base}/</link>{items}</channel></rss>"
    )


def atom(base: str, links: list[str]) -> str:
    entries = "".join(
        f"<entry><title>Entry {i}</title><id>urn:x:{i}</id><updated>2026-11-20T10:00:00Z</updated>"
        f'<link rel="alternate" href="{_xml_escape(link).replace(chr(34), "&quot;")}"/>'
        f'<content type="html">{_xml_escape("<p>" + WORDS + "</p>")}</content></entry>'
        for i, link in enumerate(links)
    )
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Hostile Atom</title><id>urn:x</id><updated>2026-11-20T10:00:00Z</updated>"
        f"{entries}</feed>"
    )


def json_feed(links: list[str]) -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Hostile JSON",
            "items": [
                {"id": f"j{i}", "url": link, "title": f"J {i}", "content_html": f"<p>{WORDS}</p>"}
                for i, link in enumerate(links)
            ]
            + [
                {"id": "ext", "external_url": "javascript:alert(2)", "content_html": WORDS},
            ],
        }
    )


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_every_feed_dialect_skips_a_hostile_link(
    link: str, caplog: pytest.LogCaptureFixture
) -> None:
    base = "http://127.0.0.1:9"
    good = f"{base}/news/ok.html"
    for body in (rss(base, [link, good]), atom(base, [link, good]), json_feed([link, good])):
        with caplog.at_level(logging.WARNING, logger="retold"):
            parsed = parse_feed(body.encode(), f"{base}/feed")
        urls = [item.url for item in parsed.items]
        assert good in urls
        # XML turns a tab in an attribute into a space: "java script:" is then a harmless
        # relative path, as in a browser. Whatever survives is http(s) on the feed's host.
        assert all(u.startswith(base + "/") and safe_http_url(u) == u for u in urls), urls
    assert "not an http(s) URL" in caplog.text


def test_a_relative_link_in_a_local_feed_never_becomes_a_file_url(tmp_path: Path) -> None:
    body = rss("", ["/etc/passwd", "https://news.example/ok"]).encode()
    parsed = parse_feed(body, (tmp_path / "feed.xml").as_uri())
    assert [item.url for item in parsed.items] == ["https://news.example/ok"]


def test_opml_keeps_only_http_feeds(caplog: pytest.LogCaptureFixture) -> None:
    outlines = "".join(
        f'<outline text="x{i}" xmlUrl="{_xml_escape(link).replace(chr(34), "&quot;")}"/>'
        for i, link in enumerate(HOSTILE_LINKS)
    )
    body = (
        f'<opml version="2.0"><body>{outlines}'
        '<outline text="ok" xmlUrl="https://news.example/rss"/>'
        '<outline text="rel" xmlUrl="/relative.xml"/></body></opml>'
    ).encode()
    with caplog.at_level(logging.WARNING, logger="retold"):
        feeds = read_opml(body)
    assert [f.xml_url for f in feeds] == ["https://news.example/rss"]
    assert "not an http(s) URL" in caplog.text
    resolved = read_opml(body, base="https://news.example/subs.opml")
    assert [f.xml_url for f in resolved][-1] == "https://news.example/relative.xml"


def test_redirects_to_other_schemes_are_refused() -> None:
    async def go(server: HostileServer) -> list[str]:
        errors = []
        room_policy = fetch_policy_for(server)
        async with Fetcher(room_policy) as fetcher:
            for target in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"):
                server.add(f"/r-{len(errors)}", b"", status=302, headers=(("Location", target),))
                try:
                    await fetcher.fetch(server.url(f"/r-{len(errors)}"), kind="page")
                except FetchError as err:
                    errors.append(str(err))
                else:
                    errors.append("FETCHED")
        return errors

    with HostileServer() as server:
        errors = asyncio.run(go(server))
    assert len(errors) == 3 and "FETCHED" not in errors


def fetch_policy_for(server: HostileServer) -> FetchPolicy:
    netloc = server.url("/").split("//", 1)[1].rstrip("/")
    return FetchPolicy(per_host_delay=0.0, allow_hosts=frozenset({netloc}), respect_robots=False)


@pytest.fixture()
def hostile_room(tmp_path: Path) -> Iterator[tuple[Newsroom, HostileServer]]:
    with HostileServer() as server:
        base = server.url("").rstrip("/")
        page = (
            "<!doctype html><html><head><title>Quota cut</title>"
            '<link rel="canonical" href="javascript:alert(3)"></head>'
            f"<body><article><h1>Quota cut</h1><p>{WORDS}</p></article></body></html>"
        )
        server.add("/news/ok.html", page)
        server.add("/rss.xml", rss(base, [*HOSTILE_LINKS, "/news/ok.html"]), "application/rss+xml")
        server.add("/atom.xml", atom(base, HOSTILE_LINKS), "application/atom+xml")
        server.add("/feed.json", json_feed(HOSTILE_LINKS), "application/feed+json")
        server.add(
            "/subs.opml",
            '<opml version="2.0"><body><outline text="a" xmlUrl="file:///etc/passwd"/>'
            f'<outline text="b" xmlUrl="javascript:alert(1)"/>'
            f'<outline text="c" xmlUrl="{base}/atom.xml"/></body></opml>',
            "text/x-opml",
        )
        netloc = base.split("//", 1)[1]
        room = Newsroom.init(tmp_path / "news", allow_hosts=(netloc,), per_host_delay=0.0)
        with room.db.transaction() as session:
            for path in ("/rss.xml", "/feed.json", "/subs.opml"):
                sources_store.add_source(session, f"{base}{path}", "auto")
        try:
            yield room, server
        finally:
            room.close()


def test_a_hostile_publisher_never_gets_a_non_http_document(
    hostile_room: tuple[Newsroom, HostileServer], caplog: pytest.LogCaptureFixture
) -> None:
    room, _ = hostile_room
    with caplog.at_level(logging.WARNING, logger="retold"):
        report = run(room)
    with sqlite3.connect(room.root / "retold.db") as db:
        urls = [u for (u,) in db.execute("SELECT url FROM documents")]
        urls += [u for (u,) in db.execute("SELECT fetch_url FROM documents")]
        sources = [u for (u,) in db.execute("SELECT url FROM sources")]
    assert urls and all(u.startswith("http://127.0.0.1:") for u in urls), urls
    assert all(u.startswith("http://127.0.0.1:") for u in sources), sources
    assert any("not an http(s) URL" in p for p in report.problems)
    assert "not an http(s) URL" in caplog.text
    assert report.counts["documents_extracted"] >= 1  # the honest item still got through
