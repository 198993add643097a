"""Feeds parse back with feedparser (and json); sitemaps and robots.txt point at the right URLs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser

from retold.publish import BuildReport
from tests.publish.conftest import BRIDGE, BUDGET, FERRY

SITE_URL = "https://news.example.org/"
URLS = [f"{SITE_URL}{p.slug}/" for p in (BRIDGE, FERRY, BUDGET)]  # latest first


def test_rss(built: BuildReport, out: Path) -> None:
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Harbour Retold"
    assert feed.feed.link == SITE_URL
    assert [e.link for e in feed.entries] == URLS
    first = feed.entries[0]
    assert first.title == BRIDGE.headline
    assert BRIDGE.label in first.summary
    content = first.content[0].value
    assert (
        "Ferries will be free for everyone. <strong>(not found in the source)</strong>" in content
    )
    assert "Original source:" in content
    assert [t.term for t in first.tags] == ["Transport", "Harbour"]
    assert first.published_parsed[:5] == (2026, 11, 25, 9, 30)


def test_atom(built: BuildReport, out: Path) -> None:
    feed = feedparser.parse((out / "atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.link for e in feed.entries] == URLS
    first = feed.entries[0]
    assert first.id == URLS[0]
    assert first.updated_parsed[:5] == (2026, 11, 25, 11, 30)
    assert {link.href for link in first.links if link.rel == "related"} == {
        "https://gazette.example/bridge"
    }
    assert "Repairs will take eighteen months." in first.content[0].value


def test_json_feed(built: BuildReport, out: Path) -> None:
    feed = json.loads((out / "feed.json").read_text("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == SITE_URL + "feed.json"
    assert [item["url"] for item in feed["items"]] == URLS
    first = feed["items"][0]
    assert first["id"] == URLS[0]
    assert first["external_url"] == "https://gazette.example/bridge"
    assert first["date_published"] == "2026-11-25T09:30:00+00:00"
    assert BRIDGE.label in first["summary"]
    assert "Original source:" in first["content_html"]
    assert first["tags"] == ["Transport", "Harbour"]
    assert feed["items"][2]["date_published"] == "2026-10-30T18:00:00+00:00"  # naive = UTC


def test_topic_feeds(built: BuildReport, out: Path) -> None:
    rss = feedparser.parse((out / "topics/transport/feed.xml").read_bytes())
    assert not rss.bozo and [e.link for e in rss.entries] == URLS[:2]
    atom = feedparser.parse((out / "topics/politics/atom.xml").read_bytes())
    assert not atom.bozo and [e.link for e in atom.entries] == URLS[2:]
    data = json.loads((out / "topics/harbour/feed.json").read_text("utf-8"))
    assert [i["url"] for i in data["items"]] == URLS[:1]


def _locs(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return [loc.text or "" for loc in root.findall("s:url/s:loc", ns)]


def test_sitemaps_and_robots(built: BuildReport, out: Path) -> None:
    locs = _locs(out / "sitemap.xml")
    assert set(URLS) <= set(locs)
    assert SITE_URL in locs and SITE_URL + "topics/transport/" in locs
    assert not any("held-story" in loc for loc in locs)
    # news sitemap: only articles from the two days before the newest one
    news = _locs(out / "news-sitemap.xml")
    assert news == URLS[:2]
    tree = ET.parse(out / "news-sitemap.xml").getroot()
    ns = {"n": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert [t.text for t in tree.iter(f"{{{ns['n']}}}title")] == [BRIDGE.headline, FERRY.headline]
    robots = (out / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots
    assert f"Sitemap: {SITE_URL}news-sitemap.xml" in robots


def test_control_characters_do_not_break_xml(site, out: Path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from retold.publish import build_site

    odd = replace(BRIDGE, headline="Bridge\x0b closes <now> & \x01later", related=[])
    build_site(site, [odd], out)
    for name in ("feed.xml", "atom.xml", "sitemap.xml", "news-sitemap.xml"):
        ET.parse(out / name)  # raises on malformed XML
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries[0].title == "Bridge closes <now> & later"
