"""The whole newsroom end to end: `retold demo --no-serve` against the bundled samples.

Runs the real command in a subprocess (real HTTP server on loopback, real SQLite,
real checker and embeddings) and checks the published site by parsing it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import feedparser
import lxml.html
import pytest

from retold.ingest.mojibake import find_mojibake
from retold.write.headlines import HARD_MAX_HEADLINE
from tests.conftest import free_port

SHARE_LABELS = ["𝕏 X", "Facebook", "WhatsApp", "LinkedIn", "Copy link"]
TABLES = [
    "sources",
    "documents",
    "document_versions",
    "stories",
    "articles",
    "article_versions",
    "sentence_checks",
]


def retold(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retold", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )


def demo(newsroom: Path, samples_port: int, *extra: str) -> dict:
    done = retold(
        "-q",
        "demo",
        "--no-serve",
        "--json",
        "--dir",
        str(newsroom),
        "--samples-port",
        str(samples_port),
        "--writer",
        "extractive",  # what this file checks; "auto" would pick a model when one is installed
        *extra,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def row_counts(newsroom: Path) -> dict[str, int]:
    with sqlite3.connect(newsroom / "retold.db") as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, dict]]:
    root = tmp_path_factory.mktemp("demo") / "news"
    port = free_port()
    report = demo(root, port)
    yield root, port, report


def article_files(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("2026/*/*/index.html"))


def test_first_run_publishes_every_full_story(newsroom: tuple[Path, int, dict]) -> None:
    root, _, report = newsroom
    counts = report["counts"]
    assert report["status"] == "ok", report["problems"]
    assert counts["documents_extracted"] == 34
    # Teaser-only and paywalled stories are skipped, never retold as if whole.
    assert counts["stories_skipped_excerpt"] >= 2
    # Near-duplicates (the wire copy) and the same event from two outlets are one story each.
    assert counts["documents_joined_story"] >= 3
    site = root / "site"
    assert len(article_files(site)) == counts["articles_published"] >= 20


def test_every_article_page_has_the_whole_anatomy(newsroom: tuple[Path, int, dict]) -> None:
    root, port, _ = newsroom
    files = article_files(root / "site")
    assert files
    for file in files:
        page = lxml.html.fromstring(file.read_bytes())
        article = page.find(".//article")
        assert article is not None, file
        order = [el for el in article.iter() if isinstance(el.tag, str)]

        def pos(el: lxml.html.HtmlElement, order: list = order) -> int:
            return order.index(el)

        label = article.find_class("ai-label")[0]
        shares = article.find_class("share")
        headline = article.find(".//h1")
        standfirst = article.find_class("standfirst")[0]
        body = article.find_class("body")[0]
        sources = article.find_class("sources")[0]
        related = article.find_class("related")[0]
        assert len(shares) == 2
        assert (
            pos(label)
            < pos(shares[0])
            < pos(headline)
            < pos(standfirst)
            < pos(body)
            < pos(sources)
            < pos(shares[1])
            < pos(related)
        ), file

        assert label.text_content().strip().startswith("AI I ")
        assert 0 < len(headline.text_content().strip()) <= HARD_MAX_HEADLINE
        assert standfirst.text_content().strip()
        paragraphs = body.findall("p")
        assert 3 <= len(paragraphs) <= 6, file

        canonical = page.find(".//link[@rel='canonical']").get("href")
        title = headline.text_content().strip()
        for share in shares:
            items = share.findall(".//li")
            assert [
                i.text_content().strip().split("Link to")[0].strip() for i in items
            ] == SHARE_LABELS
            links = [a.get("href") for a in share.findall(".//li/a")]
            u, t = quote(canonical, safe=""), quote(title, safe="")
            assert links == [
                f"https://twitter.com/intent/tweet?text={t}&url={u}",
                f"https://www.facebook.com/sharer/sharer.php?u={u}",
                f"https://wa.me/?text={quote(title + ' ' + canonical, safe='')}",
                f"https://www.linkedin.com/sharing/share-offsite/?url={u}",
            ]
            for a in share.findall(".//li/a"):
                assert a.get("target") == "_blank"
                assert a.get("rel") == "noopener noreferrer"

        assert sources.text_content().strip().startswith("Original source")
        source_links = [a.get("href") for a in sources.findall(".//a")]
        assert source_links and all(h.startswith(f"http://127.0.0.1:{port}/") for h in source_links)

        assert related.find(".//h2").text_content().strip() == "RELATED ARTICLES"
        entries = related.findall(".//li")
        assert 1 <= len(entries) <= 7
        for entry in entries:
            assert entry.find(".//h3/a").text_content().strip()
            assert entry.find(".//p").text_content().strip()  # the teaser
            assert entry.find_class("read")[0].text_content().strip() == "Read Article"


def test_no_published_text_is_mojibake(newsroom: tuple[Path, int, dict]) -> None:
    root, _, _ = newsroom
    for file in article_files(root / "site"):
        article = lxml.html.fromstring(file.read_bytes()).find(".//article")
        assert article is not None
        for el in article.iter("h1", "p", "li", "blockquote"):
            text = el.text_content()
            assert not find_mojibake(text), (file, text, find_mojibake(text))


def test_labels_are_honest_for_extractive_articles(newsroom: tuple[Path, int, dict]) -> None:
    root, _, _ = newsroom
    for file in article_files(root / "site"):
        page = lxml.html.fromstring(file.read_bytes())
        label = page.find_class("ai-label")[0].text_content()
        assert "from the original source" in label or "from the original sources" in label
        assert "without changing them" in label


def test_feeds_parse_back(newsroom: tuple[Path, int, dict]) -> None:
    root, _, report = newsroom
    site = root / "site"
    published = report["counts"]["articles_published"]
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert len(feed.entries) == min(published, len(feed.entries)) > 0
        assert all(e.link.startswith("http://127.0.0.1:8000/2026/") for e in feed.entries)
    data = json.loads((site / "feed.json").read_text())
    assert data["version"] == "https://jsonfeed.org/version/1.1" and data["items"]
    index = lxml.html.fromstring((site / "index.html").read_bytes())
    assert index.find(".//h1") is not None or index.find(".//main") is not None


def test_second_run_adds_nothing(newsroom: tuple[Path, int, dict]) -> None:
    root, port, _ = newsroom
    before = row_counts(root)
    report = demo(root, port)
    assert row_counts(root) == before
    assert report["counts"].get("articles_written", 0) == 0
    assert report["counts"].get("documents_extracted", 0) == 0


def test_an_updated_source_page_becomes_a_new_version(newsroom: tuple[Path, int, dict]) -> None:
    root, port, _ = newsroom
    before = row_counts(root)
    report = demo(root, port, "--edition", "2")
    after = row_counts(root)
    assert report["counts"]["documents_changed"] >= 1
    assert after["document_versions"] > before["document_versions"]
    assert after["documents"] == before["documents"]
    assert after["article_versions"] > before["article_versions"]
    assert after["articles"] == before["articles"]
    with sqlite3.connect(root / "retold.db") as db:
        (text,) = db.execute(
            "SELECT text FROM documents WHERE url LIKE '%storm-hedda-power-cuts%'"
        ).fetchone()
    assert text  # the stored text is the updated page's
