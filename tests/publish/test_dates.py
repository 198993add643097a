"""Articles dated only by when Retold first saw their sources: honest wording, last in line."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import lxml.html

from retold.publish import build_site
from retold.publish.digest import page_digest
from retold.records import SiteInfo
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, NOW

# Seen an hour ago, after every dated article, but it could be years old.
UNDATED = dataclasses.replace(
    BUDGET,
    first_seen=True,
    slug="2026/11/old-undated-page",
    headline="An undated page",
    published=NOW + timedelta(hours=1),
    updated=NOW + timedelta(hours=1),
)


def build(site: SiteInfo, out: Path) -> None:
    wide = dataclasses.replace(site, per_page=10)
    build_site(wide, [BRIDGE, FERRY, BUDGET, UNDATED], out)


def test_first_seen_pages_come_last_and_say_so(site: SiteInfo, out: Path) -> None:
    build(site, out)
    front = lxml.html.parse(str(out / "index.html")).getroot()
    items = front.xpath("//main//li[h2]")
    hrefs = [li.xpath("string(h2/a/@href)") for li in items]
    assert hrefs == [f"/{p.slug}/" for p in (BRIDGE, FERRY, BUDGET, UNDATED)]
    metas = [li.xpath("string(.//p[@class='meta'])") for li in items]
    assert metas[0].startswith("Published 25 Nov 2026")
    assert metas[-1].startswith("First seen 25 Nov 2026")
    page = (out / UNDATED.slug / "index.html").read_text(encoding="utf-8")
    assert '<p class="meta">First seen <time datetime="2026-11-25T10:30:00+00:00">' in page


def test_first_seen_pages_claim_no_publication_date(site: SiteInfo, out: Path) -> None:
    build(site, out)
    doc = lxml.html.parse(str(out / UNDATED.slug / "index.html")).getroot()
    data = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
    assert "datePublished" not in data and data["dateModified"] == "2026-11-25T10:30:00+00:00"
    assert not doc.xpath("//meta[@property='article:published_time']")
    dated = lxml.html.parse(str(out / BRIDGE.slug / "index.html")).getroot()
    assert dated.xpath("//meta[@property='article:published_time']")

    items = {i["id"]: i for i in json.loads((out / "feed.json").read_text())["items"]}
    undated = items["https://news.example.org/2026/11/old-undated-page/"]
    assert "date_published" not in undated and "date_modified" in undated
    rss = ET.parse(out / "feed.xml").getroot()
    pub = {i.findtext("link"): i.findtext("pubDate") for i in rss.iter("item")}
    assert pub["https://news.example.org/2026/11/old-undated-page/"] is None
    assert pub[f"https://news.example.org/{BRIDGE.slug}/"]
    news = (out / "news-sitemap.xml").read_text()
    assert UNDATED.slug not in news and BRIDGE.slug in news


def test_the_kind_of_date_is_part_of_the_page_digest() -> None:
    dated = dataclasses.replace(
        BUDGET, slug=UNDATED.slug, headline=UNDATED.headline,
        published=UNDATED.published, updated=UNDATED.updated,
    )  # fmt: skip
    assert page_digest(dated) != page_digest(UNDATED)
