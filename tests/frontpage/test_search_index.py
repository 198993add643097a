"""The search index is built with the site, one bundle per month, re-indexed only where
something changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from retold.publish import build_site
from retold.publish.ranking import FrontOptions
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, SITE

FRONT = FrontOptions(search=True)


def test_one_new_article_reindexes_only_its_month(tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = build_site(SITE, [BRIDGE, FERRY, BUDGET], out, front=FRONT)
    assert any(p.startswith("pagefind/2026-10/") for p in first.written)
    assert any(p.startswith("pagefind/2026-11/") for p in first.written)
    assert "search/index.html" in first.written
    again = build_site(SITE, [BRIDGE, FERRY, BUDGET], out, front=FRONT)
    assert not [p for p in again.written if p.startswith("pagefind/")]
    new = replace(
        FERRY,
        slug="2026/11/new-pier",
        headline="New pier opens",
        published=FERRY.published + timedelta(hours=1),
    )
    third = build_site(SITE, [BRIDGE, FERRY, new, BUDGET], out, front=FRONT)
    assert [p for p in third.written if p.startswith("pagefind/2026-11/")]
    assert not [p for p in third.written if p.startswith("pagefind/2026-10/")]
    page = (out / "search" / "index.html").read_text()
    assert 'data-bundles="/pagefind/2026-11/ /pagefind/2026-10/"' in page


def test_without_search_there_is_no_bundle_and_no_nav_link(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(SITE, [BRIDGE, FERRY, BUDGET], out)
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert "/search/" not in (out / "index.html").read_text()


def test_the_about_page_explains_labels_and_how_to_report_an_error(tmp_path: Path) -> None:
    out = tmp_path / "site"
    site = replace(SITE, report_email="corrections@news.example.org")
    build_site(site, [BRIDGE, FERRY, BUDGET], out)
    about = (out / "about" / "index.html").read_text()
    assert "I imagined this. I have no way to verify it&#39;s accurate." in about
    assert 'href="mailto:corrections@news.example.org"' in about
    assert 'href="/ranking.json"' in about
    assert 'href="/about/"' in (out / "index.html").read_text()  # every page's footer
