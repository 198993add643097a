"""The search index is built with the site; a new article is indexed on its own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from retold.publish import build_site
from retold.publish.ranking import FrontOptions
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, SITE

FRONT = FrontOptions(search=True)


def test_one_new_article_is_indexed_alone_and_a_changed_one_rebuilds_the_index(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    first = build_site(SITE, [BRIDGE, BUDGET], out, front=FRONT)
    assert "pagefind/all/pagefind.js" in first.written and "search/index.html" in first.written
    again = build_site(SITE, [BRIDGE, BUDGET], out, front=FRONT)
    assert not [p for p in again.written if p.startswith("pagefind/")]
    added = build_site(SITE, [BRIDGE, FERRY, BUDGET], out, front=FRONT)
    assert [p for p in added.written if p.startswith("pagefind/recent/")]
    assert not [p for p in added.written if p.startswith("pagefind/all/")]
    page = (out / "search" / "index.html").read_text()
    assert 'data-bundles="/pagefind/all/ /pagefind/recent/"' in page
    # an article of the main bundle changed: everything is indexed again, in one bundle
    changed = replace(BUDGET, headline="Council agrees a smaller budget")
    rebuilt = build_site(SITE, [BRIDGE, FERRY, changed], out, front=FRONT)
    assert [p for p in rebuilt.written if p.startswith("pagefind/all/")]
    assert "pagefind/recent/pagefind.js" in rebuilt.removed
    assert 'data-bundles="/pagefind/all/"' in (out / "search" / "index.html").read_text()


def test_when_the_last_article_goes_the_index_goes_and_the_build_still_succeeds(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    build_site(SITE, [BRIDGE], out, front=FRONT)
    emptied = build_site(SITE, [], out, front=FRONT)  # unpublished: nothing left to index
    assert "pagefind/all/pagefind.js" in emptied.removed
    assert 'data-bundles=""' in (out / "search" / "index.html").read_text()


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
