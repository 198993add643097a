"""Story clustering on the sample newsroom's events."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retold.ingest.extract import extract
from retold.stories.cluster import (
    SIGNATURE_CONSTRUCTION,
    DocSignature,
    StoryIndex,
    StorySignature,
    assign,
    build_idf,
    cluster,
    compare,
    decode_signature,
    encode_signature,
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


BRIDGE = (
    "Harrowmere City Council will close the Old Harbour Bridge for six weeks from Monday. "
    "City engineer Aurelia Voss said 14 of the 62 steel hangers were corroded. "
    "The repairs will cost 4.2 million crowns and a free shuttle ferry "
    "will run every 15 minutes."
)
BRIDGE_REWORDED = (
    "Aurelia Voss, the city engineer, found corrosion in 14 of 62 hangers on the Old Harbour "
    "Bridge. Harrowmere will shut the crossing for six weeks; repairs cost 4.2 million crowns, "
    "and a shuttle ferry leaving every 15 minutes replaces it."
)


def test_undated_documents_join_only_as_copies() -> None:
    day = datetime(2026, 11, 18, 8)
    dated = signature("a", "Bridge to close", BRIDGE, day)
    title = "Voss: hangers corroded on Old Harbour Bridge"
    # The same event in other words, but nothing says when: vocabulary is not enough.
    undated = signature("b", title, BRIDGE_REWORDED, None)
    assert compare(undated, dated, build_idf([undated, dated])).same_story is False
    assert assign(undated, [StorySignature("s1", [dated])]) is None
    # Dated the same day, it is the same event.
    assert assign(signature("c", title, BRIDGE_REWORDED, day), [StorySignature("s1", [dated])])
    # A copy is a copy with or without a date.
    assert assign(signature("d", "Bridge to close", BRIDGE, None), [StorySignature("s1", [dated])])


def test_title_case_vocabulary_is_not_a_name() -> None:
    sig = signature(
        "a",
        "Home Renovation Cost: A Complete Budget Guide",
        "Planning a home renovation starts with a budget and a complete plan. The cost depends "
        "on Anna Kowalski's crew in Sacramento and on the guide you follow.",
    )
    assert {"anna", "kowalski", "sacramento"} <= sig.names
    assert not sig.names & {"home", "renovation", "cost", "complete", "budget", "guide"}


def test_two_guides_on_one_topic_published_together_stay_apart() -> None:
    # Real pages that merged before: listicles on one topic share title-case headings,
    # round figures and the big brands, but report no common event.
    day = datetime(2025, 12, 18)
    a = signature(
        "a",
        "Best Long-Distance Moving Companies 2026",
        "Moving Costs\n\nA long-distance move costs between $1,000 and $5,000 for a small "
        "flat, and 10% more in summer. Allied Van Lines and United Van Lines lead our ranking "
        "for interstate moving companies; both price by weight, about 7,400 pounds for a "
        "family home. Packing Services\n\nFull packing adds 25% to the bill. Moving "
        "companies that hold a federal licence must give a binding estimate.",
        day,
    )
    b = signature(
        "b",
        "Best Moving Companies in New York (2025)",
        "Moving Costs\n\nIn New York a local move runs $1,000 for a studio, 10% above the "
        "national average. Allied Van Lines and United Van Lines also work in Manhattan, "
        "where parking permits take 48 hours. Packing Services\n\nMost movers sell 100 "
        "boxes for a flat fee; 25% of our readers pack themselves. Moving companies in the "
        "city must show their state licence number.",
        day + timedelta(days=1),
    )
    match = compare(a, b, build_idf([a, b]))
    assert match.near_duplicate < 0.2
    assert match.shared_numbers < 3  # $1,000, 10%, 25%, 100 are round: not evidence
    assert not match.same_story


def test_index_offers_every_document_a_full_scan_would_join(
    corpus: tuple[list[dict[str, object]], list[DocSignature]],
) -> None:
    """The index compares a document only with those sharing a name or a near-duplicate
    fingerprint; no pair that `compare` joins may be missing from its candidates."""
    _, sigs = corpus
    day = datetime(2026, 3, 2, tzinfo=UTC)
    # Copies with no names at all (lower-cased): only the fingerprint can find them.
    lowered = [
        signature(f"copy-{k}", "", BRIDGE.lower(), day + timedelta(days=k)) for k in range(2)
    ]
    docs = [*sigs, *lowered]
    idf = build_idf(docs)
    index = StoryIndex(idf)
    for position, doc in enumerate(docs):
        index.add(position, doc)
    joins = 0
    for a, doc in enumerate(docs):
        offered = set(index.candidates(doc))
        for b, other in enumerate(docs):
            if a != b and compare(doc, other, idf).same_story:
                joins += 1
                assert b in offered, (doc.key, other.key)
    assert joins >= 6  # the sample events and the name-free copies
    assert len(index.candidates(lowered[0])) < len(docs) // 2  # and it does prune


# The samples' signatures under each construction name. A change to what `signature`
# computes must also change SIGNATURE_CONSTRUCTION (stored signatures would otherwise
# be read as if current): then add the new digest here.
SIGNATURE_DIGESTS = {
    "sig1-4d483200": "84e1e79a9af06186",
}


def test_a_changed_signature_construction_gets_a_new_name() -> None:
    # Fixed texts, not extracted pages: only `signature` itself may move this digest.
    day = datetime(2026, 3, 2, tzinfo=UTC)
    sigs = [
        signature("a", "Bridge to close for six weeks", BRIDGE, day),
        signature("b", "Voss: hangers corroded", BRIDGE_REWORDED, None),
        signature("c", "", "Twenty-five of the 1,200 seats (3.5%) cost £4.2m; three stayed."),
    ]
    digest = hashlib.sha256()
    for sig in sigs:
        data = encode_signature(sig)
        back = decode_signature(sig.key, data, sig.published)
        assert back == sig  # what is stored is what was computed
        # digest the content, not the compressed bytes (zlib versions may differ)
        terms = sorted((t, round(w, 9)) for t, w in sig.terms.items())  # libm may differ
        content = [terms, sorted(sig.names), sorted(sig.numbers)]
        digest.update(sig.fingerprint + json.dumps(content).encode())
    assert SIGNATURE_DIGESTS.get(SIGNATURE_CONSTRUCTION) == digest.hexdigest()[:16], (
        "signature() now computes something else: rename SIGNATURE_CONSTRUCTION"
    )
