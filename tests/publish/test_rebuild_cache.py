"""An incremental rebuild publishes exactly what a build from scratch would.

Each change a rebuild can meet (an edited article, a removed one, new coverage facts from
the store, a site setting, the builder's code) is built on top of an earlier site and from
scratch, and the two sites must match byte for byte (the search index aside: see
tests/sites.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from retold.publish import BuildReport, build_site, build_site_from, render
from retold.publish.coverage import Report, words_of
from retold.publish.ranking import FrontOptions, StoryFacts
from retold.records import ArticlePage, SiteInfo
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, SITE
from tests.sites import MANIFEST, site_digest, site_files

BRIDGE_REL = f"{BRIDGE.slug}/index.html"


def _front(other_words: str = "harbour bridge close monday council") -> FrontOptions:
    """Two outlets for the bridge story: the coverage box shows on its page."""
    reports = (
        Report(
            "Harbour Gazette",
            "https://gazette.example/bridge",
            "Bridge to close for 18 months",
            BRIDGE.published,
            words_of(" ".join(t for para in BRIDGE.paragraphs for t, _ in para)),
        ),
        Report(
            "Coast Courier",
            "https://courier.example/bridge",
            "Bridge shuts",
            BRIDGE.published + timedelta(hours=1),
            words_of(other_words),
        ),
    )
    when = (BRIDGE.published, BRIDGE.published + timedelta(hours=1))
    return FrontOptions(facts={BRIDGE.slug: StoryFacts(when, "", reports)}, search=True)


Builder = Callable[[SiteInfo, Sequence[ArticlePage], Path, FrontOptions], BuildReport]


def _listed(
    site: SiteInfo, pages: Sequence[ArticlePage], out: Path, front: FrontOptions
) -> BuildReport:
    return build_site(site, pages, out, processes=1, front=front)


def _streamed(
    site: SiteInfo, pages: Sequence[ArticlePage], out: Path, front: FrontOptions
) -> BuildReport:
    return build_site_from(site, lambda: iter(pages), out, front)


BUILDERS = [pytest.param(_listed, id="listed"), pytest.param(_streamed, id="streamed")]
BEFORE = [BRIDGE, FERRY, BUDGET]


def _rebuilt_and_fresh(
    tmp_path: Path,
    build: Builder,
    pages: Sequence[ArticlePage],
    front: FrontOptions,
    site: SiteInfo = SITE,
) -> BuildReport:
    """Build BEFORE, then ``pages`` over it and from scratch; the sites must match."""
    out = tmp_path / "site"
    build(SITE, BEFORE, out, _front())
    build(SITE, BEFORE, out, _front())  # a third build starts from the spare copy
    report = build(site, pages, out, front)
    fresh = tmp_path / "fresh"
    build(site, pages, fresh, front)
    assert site_digest(out) == site_digest(fresh)
    return report


@pytest.mark.parametrize("build", BUILDERS)
def test_an_edited_article_rebuilds_as_from_scratch(tmp_path: Path, build: Builder) -> None:
    edited = replace(BRIDGE, headline="Harbour bridge closes for two years", version=2)
    report = _rebuilt_and_fresh(tmp_path, build, [edited, FERRY, BUDGET], _front())
    assert BRIDGE_REL in report.written
    assert f"{BUDGET.slug}/index.html" in report.unchanged


@pytest.mark.parametrize("build", BUILDERS)
def test_new_coverage_facts_redraw_the_box(tmp_path: Path, build: Builder) -> None:
    # The page is the same; only the store's reports changed (more words of the courier's).
    more = "harbour bridge close monday council repairs take eighteen months ferries"
    report = _rebuilt_and_fresh(tmp_path, build, BEFORE, _front(more))
    assert BRIDGE_REL in report.written
    assert f"{FERRY.slug}/index.html" in report.unchanged


@pytest.mark.parametrize("build", BUILDERS)
def test_lost_coverage_removes_the_box(tmp_path: Path, build: Builder) -> None:
    report = _rebuilt_and_fresh(tmp_path, build, BEFORE, FrontOptions(search=True))
    assert BRIDGE_REL in report.written


@pytest.mark.parametrize("build", BUILDERS)
def test_a_removed_article_rebuilds_as_from_scratch(tmp_path: Path, build: Builder) -> None:
    report = _rebuilt_and_fresh(tmp_path, build, [BRIDGE, BUDGET], _front())
    assert f"{FERRY.slug}/index.html" in report.removed


@pytest.mark.parametrize("build", BUILDERS)
def test_a_site_setting_rebuilds_every_page(tmp_path: Path, build: Builder) -> None:
    site = replace(SITE, title="The Harbour Retold")
    report = _rebuilt_and_fresh(tmp_path, build, BEFORE, _front(), site)
    assert not [rel for rel in report.unchanged if rel.endswith(".html")]


def test_a_code_or_template_change_renders_every_article_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    build_site(SITE, BEFORE, out, front=_front())
    before = _keys(out)
    monkeypatch.setattr(render, "fingerprint", lambda: "another builder")
    build_site(SITE, BEFORE, out, front=_front())
    after = _keys(out)
    articles = [f"{p.slug}/index.html" for p in BEFORE]
    assert all(before[rel] != after[rel] for rel in articles)  # none was carried over
    fresh = tmp_path / "fresh"
    build_site(SITE, BEFORE, fresh, front=_front())
    assert site_digest(out) == site_digest(fresh)


def _keys(out: Path) -> dict[str, str]:
    files = json.loads((out / MANIFEST).read_text())["files"]
    return {rel: key for rel, (_, key) in files.items()}


def test_the_reused_search_bundle_is_the_previous_one(tmp_path: Path) -> None:
    """An added article leaves the main bundle as it was (listed from the manifest)."""
    out = tmp_path / "site"
    build_site(SITE, [BRIDGE, BUDGET], out, front=_front())
    before = {
        rel: data
        for rel, data in site_files(out, with_search=True).items()
        if rel.startswith("pagefind/all/")
    }
    report = build_site(SITE, [BRIDGE, FERRY, BUDGET], out, front=_front())
    after = {
        rel: data
        for rel, data in site_files(out, with_search=True).items()
        if rel.startswith("pagefind/all/")
    }
    assert before and after == before
    assert not [rel for rel in report.written if rel.startswith("pagefind/all/")]
