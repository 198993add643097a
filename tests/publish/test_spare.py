"""The spare copy: rebuilds start from it when it is trusted, and fall back safely when not."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from retold.publish import BuildReport, build_site
from retold.publish.output import MANIFEST, SPARE, SPARE_MARKER
from retold.records import ArticlePage, SiteInfo
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, HELD

NEW = replace(
    HELD,
    held=False,
    slug="2026/11/new-story",
    headline="A new story",
    published=BUDGET.published + timedelta(hours=1),
)


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and directory under ``root``, minus the manifest."""
    tree: dict[str, bytes | None] = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if rel != MANIFEST:
            tree[rel] = path.read_bytes() if path.is_file() else None
    return tree


def _same_as_full_build(site: SiteInfo, pages: list[ArticlePage], out: Path, tmp: Path) -> None:
    tmp.mkdir(exist_ok=True)
    fresh = tmp / f"fresh-{len(list(tmp.iterdir()))}"
    build_site(site, pages, fresh)
    assert _tree(out) == _tree(fresh)


def _spare(out: Path) -> Path:
    return out.parent / ".site.builds" / SPARE


def _third_build(site: SiteInfo, pages: list[ArticlePage], out: Path) -> BuildReport:
    build_site(site, pages, out)
    return build_site(site, pages, out)  # made the spare


def test_rebuilds_from_the_spare_match_full_builds(
    site: SiteInfo, pages: list[ArticlePage], out: Path, tmp_path: Path, built: BuildReport
) -> None:
    changed = replace(FERRY, headline="Ferry timetable changes again")
    steps = [
        pages,
        [NEW, *pages],  # an article added
        [NEW, BRIDGE, changed, BUDGET],  # one changed, the held one dropped
        [NEW, BRIDGE, BUDGET],  # one removed: its directory must go too
        [BRIDGE, changed, BUDGET, NEW],
        [BRIDGE],
        pages,
    ]
    for step in steps:
        spare = _spare(out)
        spare_inode = spare.stat().st_ino if spare.exists() else None
        previous = out.resolve()
        previous_files = _tree(previous)
        report = build_site(site, step, out)
        if spare_inode is not None:  # the spare was renamed into the new build
            assert report.build_dir.stat().st_ino == spare_inode
        _same_as_full_build(site, step, out, tmp_path / "fresh")
        # the build readers may still be in is never changed
        assert _tree(previous) == previous_files
    assert _spare(out).exists()


@pytest.mark.parametrize("damage", ["stale", "garbage", "half-synced", "missing"])
def test_an_untrusted_spare_falls_back_to_a_full_tree(
    site: SiteInfo, pages: list[ArticlePage], out: Path, tmp_path: Path, damage: str
) -> None:
    build_site(site, pages, out)
    _third_build(site, pages, out)
    spare = _spare(out)
    marker = spare / SPARE_MARKER
    assert marker.exists()
    if damage == "stale":
        marker.write_text("0" * 32)
    elif damage == "garbage":
        marker.write_bytes(b"\xff\xfe not an id")
    elif damage == "half-synced":  # a sync cut short: the marker is written last
        marker.unlink()
        (spare / FERRY.slug / "index.html").unlink()
        (spare / "index.html").write_text("half")
    else:
        import shutil

        shutil.rmtree(spare)
    inode = spare.stat().st_ino if spare.exists() else None
    step = [NEW, BRIDGE, BUDGET]
    report = build_site(site, step, out)
    assert report.build_dir.stat().st_ino != inode
    _same_as_full_build(site, step, out, tmp_path / "fresh")
    # a fresh, trusted spare is made again, and the next build uses it
    inode = spare.stat().st_ino
    assert build_site(site, pages, out).build_dir.stat().st_ino == inode
    _same_as_full_build(site, pages, out, tmp_path / "fresh")


class _Explodes(str):
    def __str__(self) -> str:
        raise RuntimeError("boom")


def test_a_failed_build_from_the_spare_leaves_the_site_untouched(
    site: SiteInfo, pages: list[ArticlePage], out: Path, tmp_path: Path
) -> None:
    build_site(site, pages, out)
    live = _third_build(site, pages, out).build_dir
    before = _tree(out)
    with pytest.raises(RuntimeError):
        build_site(site, [BRIDGE, replace(BUDGET, headline=_Explodes("x"))], out, processes=1)
    assert out.resolve() == live.resolve() and _tree(out) == before
    build_site(site, [NEW, *pages], out)
    _same_as_full_build(site, [NEW, *pages], out, tmp_path / "fresh")
