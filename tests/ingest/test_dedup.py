"""Canonical URLs, near-duplicate text and content hashes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.ingest.dedup import (
    FINGERPRINT_BYTES,
    FINGERPRINT_TAG,
    NEAR_DUPLICATE,
    PERMUTATIONS,
    canonical_url,
    content_hash,
    fingerprint,
    fingerprint_values,
    is_current_fingerprint,
    is_near_duplicate,
    jaccard,
    shingles,
    similar_rows,
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
        ("http://[2001:db8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
        ("http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a"),
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
    assert isinstance(fp, bytes) and len(fp) == FINGERPRINT_BYTES
    assert fp.startswith(FINGERPRINT_TAG) and is_current_fingerprint(fp)
    assert fp == fingerprint("The quick brown fox jumps over the lazy dog near the river bank.")
    assert similarity(fp, fp) == 1.0
    assert similarity("", "anything at all here") == 0.0


def test_fingerprints_of_the_first_construction_are_refused() -> None:
    # The first scheme stored 128 bare uint32 values; comparing them with these would
    # give chance agreement, so they must be recomputed, never compared.
    legacy = np.arange(PERMUTATIONS, dtype=np.uint32).tobytes()
    assert not is_current_fingerprint(legacy)
    with pytest.raises(ValueError, match="older construction"):
        similarity(legacy, fingerprint("any text at all will do here"))


def test_shingle_hashes_use_64_bits_and_word_order() -> None:
    hashes = shingles("one two three four five six seven eight nine ten " * 20)
    assert len(hashes) == 10
    assert max(hashes) >= 1 << 40  # not 32-bit values
    assert shingles("alpha beta gamma") != shingles("gamma beta alpha")


def _text_pair(rng: random.Random, size: int, shared: int) -> tuple[str, str]:
    """Two texts of `size` distinct words that share `shared` of them (in one run)."""
    common = [f"c{rng.getrandbits(48):x}" for _ in range(shared)]
    a = [f"a{rng.getrandbits(48):x}" for _ in range(size - shared)]
    b = [f"b{rng.getrandbits(48):x}" for _ in range(size - shared)]
    cut_a, cut_b = rng.randint(0, len(a)), rng.randint(0, len(b))
    return (
        " ".join(a[:cut_a] + common + a[cut_a:]),
        " ".join(b[:cut_b] + common + b[cut_b:]),
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(30, 400),
    fraction=st.floats(0.0, 1.0),
)
def test_estimate_tracks_true_jaccard(seed: int, size: int, fraction: float) -> None:
    a, b = _text_pair(random.Random(seed), size, round(size * fraction))
    true = jaccard(a, b)
    # 128 independent permutations: standard error <= 0.045, so 0.2 is > 4 sigma.
    assert abs(similarity(a, b) - true) <= 0.2, (true, similarity(a, b))


def test_estimate_is_unbiased_on_average() -> None:
    rng = random.Random(20261126)
    errors, signed = [], []
    for _ in range(150):
        shared = rng.randint(0, 300)
        a, b = _text_pair(rng, 300, shared)
        diff = similarity(a, b) - jaccard(a, b)
        errors.append(abs(diff))
        signed.append(diff)
    assert sum(errors) / len(errors) < 0.04
    assert abs(sum(signed) / len(signed)) < 0.015


def test_one_common_shingle_does_not_make_texts_similar() -> None:
    # The bug that merged five unrelated real pages: all opened with "i think the", whose
    # tiny 32-bit hash won most permutations. Unrelated texts must still estimate ~0.
    rng = random.Random(5)
    texts = [
        "I think the " + " ".join(f"w{rng.getrandbits(40):x}" for _ in range(rng.randint(40, 900)))
        for _ in range(12)
    ]
    fps = [fingerprint(t) for t in texts]
    worst = max(similarity(fps[i], fps[j]) for i in range(12) for j in range(i + 1, 12))
    assert worst <= 0.05


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


def test_similar_rows_agrees_with_similarity() -> None:
    base = " ".join(f"word{i} said the council" for i in range(60))
    texts = [base, base + " and one more line", "something else entirely " * 20, ""]
    fps = [fingerprint(t) for t in texts]
    rows = np.stack([fingerprint_values(fp) for fp in fps])
    for fp in fps:
        expected = [i for i, other in enumerate(fps) if similarity(fp, other) >= NEAR_DUPLICATE]
        assert list(similar_rows(fp, rows)) == expected
