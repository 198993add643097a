"""Canonical URLs, near-duplicate text and content hashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.ingest.dedup import (
    canonical_url,
    content_hash,
    fingerprint,
    is_near_duplicate,
    similarity,
)
from retold.ingest.extract import extract

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://WWW.Example.COM:443/News/Story?b=2&a=1#top",
            "https://example.com/News/Story?a=1&b=2",
        ),
        ("http://example.com:80/a/", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        (
            "https://example.com/a?utm_source=x&utm_medium=y&fbclid=1&gclid=2&mc_cid=3&ref=rss&id=7",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/news/story/amp", "https://example.com/news/story"),
        ("https://example.com/news/story/amp/", "https://example.com/news/story"),
        ("https://example.com/amp/news/story", "https://example.com/news/story"),
        ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("https://example.com/news/story?amp=1", "https://example.com/news/story"),
        ("https://example.com/news/story?outputType=amp", "https://example.com/news/story"),
        ("https://amp.example.com/news/story", "https://example.com/news/story"),
        ("https://m.example.com/news/story", "https://example.com/news/story"),
        ("https://mobile.example.com/news/story", "https://example.com/news/story"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/news/index.html", "https://example.com/news"),
        ("mailto:desk@example.com", "mailto:desk@example.com"),
        ("not a url", "not a url"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "https://m.example.com/amp/a/b.amp.html?utm_campaign=z&x=1&amp=1"
    once = canonical_url(url)
    assert canonical_url(once) == once == "https://example.com/a/b.html?x=1"


def test_fingerprint_shape_and_stability() -> None:
    fp = fingerprint("The quick brown fox jumps over the lazy dog near the river bank.")
    assert isinstance(fp, bytes) and len(fp) == 512
    assert fp == fingerprint("The quick brown fox jumps over the lazy dog near the river bank.")
    assert similarity(fp, fp) == 1.0
    assert similarity("", "anything at all here") == 0.0


def test_light_edits_are_near_duplicates() -> None:
    text = " ".join(
        f"Sentence number {i} says something about the harbour and the bridge." for i in range(30)
    )
    edited = (
        text.replace("number 3 ", "number three ").replace("harbour", "Harbour") + " Added line."
    )
    assert is_near_duplicate(text, edited)
    assert not is_near_duplicate(
        text, "A completely different story about schools and buses in winter."
    )


def test_samples_near_duplicates(samples_root: Path) -> None:
    manifest = json.loads((samples_root / "MANIFEST.json").read_text("utf-8"))
    texts = {
        f"{e['outlet']}/{e['slug']}": extract(
            (samples_root / e["path"]).read_text("utf-8"), "http://x/"
        ).text
        for e in manifest
        if e["kind"] == "full"
    }
    wire_pairs = [
        (f"{e['outlet']}/{e['slug']}", e["wire_of"]) for e in manifest if e.get("wire_of")
    ]
    assert wire_pairs
    for copy, original in wire_pairs:
        assert is_near_duplicate(texts[copy], texts[original]), (copy, original)
    # Independent reports of the same event are not copies, nor are unrelated stories.
    fps = {k: fingerprint(v) for k, v in texts.items()}
    wire = {frozenset(p) for p in wire_pairs}
    for a in fps:
        for b in fps:
            if a < b and frozenset((a, b)) not in wire:
                assert similarity(fps[a], fps[b]) < 0.3, (a, b)


def test_content_hash() -> None:
    text = "The bridge closes on Monday.\n\nIt will cost 4.2 million crowns."
    assert content_hash(text) == content_hash(
        "The  bridge closes on Monday. It will cost 4.2 million crowns"
    )
    assert content_hash(text) == content_hash(text.upper())
    assert content_hash(text) != content_hash(text.replace("4.2", "4.8"))
    assert len(content_hash(text)) == 64


def test_updated_sample_pages_change_hash_but_stay_one_story(samples_root: Path) -> None:
    manifest = json.loads((samples_root / "MANIFEST.json").read_text("utf-8"))
    updated = [e for e in manifest if e.get("updated_path")]
    if not updated:
        pytest.skip("the samples carry no updated editions yet")
    for e in updated:
        old = extract((samples_root / e["path"]).read_text("utf-8"), "http://x/").text
        new = extract((samples_root / e["updated_path"]).read_text("utf-8"), "http://x/").text
        assert content_hash(old) != content_hash(new), e["slug"]
        assert similarity(old, new) > 0.5, e["slug"]
