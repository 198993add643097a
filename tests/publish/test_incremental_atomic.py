"""Incremental rebuilds write only what changed; the site is swapped in atomically."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from retold.publish import BuildReport, PublishError, build_site
from retold.records import ArticlePage, SiteInfo
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, HELD


def test_second_build_writes_nothing(
    site: SiteInfo, pages: list[ArticlePage], out: Path, built: BuildReport
) -> None:
    assert len(built.written) > 20 and not built.unchanged and not built.removed
    again = build_site(site, pages, out)
    assert again.written == () and again.removed == ()
    assert set(again.unchanged) == set(built.written)
    # unchanged files are hard links to the previous build, not copies
    rel = f"{BRIDGE.slug}/index.html"
    assert (again.build_dir / rel).stat().st_ino == (built.build_dir / rel).stat().st_ino


def test_changing_one_article_rewrites_it_and_its_listings(
    site: SiteInfo, out: Path, built: BuildReport
) -> None:
    changed = replace(FERRY, headline="Ferry timetable changes again")
    report = build_site(site, [BRIDGE, changed, BUDGET], out)
    # the bridge article is not rewritten: its related list comes from its own RelatedLinks
    assert set(report.written) == {
        f"{FERRY.slug}/index.html",
        "index.html",  # FERRY is on page 1 of the index
        "topics/transport/index.html",
        "sources/gazette-example/index.html",
        "sources/portnews-example/index.html",
        "archive/2026/11/index.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "topics/transport/feed.xml",
        "topics/transport/atom.xml",
        "topics/transport/feed.json",
        "news-sitemap.xml",
    }
    assert report.removed == ()
    assert "Ferry timetable changes again" in (out / FERRY.slug / "index.html").read_text()


def test_removed_and_held_articles_disappear(site: SiteInfo, out: Path, built: BuildReport) -> None:
    report = build_site(site, [BRIDGE, replace(FERRY, held=True), BUDGET], out)
    assert f"{FERRY.slug}/index.html" in report.removed
    assert "sources/portnews-example/index.html" in report.removed
    assert not (out / FERRY.slug).exists()
    # the link to it in the bridge article's related list is gone as well
    assert FERRY.slug not in (out / BRIDGE.slug / "index.html").read_text()


def test_template_or_site_change_invalidates_pages(
    site: SiteInfo, pages: list[ArticlePage], out: Path, built: BuildReport
) -> None:
    report = build_site(replace(site, title="Harbour Retold Daily"), pages, out)
    assert f"{BRIDGE.slug}/index.html" in report.written


def test_out_dir_is_a_symlink_swapped_atomically(
    site: SiteInfo, pages: list[ArticlePage], out: Path, built: BuildReport
) -> None:
    assert out.is_symlink() and out.resolve() == built.build_dir.resolve()
    builds = out.parent / ".site.builds"
    first = built.build_dir
    second = build_site(site, pages, out).build_dir
    third = build_site(site, pages, out).build_dir
    # the current build and the one before it are kept, with a spare copy for the next build
    assert sorted(p.name for p in builds.iterdir()) == sorted([second.name, third.name, "spare"])
    assert not first.exists()
    manifest = json.loads((out / ".retold-manifest.json").read_text())
    assert f"{BRIDGE.slug}/index.html" in manifest["files"]


class _Explodes(str):
    """A headline that cannot be rendered: fault injection halfway through a build."""

    def __str__(self) -> str:
        raise RuntimeError("boom")


def test_failed_build_leaves_the_published_site_untouched(
    site: SiteInfo, pages: list[ArticlePage], out: Path, built: BuildReport
) -> None:
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    broken = replace(BUDGET, headline=_Explodes("x"))
    with pytest.raises(RuntimeError):
        build_site(site, [BRIDGE, FERRY, broken], out, processes=1)
    assert out.resolve() == built.build_dir.resolve()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert [p.name for p in (out.parent / ".site.builds").iterdir()] == [built.build_dir.name]


def test_readers_always_see_a_complete_site(
    site: SiteInfo, pages: list[ArticlePage], out: Path, built: BuildReport
) -> None:
    stop = threading.Event()
    problems: list[str] = []
    expected = {"index.html", "feed.xml", f"{BRIDGE.slug}/index.html", "sitemap.xml"}

    def read() -> None:
        while not stop.is_set():
            root = out.resolve()  # what a web server does per request
            for rel in expected:
                try:
                    text = (root / rel).read_text("utf-8")
                except FileNotFoundError:
                    if root.exists():  # a build removed by clean-up mid-read is fine
                        problems.append(f"missing {rel}")
                    continue
                if not text.rstrip().endswith((">", "}")):
                    problems.append(f"truncated {rel}")

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(8):
            changed = replace(
                FERRY,
                updated=FERRY.updated + timedelta(minutes=n + 1),
                headline=f"Ferry timetable changes ({n})",
            )
            # from the third build on, builds start from the spare copy; every other one
            # also drops an article, so files are removed from a recycled tree as well
            others = [BUDGET] if n % 2 else [BUDGET, replace(HELD, held=False)]
            build_site(site, [BRIDGE, changed, *others], out)
    finally:
        stop.set()
        reader.join()
    assert problems == []


def test_refuses_to_overwrite_a_foreign_directory(
    site: SiteInfo, pages: list[ArticlePage], tmp_path: Path
) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    with pytest.raises(PublishError, match="Retold did not write"):
        build_site(site, pages, foreign)
    assert (foreign / "thesis.tex").read_text() == "precious"
    # an empty directory is fine
    empty = tmp_path / "empty"
    empty.mkdir()
    build_site(site, pages, empty)
    assert (empty / "index.html").exists()


@pytest.mark.parametrize(
    "slug", ["../escape", "/abs", "a//b", "page/2", "feed.xml", "topics/x", "", "a b"]
)
def test_bad_slugs_are_refused(site: SiteInfo, out: Path, slug: str) -> None:
    with pytest.raises(PublishError, match="slug"):
        build_site(site, [replace(BUDGET, slug=slug)], out)


def test_duplicate_slugs_and_bad_base_url(site: SiteInfo, out: Path) -> None:
    with pytest.raises(PublishError, match="share the slug"):
        build_site(site, [BUDGET, BUDGET], out)
    with pytest.raises(PublishError, match="absolute"):
        build_site(replace(site, base_url="news.example.org"), [BUDGET], out)


def test_parallel_build_matches_serial(
    site: SiteInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retold.publish import workers

    # few pages per worker, so this small site really forks
    monkeypatch.setattr(workers, "MIN_PAGES_PER_WORKER", 100)
    many = [
        replace(
            BUDGET,
            slug=f"2026/10/story-{i:03d}",
            headline=f"Story {i}",
            published=BUDGET.published - timedelta(hours=i),
        )
        for i in range(520)
    ]
    many[7] = replace(many[7], held=True)
    serial = build_site(site, many, tmp_path / "serial", processes=1)
    parallel = build_site(site, many, tmp_path / "parallel", processes=2)
    assert serial.written == parallel.written
    one = json.loads((tmp_path / "serial/.retold-manifest.json").read_text())
    two = json.loads((tmp_path / "parallel/.retold-manifest.json").read_text())
    assert one["files"] == two["files"]
    again = build_site(site, many, tmp_path / "parallel", processes=2)
    assert again.written == ()
