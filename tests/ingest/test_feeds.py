"""Feed and OPML parsing: every dialect, broken feeds, hostile bodies, the sample feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.ingest.feeds import FeedError, ParsedFeed, looks_like_feed, parse_feed
from retold.ingest.opml import OpmlError, OpmlFeed, read_opml, write_opml

FEED_URL = "https://news.example.org/feeds/main.xml"


RSS20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example News</title><link>/</link>
<item>
  <title>Bridge to close &amp; reopen</title>
  <link>../news/bridge.html</link>
  <guid isPermaLink="false">b-1</guid>
  <description>&lt;p&gt;The bridge &lt;b&gt;closes&lt;/b&gt; on Monday.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>First paragraph.</p><p>Second paragraph.</p>]]></content:encoded>
  <pubDate>Wed, 18 Nov 2026 07:45:00 +0000</pubDate>
  <author>desk@example.org (Mira Castell)</author>
  <media:content url="/img/bridge.jpg" medium="image" />
</item>
<item>
  <title>Wire photo</title>
  <link>https://other.example.net/story</link>
  <enclosure url="/img/wire.jpg" type="image/jpeg" length="1234" />
</item>
<item><title>Thumb only</title><link>/news/thumb.html</link>
  <media:thumbnail url="https://cdn.example.org/t.jpg" /></item>
</channel></rss>"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example.org/"><title>RDF News</title><link>https://news.example.org/</link>
<description>d</description></channel>
<item rdf:about="https://news.example.org/a"><title>RDF item</title><link>https://news.example.org/a</link>
<dc:creator>Jo Reporter</dc:creator><dc:date>2026-11-17T10:00:00Z</dc:date></item>
</rdf:RDF>"""

RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
<link>https://old.example.org/</link><description>d</description><language>en</language>
<item><title>Old item</title><link>https://old.example.org/1</link><description>Short.</description></item>
</channel></rss>"""

ATOM10 = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example.org/courier/">
<title>Courier</title><link href="https://news.example.org/courier/" rel="alternate"/>
<id>urn:courier</id><updated>2026-11-20T10:00:00Z</updated>
<entry><title type="html">Otters &lt;em&gt;return&lt;/em&gt;</title>
<link href="news/otters.html" rel="alternate"/><id>urn:otters</id>
<updated>2026-11-23T09:15:00Z</updated><published>2026-11-23T09:00:00Z</published>
<author><name>Saskia Lund</name></author><summary>Otters are back.</summary>
<content type="html">&lt;p&gt;Otters are back on the river.&lt;/p&gt;</content>
<link rel="enclosure" type="image/png" href="/img/otter.png"/></entry>
</feed>"""

ATOM03 = b"""<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom 0.3</title><link rel="alternate" type="text/html" href="https://a03.example.org/"/>
<modified>2026-11-20T10:00:00Z</modified>
<entry><title>Old atom</title><link rel="alternate" type="text/html" href="https://a03.example.org/x"/>
<id>tag:x</id><issued>2026-11-19T10:00:00Z</issued><modified>2026-11-19T10:00:00Z</modified></entry>
</feed>"""


def json_feed(version: str, **extra: object) -> bytes:
    item: dict[str, object] = {
        "id": "1",
        "url": "news/dairy.html",
        "title": "Dairy cuts milk price",
        "content_html": "<p>Valley Dairies cut its price.</p>",
        "date_published": "2026-11-21T07:00:00+00:00",
        "image": "/img/dairy.jpg",
    }
    item.update(extra)
    return json.dumps(
        {
            "version": f"https://jsonfeed.org/version/{version}",
            "title": "Ledger",
            "home_page_url": "https://news.example.org/ledger/",
            "feed_url": "https://news.example.org/ledger/feed.json",
            "items": [item, {"id": "no-link", "title": "skipped"}],
        }
    ).encode()


def test_rss20_items_links_media_and_content() -> None:
    feed = parse_feed(RSS20, FEED_URL)
    assert (feed.kind, feed.version, feed.title) == ("rss", "rss20", "Example News")
    assert feed.link == "https://news.example.org/"
    first, wire, thumb = feed.items
    assert first.url == "https://news.example.org/news/bridge.html"
    assert first.title == "Bridge to close & reopen"
    assert first.summary == "The bridge closes on Monday."
    assert first.author == "Mira Castell"
    assert first.published == datetime(2026, 11, 18, 7, 45, tzinfo=UTC)
    assert "<p>Second paragraph.</p>" in first.content_html
    assert first.image == "https://news.example.org/img/bridge.jpg"
    assert wire.url == "https://other.example.net/story"
    assert wire.image == "https://news.example.org/img/wire.jpg"
    assert thumb.image == "https://cdn.example.org/t.jpg"
    assert feed.warnings == []


@pytest.mark.parametrize(
    ("body", "kind", "title", "url"),
    [
        (RSS10, "rss", "RDF item", "https://news.example.org/a"),
        (RSS091, "rss", "Old item", "https://old.example.org/1"),
        (ATOM03, "atom", "Old atom", "https://a03.example.org/x"),
    ],
)
def test_older_dialects(body: bytes, kind: str, title: str, url: str) -> None:
    feed = parse_feed(body, FEED_URL)
    assert feed.kind == kind
    assert [(i.title, i.url) for i in feed.items] == [(title, url)]


def test_rss10_author_and_date() -> None:
    (item,) = parse_feed(RSS10, FEED_URL).items
    assert item.author == "Jo Reporter"
    assert item.published == datetime(2026, 11, 17, 10, 0, tzinfo=UTC)


def test_atom10_xml_base_and_html_title() -> None:
    feed = parse_feed(ATOM10, "https://news.example.org/courier/atom.xml")
    assert (feed.kind, feed.version) == ("atom", "atom10")
    (item,) = feed.items
    assert item.url == "https://news.example.org/courier/news/otters.html"
    assert item.title == "Otters return"
    assert item.author == "Saskia Lund"
    assert item.summary == "Otters are back."
    assert "river" in item.content_html
    assert item.image == "https://news.example.org/img/otter.png"
    assert item.published == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_json_feed(version: str) -> None:
    authors = (
        {"author": {"name": "Petter Gjerde"}}
        if version == "1"
        else {"authors": [{"name": "Petter Gjerde"}, {"name": "Oona Feld"}]}
    )
    feed = parse_feed(json_feed(version, **authors), "https://mirror.example.com/feed.json")
    assert (feed.kind, feed.version, feed.title) == ("json", f"json{version}", "Ledger")
    (item,) = feed.items
    # Relative URLs resolve against the feed's declared feed_url.
    assert item.url == "https://news.example.org/ledger/news/dairy.html"
    assert item.image == "https://news.example.org/img/dairy.jpg"
    assert item.author == ("Petter Gjerde" if version == "1" else "Petter Gjerde, Oona Feld")
    assert item.published == datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    assert item.summary == "Valley Dairies cut its price."
    assert any("skipped" in w for w in feed.warnings)


def test_json_feed_content_text_becomes_paragraphs() -> None:
    body = json_feed("1.1", content_html=None, content_text="One <two>.\n\nThree.")
    (item,) = parse_feed(body, FEED_URL).items
    assert item.content_html == "<p>One &lt;two&gt;.</p><p>Three.</p>"


def test_bozo_feed_is_parsed_as_far_as_possible_with_a_warning() -> None:
    broken = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>Broken</title>"
        b"<item><title>Good</title><link>/a</link></item>"
        b"<item><title>Unclosed & bad</title><link>/b</link></channel>"
    )
    feed = parse_feed(broken, FEED_URL)
    assert feed.items and feed.items[0].url == "https://news.example.org/a"
    assert any("malformed" in w for w in feed.warnings)


def test_feed_with_zero_items_is_a_warning_not_an_error() -> None:
    feed = parse_feed(b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>", FEED_URL)
    assert feed.items == [] and feed.title == "Quiet"
    assert feed.warnings == ["The feed has no items."]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"<!doctype html><html><body><p>Hello</p></body></html>",
        b"just text",
        b'{"not": "a feed"}',
        b"[1, 2]",
        b"{broken json",
    ],
)
def test_not_a_feed_raises_one_sentence(body: bytes) -> None:
    with pytest.raises(FeedError) as info:
        parse_feed(body, FEED_URL)
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message


def test_looks_like_feed() -> None:
    assert looks_like_feed(RSS20, "text/xml")
    assert looks_like_feed(ATOM10, "")
    assert looks_like_feed(RSS10, "application/octet-stream")
    assert looks_like_feed(json_feed("1.1"), "application/json")
    assert looks_like_feed(b"", "application/rss+xml; charset=utf-8")
    assert not looks_like_feed(b"<!DOCTYPE html><html><head></head></html>", "text/html")
    assert not looks_like_feed(b'{"hello": 1}', "application/json")
    assert not looks_like_feed(b"<?xml version='1.0'?><svg/>", "image/svg+xml")


def test_sample_feeds_parse(samples_root: Path) -> None:
    feeds = sorted((samples_root / "site").glob("*/*.xml")) + sorted(
        (samples_root / "site").glob("*/*.json")
    )
    assert len(feeds) >= 4
    kinds = set()
    for path in feeds:
        url = f"http://127.0.0.1:8000/{path.parent.name}/{path.name}"
        body = path.read_bytes().replace(b"__BASE__", b"http://127.0.0.1:8000")
        feed = parse_feed(body, url)
        kinds.add(feed.kind)
        assert feed.items, path
        for item in feed.items:
            assert item.url.startswith("http://127.0.0.1:8000/"), (path, item.url)
            assert item.title
    assert {"rss", "atom", "json"} <= kinds


# --- fuzzing ---------------------------------------------------------------------

_fragments = st.sampled_from(
    [
        b"<rss version='2.0'>",
        b"<channel>",
        b"<item>",
        b"</item>",
        b"<title>t</title>",
        b"<link>/x</link>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'>",
        b"<entry>",
        b"</entry>",
        b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
        b"&a;",
        b"<![CDATA[",
        b"]]>",
        b"\x00",
        b"\xff\xfe",
        b'{"version":"https://jsonfeed.org/version/1.1","items":[',
        b'{"url":',
        b'"/a"}',
        b"]}",
        b"<?xml version='1.0' encoding='latin-1'?>",
        b"<rdf:RDF>",
        b"</channel></rss>",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(st.one_of(_fragments, st.binary(max_size=8)), max_size=30).map(b"".join),
    )
)
def test_fuzzed_bodies_give_a_feed_or_feed_error(body: bytes) -> None:
    try:
        feed = parse_feed(body, FEED_URL)
    except FeedError as exc:
        assert str(exc)
    else:
        assert isinstance(feed, ParsedFeed)
        assert all(item.url for item in feed.items)
    looks_like_feed(body, "")


# --- OPML ------------------------------------------------------------------------------


def test_opml_round_trip() -> None:
    feeds = [
        OpmlFeed(
            "Gazette & Co <Daily>",
            "https://g.example.org/rss.xml?a=1&b=2",
            "https://g.example.org/",
        ),
        OpmlFeed('Courier "quoted"', "https://c.example.org/atom.xml"),
    ]
    text = write_opml(feeds, "My newsroom")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert read_opml(text.encode()) == feeds


def test_opml_nested_outlines_and_duplicates() -> None:
    body = b"""<?xml version="1.0"?><opml version="1.0"><head><title>t</title></head><body>
    <outline text="News"><outline text="Local"><outline text="Deep" type="rss" xmlUrl="https://d/rss"/></outline>
    <outline title="Top" xmlUrl="https://t/rss" htmlUrl="https://t/"/></outline>
    <outline text="Again" xmlUrl="https://d/rss"/><outline text="Folder only"/></body></opml>"""
    assert read_opml(body) == [
        OpmlFeed("Deep", "https://d/rss", ""),
        OpmlFeed("Top", "https://t/rss", "https://t/"),
    ]


@pytest.mark.parametrize("body", [b"", b"<html><body/></html>", b"not xml at all <<<"])
def test_opml_errors(body: bytes) -> None:
    with pytest.raises(OpmlError):
        read_opml(body)


def test_opml_ignores_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<opml><body><outline text="&x;" xmlUrl="https://x/rss"/></body></opml>'
    ).encode()
    feeds = read_opml(body)
    assert all("SECRET" not in f.title for f in feeds)


def test_sample_opml(samples_root: Path) -> None:
    base = b"http://127.0.0.1:8765"
    body = (samples_root / "newsroom.opml").read_bytes().replace(b"__BASE__", base)
    feeds = read_opml(body)
    assert len(feeds) == 5
    assert all(f.xml_url.startswith("http://127.0.0.1:8765/") for f in feeds)
