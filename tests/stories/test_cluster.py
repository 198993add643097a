"""Story clustering on the sample newsroom's events."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from retold.ingest.extract import extract
from retold.stories.cluster import (
    DocSignature,
    StorySignature,
    assign,
    build_idf,
    cluster,
    compare,
    signature,
)


@pytest.fixture(scope="module")
def corpus(samples_root: Path) -> tuple[list[dict[str, object]], list[DocSignature]]:
    manifest = json.loads((samples_root / "MANIFEST.json").read_text("utf-8"))
    sigs = []
    for e in manifest:
        ex = extract((samples_root / e["path"]).read_text("utf-8"), str(e["url"]))
        sigs.append(signature(f"{e['outlet']}/{e['slug']}", ex.title, ex.text, ex.date))
    return manifest, sigs


def expected_groups(manifest: list[dict[str, object]]) -> list[set[str]]:
    events: dict[object, set[str]] = {}
    for e in manifest:
        key = e.get("event") or f"solo:{e['outlet']}/{e['slug']}"
        events.setdefault(key, set()).add(f"{e['outlet']}/{e['slug']}")
    return sorted(events.values(), key=sorted)


def test_cluster_recovers_the_sample_events(
    corpus: tuple[list[dict[str, object]], list[DocSignature]],
) -> None:
    manifest, sigs = corpus
    groups = [set(map(str, g)) for g in cluster(sigs)]
    assert sorted(groups, key=sorted) == expected_groups(manifest)
    assert any(len(g) > 1 for g in groups)


def test_assign_one_at_a_time_matches_batch(
    corpus: tuple[list[dict[str, object]], list[DocSignature]],
) -> None:
    manifest, sigs = corpus
    idf = build_idf(sigs)
    stories: dict[int, list[DocSignature]] = {}
    for sig in sorted(sigs, key=lambda s: s.published or datetime.min):
        key = assign(sig, [StorySignature(k, v) for k, v in stories.items()], idf)
        if key is None:
            stories[len(stories)] = [sig]
        else:
            stories[int(str(key))].append(sig)
    groups = sorted(({str(s.key) for s in docs} for docs in stories.values()), key=sorted)
    assert groups == expected_groups(manifest)


def test_same_place_different_story_stays_apart(
    corpus: tuple[list[dict[str, object]], list[DocSignature]],
) -> None:
    manifest, sigs = corpus
    idf = build_idf(sigs)
    events = {f"{e['outlet']}/{e['slug']}": e.get("event") for e in manifest}
    for a in sigs:
        for b in sigs:
            if str(a.key) < str(b.key):
                same_event = (
                    events[str(a.key)] is not None and events[str(a.key)] == events[str(b.key)]
                )
                assert compare(a, b, idf).same_story == same_event, (a.key, b.key)


def test_time_window_and_wire_copies() -> None:
    text = (
        "Harrowmere City Council will close the Old Harbour Bridge for six weeks from Monday. "
        "City engineer Aurelia Voss said 14 of the 62 steel hangers were corroded. "
        "The repairs will cost 4.2 million crowns and a free shuttle ferry "
        "will run every 15 minutes."
    )
    day = datetime(2026, 11, 18, 8)
    a = signature("a", "Bridge to close", text, day)
    late = signature("b", "Bridge to close", text, day + timedelta(days=30))
    # A wire copy is one story whenever it runs.
    assert assign(late, [StorySignature("s1", [a])]) == "s1"
    reworded_text = (
        "Aurelia Voss, the city engineer, found corrosion in 14 of 62 hangers on the Old Harbour "
        "Bridge. Harrowmere will shut the crossing for six weeks; repairs cost 4.2 million crowns, "
        "and a shuttle ferry leaving every 15 minutes replaces it."
    )
    title = "Voss: hangers corroded on Old Harbour Bridge"
    reworded = signature("c", title, reworded_text, day + timedelta(days=1))
    assert assign(reworded, [StorySignature("s1", [a])]) == "s1"
    # The same words a month later are a new story (a follow-up), not this one.
    much_later = signature("d", title, reworded_text, day + timedelta(days=40))
    assert assign(much_later, [StorySignature("s1", [a])]) is None
    assert assign(a, []) is None
