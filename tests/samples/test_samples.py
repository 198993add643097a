"""The bundled sample newsroom: story sources, the generator and what it committed."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import ModuleType

import feedparser
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
OUTLETS = ("harbour-gazette", "northfield-courier", "valley-ledger", "metro-wire")
FEEDS = {
    "harbour-gazette/rss.xml",
    "northfield-courier/atom.xml",
    "valley-ledger/rss.xml",
    "valley-ledger/feed.json",
    "metro-wire/rss.xml",
}


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("samples_build", SAMPLES / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["samples_build"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


build = _load_build()


@pytest.fixture(scope="module")
def manifest() -> list[dict[str, object]]:
    return json.loads((SAMPLES / "MANIFEST.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stories() -> dict[str, list]:
    return build.load_stories(SAMPLES / "stories")


def all_stories(stories: dict[str, list]) -> list:
    return [s for pool in stories.values() for s in pool]


def story_files() -> list[Path]:
    return sorted((SAMPLES / "stories").glob("*/*.md")) + sorted(
        (SAMPLES / "stories-updated").glob("*/*.md")
    )


def page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the generator


def test_committed_files_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(SAMPLES / "build.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_build_is_deterministic_and_honours_out(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert build.main(["--out", str(first)]) == 0
    assert build.main(["--out", str(second)]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    # and it matches what is committed
    for rel in files:
        assert (SAMPLES / rel).read_bytes() == (first / rel).read_bytes(), rel


def test_rebuild_removes_stale_files_and_check_notices(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build.main(["--out", str(out)]) == 0
    stale = out / "site" / "harbour-gazette" / "news" / "gone.html"
    stale.write_text("old", encoding="utf-8")
    (out / "site" / "metro-wire" / "rss.xml").write_text("tampered", encoding="utf-8")
    assert build.main(["--out", str(out), "--check"]) == 1
    assert build.main(["--out", str(out)]) == 0
    assert not stale.exists()
    assert build.main(["--out", str(out), "--check"]) == 0


def _copy_sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(SAMPLES / "stories", src / "stories")
    shutil.copytree(SAMPLES / "stories-updated", src / "stories-updated")
    return src


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter here\n", "front matter"),
        ("---\ntitle: x\n---\nbody\n", "missing front matter"),
        (
            "---\ntitle: t\nauthor: a\ndate: yesterday\ntopic: x\nkind: full\nsummary: s\n---\nb\n",
            "ISO 8601",
        ),
        (
            "---\ntitle: t\nauthor: a\ndate: 2026-11-18T07:00:00+00:00\ntopic: x\nkind: blog\n"
            "summary: s\n---\nb\n",
            "kind must be one of",
        ),
    ],
)
def test_broken_story_gives_one_clear_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    src = _copy_sources(tmp_path)
    (src / "stories" / "metro-wire" / "broken.md").write_text(text, encoding="utf-8")
    assert build.main(["--src", str(src), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_update_without_original_is_refused(tmp_path: Path) -> None:
    src = _copy_sources(tmp_path)
    extra = src / "stories-updated" / "metro-wire" / "no-such-story.md"
    extra.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / "stories" / "metro-wire" / "rail-strike-vote.md", extra)
    with pytest.raises(build.SampleError, match="no original"):
        build.build(src)


def test_placeholder_jpeg_is_a_jpeg() -> None:
    images = sorted((SAMPLES / "site" / "images").glob("*.jpg"))
    assert images
    for image in images:
        data = image.read_bytes()
        assert data[:3] == b"\xff\xd8\xff" and data.endswith(b"\xff\xd9")


# --------------------------------------------------------------------------- story sources


@pytest.mark.parametrize("path", story_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_story_source_is_a_full_article(path: Path) -> None:
    story = build.parse_story(path, path.parent.name)
    # teaser and paywall stories still keep their full body in the source
    assert 300 <= story.words <= 900, story.words
    assert 6 <= len(story.paragraphs) <= 14
    assert datetime(2026, 11, 16).date() <= story.date.date() <= datetime(2026, 11, 24).date()
    assert re.search(r"[“\"][^”\"]{20,}[”\"]", " ".join(story.paragraphs)), "no direct quote"
    assert re.search(r"\d", " ".join(story.paragraphs)), "no figures"


def test_outlets_and_kinds(stories: dict[str, list]) -> None:
    assert set(stories) == set(OUTLETS)
    kinds = {s.kind for s in all_stories(stories)}
    assert kinds == {"full", "teaser", "paywall"}
    assert len({s.topic for s in all_stories(stories)}) >= 8


def test_updated_stories_change_the_text() -> None:
    updated = sorted((SAMPLES / "stories-updated").glob("*/*.md"))
    assert updated
    for path in updated:
        new = build.parse_story(path, path.parent.name)
        old = build.parse_story(SAMPLES / "stories" / path.parent.name / path.name, new.outlet)
        assert new.updated is not None and new.updated > old.date
        assert new.paragraphs != old.paragraphs


# --------------------------------------------------------------------------- manifest


def test_manifest(manifest: list[dict[str, object]], stories: dict[str, list]) -> None:
    assert len(manifest) >= 30
    assert len(manifest) == len(all_stories(stories))
    keys = {"outlet", "slug", "path", "title", "kind", "topic", "event", "wire_of"}
    for entry in manifest:
        assert keys <= set(entry)
        assert (SAMPLES / str(entry["path"])).is_file()
        if entry["updated_path"]:
            assert (SAMPLES / str(entry["updated_path"])).is_file()
    by_id = {f"{m['outlet']}/{m['slug']}": m for m in manifest}
    wires = [m for m in manifest if m["wire_of"]]
    assert wires
    for m in wires:
        assert m["wire_of"] in by_id
        assert m["event"] and m["event"] == by_id[str(m["wire_of"])]["event"]
    events: dict[str, set[str]] = {}
    for m in manifest:
        if m["event"]:
            events.setdefault(str(m["event"]), set()).add(str(m["outlet"]))
    assert len(events["bridge"]) >= 2 and len(events["wire-frost"]) >= 2


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_wire_republication_is_a_near_duplicate(stories: dict[str, list]) -> None:
    by_id = {f"{s.outlet}/{s.slug}": s for s in all_stories(stories)}
    copy = by_id["harbour-gazette/orchard-frost-losses-wire"]
    original = by_id[copy.wire_of]
    assert copy.paragraphs[0] == "Metro Wire"
    assert copy.title != original.title
    assert len(copy.paragraphs) - 1 == len(original.paragraphs) - 1  # credit in, one trimmed out
    a, b = _shingles(" ".join(copy.paragraphs[1:])), _shingles(" ".join(original.paragraphs))
    overlap = len(a & b) / len(a | b)
    assert 0.75 < overlap < 1.0


def test_bridge_stories_share_the_facts(stories: dict[str, list]) -> None:
    bridge = [s for s in all_stories(stories) if s.event == "bridge"]
    assert {s.outlet for s in bridge} >= {"harbour-gazette", "northfield-courier"}
    for story in bridge:
        text = " ".join(story.paragraphs)
        for fact in ("4.2 million crowns", "Aurelia Voss", "18,000", "14 of", "62", "six weeks"):
            assert fact in text, (story.slug, fact)


# --------------------------------------------------------------------------- pages


def _pages(manifest: list[dict[str, object]]) -> list[tuple[dict[str, object], Path]]:
    pages = [(m, SAMPLES / str(m["path"])) for m in manifest]
    pages += [(m, SAMPLES / str(m["updated_path"])) for m in manifest if m["updated_path"]]
    return pages


def test_every_page_has_head_metadata_and_boilerplate(
    manifest: list[dict[str, object]],
) -> None:
    for entry, path in _pages(manifest):
        html = page_text(path)
        url = f"__BASE__/{entry['outlet']}/news/{entry['slug']}.html"
        assert f'<link rel="canonical" href="{url}">' in html, path
        assert '<html lang="en">' in html
        for meta in (
            'name="description"',
            'property="og:title"',
            'property="og:description"',
            'property="og:site_name"',
            'name="author"',
            'property="article:published_time"',
        ):
            assert meta in html, (path, meta)
        # boilerplate a naive extractor would trip over
        assert "<nav" in html and "<footer" in html, path
        assert "Advertisement" in html, path
        assert "cookie" in html.lower(), path
        assert 'id="comments"' in html, path
        assert "facebook.com/sharer" in html and "wa.me" in html, path  # share buttons
        assert "http://" not in html.replace("http://purl.org", "").replace(
            "http://www.w3.org", ""
        ), "absolute URLs must use __BASE__"


def test_teaser_and_paywall_pages_hide_the_rest(
    manifest: list[dict[str, object]], stories: dict[str, list]
) -> None:
    by_id = {f"{s.outlet}/{s.slug}": s for s in all_stories(stories)}
    updates = build.load_stories(SAMPLES / "stories-updated")
    by_id_new = {f"{s.outlet}/{s.slug}": s for pool in updates.values() for s in pool}
    for entry, path in _pages(manifest):
        key = f"{entry['outlet']}/{entry['slug']}"
        story = by_id_new[key] if path.parts[-4] == "updates" else by_id[key]
        html = page_text(path)
        escaped = [build.e(p) for p in story.paragraphs]
        if story.kind == "paywall":
            assert "Subscribe to continue reading" in html
            assert escaped[0] in html and escaped[1] in html
            assert not any(p in html for p in escaped[2:]), path
        elif story.kind == "teaser":
            assert "full story is" in html
            assert build.e(build.teaser_text(story)) in html
            assert not any(p in html for p in escaped[2:]), path
        else:
            assert all(p in html for p in escaped), path


def test_updated_page_shows_new_text(manifest: list[dict[str, object]]) -> None:
    updated = [m for m in manifest if m["updated_path"]]
    assert updated
    for entry in updated:
        new = page_text(SAMPLES / str(entry["updated_path"]))
        old = page_text(SAMPLES / str(entry["path"]))
        assert new != old
        assert 'property="article:modified_time"' in new
        assert "Correction" in new or "Updated" in new


# --------------------------------------------------------------------------- feeds


def _count(stories: dict[str, list], outlet: str) -> int:
    return len(stories[outlet])


@pytest.mark.parametrize("feed", sorted(FEEDS - {"valley-ledger/feed.json"}))
def test_feed_parses_with_all_items(feed: str, stories: dict[str, list]) -> None:
    parsed = feedparser.parse((SAMPLES / "site" / feed).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    outlet = feed.split("/")[0]
    assert len(parsed.entries) == _count(stories, outlet)
    pool = stories[outlet]
    assert [e.title for e in parsed.entries] == [s.title for s in pool]  # newest first
    for entry, story in zip(parsed.entries, pool, strict=True):
        assert entry.author_detail.name == story.author, feed
        assert entry.get("summary") == story.summary, feed
        assert entry.get("published_parsed") or entry.get("updated_parsed"), feed


def test_gazette_rss_carries_full_text_only_for_full_articles(stories: dict[str, list]) -> None:
    parsed = feedparser.parse((SAMPLES / "site/harbour-gazette/rss.xml").read_bytes())
    for entry, story in zip(parsed.entries, stories["harbour-gazette"], strict=True):
        if story.kind == "full":
            assert build.e(story.paragraphs[-1]) in entry.content[0].value
        else:
            assert "content" not in entry
        assert parsedate_to_datetime(entry.published) == story.date


def test_ledger_rss_uses_relative_links() -> None:
    root = ET.parse(SAMPLES / "site/valley-ledger/rss.xml").getroot()
    links = [item.findtext("link") for item in root.iter("item")]
    assert links and all(link and re.fullmatch(r"news/[a-z0-9-]+\.html", link) for link in links)


def test_wire_rss_has_image_enclosures(stories: dict[str, list]) -> None:
    parsed = feedparser.parse((SAMPLES / "site/metro-wire/rss.xml").read_bytes())
    for entry, story in zip(parsed.entries, stories["metro-wire"], strict=True):
        if story.image:
            assert entry.enclosures[0]["href"] == "__BASE__" + story.image
            assert entry.enclosures[0]["type"] == "image/jpeg"


def test_json_feed_has_all_items(stories: dict[str, list]) -> None:
    # feedparser 6.0 does not read JSON Feed, so check the document directly
    feed = json.loads((SAMPLES / "site/valley-ledger/feed.json").read_text(encoding="utf-8"))
    assert feed["feed_url"] == "__BASE__/valley-ledger/feed.json"
    pool = stories["valley-ledger"]
    assert [i["title"] for i in feed["items"]] == [s.title for s in pool]
    for item, story in zip(feed["items"], pool, strict=True):
        assert item["url"] == story.url and item["summary"] == story.summary
        assert item["authors"] == [{"name": story.author}]
        assert item["content_text"] or item.get("content_html")


def test_atom_and_json_dates_are_rfc3339(stories: dict[str, list]) -> None:
    atom = ET.parse(SAMPLES / "site/northfield-courier/atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for published in atom.iterfind("a:entry/a:published", ns):
        assert datetime.fromisoformat(published.text or "").tzinfo is not None
    feed = json.loads((SAMPLES / "site/valley-ledger/feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    for item in feed["items"]:
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


def test_update_overlay_feeds_carry_the_new_version() -> None:
    for path in sorted((SAMPLES / "stories-updated").glob("*/*.md")):
        story = build.parse_story(path, path.parent.name)
        outlet = build.OUTLETS[story.outlet]
        for _, filename in outlet.feeds:
            text = (SAMPLES / "updates" / story.outlet / filename).read_text(encoding="utf-8")
            assert build.e(story.title) in text or story.title in text


def test_opml_lists_the_five_feeds() -> None:
    root = ET.parse(SAMPLES / "newsroom.opml").getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    urls = {o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    assert urls == {f"__BASE__/{feed}" for feed in FEEDS}
    for feed in FEEDS:
        assert (SAMPLES / "site" / feed).is_file()
