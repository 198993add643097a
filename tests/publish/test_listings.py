"""Latest-first index with pagination; topic, source and archive pages."""

from __future__ import annotations

from pathlib import Path

from retold.publish import BuildReport
from tests.publish.conftest import BRIDGE, BUDGET, FERRY
from tests.publish.htmlcheck import page, text_of


def _headlines(out: Path, rel: str) -> list[str]:
    return [text_of(a) for a in page(out, rel).xpath("//ol[@class='entries']/li/h2/a")]


def test_index_paginates_latest_first(built: BuildReport, out: Path) -> None:
    # per_page is 2 in the test site
    assert _headlines(out, "index.html") == [BRIDGE.headline, FERRY.headline]
    assert _headlines(out, "page/2") == [BUDGET.headline]
    first, second = page(out, ""), page(out, "page/2")
    assert first.xpath("//a[@rel='next']/@href") == ["/page/2/"]
    assert second.xpath("//a[@rel='prev']/@href") == ["/"]
    assert not second.xpath("//a[@rel='next']")
    assert "Page 2 of 2" in text_of(second.xpath("//nav[@class='pagination']")[0])
    assert not (out / "page/3").exists()
    labels = [text_of(x) for x in first.xpath("//*[@class='entry-label']")]
    assert labels[0] == BRIDGE.label  # every listing shows how far each article can be trusted


def test_topic_source_and_archive_pages(built: BuildReport, out: Path) -> None:
    assert _headlines(out, "topics/transport") == [BRIDGE.headline, FERRY.headline]
    assert _headlines(out, "topics/politics") == [BUDGET.headline]
    assert _headlines(out, "sources/gazette-example") == [BRIDGE.headline, FERRY.headline]
    assert _headlines(out, "sources/gazette-example/page/2") == [BUDGET.headline]
    assert _headlines(out, "sources/portnews-example") == [FERRY.headline]
    assert text_of(page(out, "sources/portnews-example").xpath("//h1")[0]) == (
        "Articles based on Port News"
    )
    assert _headlines(out, "archive/2026/11") == [BRIDGE.headline, FERRY.headline]
    assert _headlines(out, "archive/2026/10") == [BUDGET.headline]
    topics = page(out, "topics")
    assert [text_of(a) for a in topics.xpath("//ul[@class='directory']//a")] == [
        "Harbour",
        "Politics",
        "Transport",
    ]
    archive = page(out, "archive")
    assert archive.xpath("//ul[@class='directory']//a/@href") == [
        "/archive/2026/11/",
        "/archive/2026/10/",
    ]
    # topic pages advertise their own feeds
    alternates = page(out, "topics/transport").xpath("//link[@rel='alternate']/@href")
    assert "/topics/transport/feed.xml" in alternates


def test_site_under_a_path_prefix(pages, out: Path) -> None:  # type: ignore[no-untyped-def]
    from retold.publish import build_site
    from retold.records import SiteInfo

    site = SiteInfo(title="T", base_url="https://example.org/news")
    build_site(site, pages, out)
    doc = page(out, BRIDGE.slug)
    assert doc.xpath("//link[@rel='canonical']/@href") == [
        f"https://example.org/news/{BRIDGE.slug}/"
    ]
    assert doc.xpath("//link[@rel='stylesheet']/@href")[0].startswith("/news/static/")
    assert doc.xpath("//a[@class='site-title']/@href") == ["/news/"]
