"""The article page: anatomy in order, share bar, marks, evidence, metadata, size, hosts."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlsplit

from retold.publish import BuildReport, article_url
from tests.publish.conftest import BRIDGE, FERRY, SITE
from tests.publish.htmlcheck import page, text_of

BRIDGE_URL = "https://news.example.org/2026/11/harbour-bridge-closes/"


def test_article_url_layout() -> None:
    assert article_url(SITE, BRIDGE.slug) == BRIDGE_URL


def test_anatomy_in_order(built: BuildReport, out: Path) -> None:
    doc = page(out, "2026/11/harbour-bridge-closes")
    article = doc.xpath("//main//article")[0]
    marks = {
        "label": article.xpath(".//*[@class='ai-label']")[0],
        "share_top": article.xpath(".//*[@class='share']")[0],
        "headline": article.xpath(".//h1")[0],
        "standfirst": article.xpath(".//p[@class='standfirst']")[0],
        "body": article.xpath(".//div[@class='body']")[0],
        "sources": article.xpath(".//*[@class='sources']")[0],
        "share_bottom": article.xpath(".//*[@class='share']")[1],
        "related": article.xpath(".//section[@class='related']")[0],
    }
    order = [doc.getroottree().getpath(el) for el in marks.values()]
    positions = [list(doc.iter()).index(el) for el in marks.values()]
    assert positions == sorted(positions), order
    assert text_of(marks["label"]).endswith(BRIDGE.label)
    assert marks["label"].get("role") == "note"
    assert text_of(marks["headline"]) == BRIDGE.headline
    assert text_of(marks["standfirst"]) == BRIDGE.standfirst
    assert len(marks["body"].xpath("./p")) == 2
    assert text_of(marks["sources"]) == (
        "Original source: Bridge to close for 18 months (Harbour Gazette)"
    )
    assert marks["sources"].xpath(".//a/@href") == ["https://gazette.example/bridge"]
    assert doc.get("lang") == "en"


def test_share_bar_links_exact(built: BuildReport, out: Path) -> None:
    doc = page(out, "2026/11/harbour-bridge-closes")
    bars = doc.xpath("//*[@class='share']")
    assert len(bars) == 2
    q = lambda s: quote(s, safe="")  # noqa: E731
    expected = [
        ("𝕏 X", f"https://twitter.com/intent/tweet?text={q(BRIDGE.headline)}&url={q(BRIDGE_URL)}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={q(BRIDGE_URL)}"),
        ("WhatsApp", f"https://wa.me/?text={q(BRIDGE.headline + ' ' + BRIDGE_URL)}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={q(BRIDGE_URL)}"),
    ]
    assert "%26%20%22renewal%22" in expected[0][1]  # '&' and quotes really are encoded
    for bar in bars:
        items = bar.xpath("./ul/li")
        assert [text_of(li) for li in items][:4] == [name for name, _ in expected]
        assert len(items) == 5
        for li, (_, href) in zip(items[:4], expected, strict=True):
            link = li.xpath("./a")[0]
            assert link.get("href") == href
            assert link.get("target") == "_blank"
            assert link.get("rel") == "noopener noreferrer"
        copy = items[4]
        assert text_of(copy.xpath(".//summary")[0]) == "Copy link"
        field = copy.xpath(".//input")[0]
        assert field.get("value") == BRIDGE_URL and field.get("readonly") is not None


def test_unmatched_sentences_marked_and_evidence_notes(built: BuildReport, out: Path) -> None:
    doc = page(out, "2026/11/harbour-bridge-closes")
    body = doc.xpath("//div[@class='body']")[0]
    marked = body.xpath(".//span[@class='unmatched']")
    assert [text_of(m) for m in marked] == [
        "Ferries will be free for everyone. not in source (not found in the source)"
    ]
    assert marked[0].xpath(".//*[@class='sr-only']")[0].text.strip() == "(not found in the source)"
    # three checked sentences get numbered notes; the unchecked one does not
    refs = body.xpath(".//sup[@class='ref']/a")
    assert [r.get("href") for r in refs] == ["#note-1", "#note-2", "#note-3"]
    notes = doc.xpath("//section[@class='evidence']//li")
    assert [n.get("id") for n in notes] == ["note-1", "note-2", "note-3"]
    first = notes[0]
    assert text_of(first.xpath(".//blockquote")[0]) == (
        "The bridge will close to all traffic on Monday, the council said."
    )
    source_link = first.xpath(".//a")[0].get("href")
    assert source_link.startswith("https://gazette.example/bridge#:~:text=")
    assert first.xpath(".//a[@href='#ref-1']")
    assert "Not found in the source" in text_of(notes[2])
    # the evidence list sits after the body and before the original source line
    all_nodes = list(doc.iter())
    assert (
        all_nodes.index(body)
        < all_nodes.index(notes[0])
        < all_nodes.index(doc.xpath("//*[@class='sources']")[0])
    )


def test_contradicted_and_several_sources(built: BuildReport, out: Path) -> None:
    doc = page(out, "2026/11/ferry-timetable")
    marked = doc.xpath("//span[@class='unmatched']")
    assert "(contradicted by the source)" in text_of(marked[0])
    sources = doc.xpath("//*[@class='sources']")[0]
    assert text_of(sources).startswith("Original sources:")
    assert [text_of(li) for li in sources.xpath(".//li")] == [
        "Ferries add sailings (Harbour Gazette)",
        "Ferry firm expands (Port News)",
    ]


def test_related_articles(built: BuildReport, out: Path) -> None:
    doc = page(out, "2026/11/harbour-bridge-closes")
    related = doc.xpath("//section[@class='related']")[0]
    assert text_of(related.xpath(".//h2")[0]) == "RELATED ARTICLES"
    entries = related.xpath(".//li")
    # the held story is not published, so the link to it is dropped
    assert len(entries) == 2
    first = entries[0]
    assert text_of(first.xpath(".//h3/a")[0]) == "Ferry timetable changes"
    assert first.xpath(".//h3/a/@href") == ["/2026/11/ferry-timetable/"]
    assert text_of(first.xpath(".//p")[0]) == "An AI wonders if future cars will need passports."
    read = first.xpath(".//a[@class='read']")[0]
    assert text_of(read) == "Read Article" and read.get("href") == "/2026/11/ferry-timetable/"


def test_imagined_article_carries_seed_label(built: BuildReport, out: Path) -> None:
    doc = page(out, "2026/10/council-budget")
    label = text_of(doc.xpath("//*[@class='ai-label']")[0])
    assert label.endswith("I imagined this. I have no way to verify it's accurate.")
    assert not doc.xpath("//section[@class='evidence']")  # nothing was checked


def test_held_pages_are_not_published(built: BuildReport, out: Path) -> None:
    assert not (out / "2026/11/held-story").exists()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            assert "held-story" not in path.read_text("utf-8"), path


def test_json_ld(built: BuildReport, out: Path) -> None:
    doc = page(out, "2026/11/harbour-bridge-closes")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == BRIDGE.headline
    assert BRIDGE.label in data["description"]
    assert data["datePublished"] == "2026-11-25T09:30:00+00:00"
    assert data["dateModified"] == "2026-11-25T11:30:00+00:00"
    assert (
        data["author"]
        == data["publisher"]
        == {"@type": "Organization", "name": "Harbour Retold", "url": "https://news.example.org/"}
    )
    assert data["image"] == [BRIDGE.image]
    assert data["isBasedOn"] == ["https://gazette.example/bridge"]
    assert data["digitalSourceType"] == (
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    )
    ferry = json.loads(
        page(out, "2026/11/ferry-timetable").xpath("//script[@type='application/ld+json']")[0].text
    )
    assert ferry["isBasedOn"] == [s.url for s in FERRY.sources]
    assert "image" not in ferry


def test_social_tags_canonical_and_alternates(built: BuildReport, out: Path) -> None:
    doc = page(out, "2026/11/harbour-bridge-closes")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//meta")}
    assert meta["og:title"] == BRIDGE.headline
    assert meta["og:type"] == "article"
    assert meta["og:url"] == BRIDGE_URL
    assert meta["og:site_name"] == "Harbour Retold"
    assert meta["og:image"] == BRIDGE.image
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:title"] == BRIDGE.headline
    for key in ("og:description", "twitter:description", "description"):
        assert BRIDGE.label in meta[key] and BRIDGE.standfirst in meta[key]
    assert doc.xpath("//link[@rel='canonical']/@href") == [BRIDGE_URL]
    alternates = {
        link.get("type"): link.get("href") for link in doc.xpath("//link[@rel='alternate']")
    }
    assert alternates == {
        "application/rss+xml": "/feed.xml",
        "application/atom+xml": "/atom.xml",
        "application/feed+json": "/feed.json",
    }


def test_accessibility_basics(built: BuildReport, out: Path) -> None:
    for rel in ("2026/11/harbour-bridge-closes", "", "topics/transport"):
        doc = page(out, rel)
        first_link = doc.xpath("//body//a")[0]
        assert first_link.get("href") == "#main" and text_of(first_link) == "Skip to content"
        assert doc.xpath("//main[@id='main']") and doc.xpath("//header") and doc.xpath("//footer")
        assert doc.xpath("//nav[@aria-label='Site']")
        assert len(doc.xpath("//h1")) == 1
        assert doc.xpath("//meta[@name='viewport']")


def test_page_size_and_no_external_requests(built: BuildReport, out: Path) -> None:
    allowed_hosts = {
        "news.example.org",
        "gazette.example",
        "www.portnews.example",
        "twitter.com",
        "www.facebook.com",
        "wa.me",
        "www.linkedin.com",
        # identifiers, never fetched: XML namespaces, schema.org, IPTC, JSON Feed
        "schema.org",
        "cv.iptc.org",
        "www.w3.org",
        "purl.org",
        "www.sitemaps.org",
        "www.google.com",
        "jsonfeed.org",
    }
    import re

    for path in out.rglob("*"):
        if not path.is_file() or path.name == ".retold-manifest.json":
            continue
        text = path.read_text("utf-8")
        for url in re.findall(r"https?://[^\s\"'<>)]+", text):
            assert urlsplit(url).hostname in allowed_hosts, (path, url)
        if path.suffix in (".css", ".js"):
            assert "http" not in text and "@import" not in text and "url(" not in text, path
    # the page itself, its stylesheet and its script: well under 50 KB together
    article = out / "2026/11/harbour-bridge-closes/index.html"
    doc = page(out, "2026/11/harbour-bridge-closes")
    assets = [
        out / href.lstrip("/")
        for href in doc.xpath("//link[@rel='stylesheet']/@href") + doc.xpath("//script/@src")
    ]
    assert len(assets) == 2
    assert article.stat().st_size + sum(a.stat().st_size for a in assets) <= 50_000
    # nothing is loaded from anywhere but this site
    for src in doc.xpath("//@src") + doc.xpath("//link[@rel='stylesheet']/@href"):
        assert src.startswith("/"), src
