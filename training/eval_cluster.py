"""Story clustering on real pages and on the samples: joins, pairwise precision and recall.

    .venv/bin/python training/eval_cluster.py [--pairs N] [--no-minhash]

Clusters the 418 real pages of ../shared/data/realweb (truth title, text and date) together
with the sample newsroom's documents, as one batch, and prints:

- the number of joins (documents that joined another document's story) and the joined
  pairs among the real pages, with their pairwise precision and recall;
- the same for the samples against the events in samples/MANIFEST.json;
- the same on each half of the real pages split by id (each half with the samples), so a
  threshold that only holds on one half shows;
- the MinHash estimate against the true Jaccard similarity of shingle sets.

Truth for the real pages: nearly every page is its own story. Two pages are one story when
they are the same page (one canonical URL), near-copies (true shingle Jaccard >= 0.5), or a
pair reviewed by reading both and listed in REVIEWED_SAME_EVENT. `--pairs N` prints the N
closest pairs that were not joined, for review.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the bench package (the real-web loader) lives at the root

from bench import realweb  # noqa: E402

from retold.ingest.dedup import fingerprint, shingles, similarity  # noqa: E402
from retold.ingest.extract import extract  # noqa: E402
from retold.stories.cluster import (  # noqa: E402
    WINDOW,
    DocSignature,
    build_idf,
    cluster,
    compare,
    signature,
)

Pair = frozenset[Hashable]


def real_signatures(pages: Sequence[realweb.Page]) -> list[DocSignature]:
    def when(date: str | None) -> datetime | None:
        return datetime.fromisoformat(date[:10]).replace(tzinfo=UTC) if date else None

    return [signature(p.id, p.title, p.text, when(p.date)) for p in pages]


def sample_signatures(root: Path) -> tuple[list[DocSignature], set[Pair]]:
    manifest = json.loads((root / "MANIFEST.json").read_text("utf-8"))
    sigs, events = [], {}
    for e in manifest:
        key = f"sample:{e['outlet']}/{e['slug']}"
        ex = extract((root / e["path"]).read_text("utf-8"), str(e["url"]))
        sigs.append(signature(key, ex.title, ex.text, ex.date))
        if e.get("event"):
            events.setdefault(e["event"], []).append(key)
    truth = {frozenset(p) for keys in events.values() for p in itertools.combinations(keys, 2)}
    return sigs, truth


def joined_pairs(groups: Sequence[Sequence[Hashable]]) -> set[Pair]:
    return {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}


def ratio(n: int, d: int) -> str:
    return f"{n / d:.3f} ({n}/{d})" if d else "n/a (0/0)"


def report(
    label: str,
    sigs: list[DocSignature],
    real_ids: set[str],
    truth_real: set[Pair],
    truth_samples: set[Pair],
    titles: dict[Hashable, str],
    show: bool,
) -> None:
    groups = cluster(sigs)
    joins = len(sigs) - len(groups)
    pairs = joined_pairs(groups)
    real = {p for p in pairs if p <= real_ids}
    samples = {p for p in pairs if not (p & real_ids)}
    cross = pairs - real - samples
    truth_real = {p for p in truth_real if p <= real_ids}
    print(f"[{label}] documents {len(sigs)}, stories {len(groups)}, joins {joins}")
    print(
        f"[{label}] real pages: joined pairs {len(real)}, "
        f"precision {ratio(len(real & truth_real), len(real))}, "
        f"recall {ratio(len(real & truth_real), len(truth_real))}"
    )
    print(
        f"[{label}] samples: joined pairs {len(samples)}, "
        f"precision {ratio(len(samples & truth_samples), len(samples))}, "
        f"recall {ratio(len(samples & truth_samples), len(truth_samples))}; "
        f"real-sample joins {len(cross)}"
    )
    if show:
        idf = build_idf(sigs)
        by_key = {s.key: s for s in sigs}
        for p in sorted(pairs, key=lambda q: sorted(map(str, q))):
            a, b = sorted(p, key=str)
            m = compare(by_key[a], by_key[b], idf)
            verdict = "ok   " if p in truth_real | truth_samples else "WRONG"
            print(f"  {verdict} {a} {b} {_features(m)}")
            print(f"        {titles[a][:70]!r} / {titles[b][:70]!r}")
        missed = (truth_real - real) | (truth_samples - samples)
        for p in sorted(missed, key=lambda q: sorted(map(str, q))):
            print(f"  MISSED {sorted(p, key=str)}")


def _features(m: object) -> str:
    f = vars(m)
    days = f.get("days_apart")
    return (
        f"dup={f['near_duplicate']:.2f} cos={f['cosine']:.2f} names={f['name_overlap']:.2f} "
        f"figures={f['shared_numbers']} days={'-' if days is None else f'{days:.1f}'}"
    )


def closest_misses(sigs: list[DocSignature], n: int, titles: dict[Hashable, str]) -> None:
    """The unjoined pairs nearest to joining: by copied text, and by event evidence."""
    idf = build_idf(sigs)
    copies, events = [], []
    for a, b in itertools.combinations(sigs, 2):
        m = compare(a, b, idf)
        if m.same_story:
            continue
        copies.append((m.near_duplicate, a.key, b.key, m))
        if m.days_apart is not None and m.days_apart <= WINDOW.days:
            score = m.cosine + m.name_overlap + 0.05 * min(m.shared_numbers, 6)
            events.append((score, a.key, b.key, m))
    for label, rows in (("by copied text", copies), ("in the time window, by evidence", events)):
        rows.sort(key=lambda r: r[0], reverse=True)
        print(f"closest {n} pairs not joined, {label}:")
        for _, a, b, m in rows[:n]:
            print(f"  {a} {b} {_features(m)}")
            print(f"        {titles[a][:70]!r} / {titles[b][:70]!r}")


def minhash_error(pages: Sequence[realweb.Page]) -> None:
    """Mean |estimate - true Jaccard| on random real pairs and on texts of known overlap."""
    rng = random.Random(7)
    texts = [p.text for p in pages if len(p.text.split()) > 20]
    fps = [fingerprint(t) for t in texts]
    sets = [shingles(t) for t in texts]
    errors, estimates = [], []
    for _ in range(3000):
        i, j = rng.sample(range(len(texts)), 2)
        true = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
        est = similarity(fps[i], fps[j])
        errors.append(abs(est - true))
        estimates.append(est)
    print(
        f"minhash, 3000 random real pairs: mean |est-true| {statistics.mean(errors):.4f}, "
        f"max estimate {max(estimates):.3f}, estimates >= 0.1: {sum(e >= 0.1 for e in estimates)}"
    )
    controlled = []
    for _k in range(200):
        words = rng.sample(texts, 2)
        a, b = words[0].split(), words[1].split()
        keep = rng.randint(0, len(a))
        # A text made of a prefix of one page and the rest of another: known overlap.
        mixed = " ".join(a[:keep] + b[min(keep, len(b)) :])
        true = _jaccard(sets[texts.index(words[0])], shingles(mixed))
        controlled.append(abs(similarity(words[0], mixed) - true))
    print(
        f"minhash, 200 spliced texts (Jaccard 0..1): mean |est-true| "
        f"{statistics.mean(controlled):.4f}, max {max(controlled):.3f}"
    )
    # The bug in the first construction: unrelated texts sharing one common shingle.
    common = [f"i think the {t}" for t in texts[:40]]
    worst = max(
        similarity(x, y) for x, y in itertools.combinations([fingerprint(c) for c in common], 2)
    )
    print(f"minhash, 40 unrelated pages all starting 'i think the': max estimate {worst:.3f}")


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=0, help="print the N closest misses")
    parser.add_argument("--no-minhash", action="store_true", help="skip the MinHash figures")
    parser.add_argument("--quiet", action="store_true", help="figures only, no joined pairs")
    args = parser.parse_args()

    pages = list(realweb.pages())
    samples_root = ROOT / "samples"
    sample_sigs, truth_samples = sample_signatures(samples_root)
    real_sigs = real_signatures(pages)
    truth_real = realweb.same_story_pairs(pages)
    titles: dict[Hashable, str] = {p.id: p.title for p in pages}
    titles.update({s.key: str(s.key) for s in sample_sigs})
    print(f"truth: {len(truth_real)} same-story pairs among {len(pages)} real pages")

    ids = sorted(p.id for p in pages)
    halves = {
        "all": set(ids),
        "half 1": set(ids[: len(ids) // 2]),
        "half 2": set(ids[len(ids) // 2 :]),
    }
    for label, keep in halves.items():
        sigs = [s for s in real_sigs if s.key in keep] + sample_sigs
        report(label, sigs, keep, truth_real, truth_samples, titles, show=not args.quiet)
    if args.pairs:
        closest_misses(real_sigs + sample_sigs, args.pairs, titles)
    if not args.no_minhash:
        minhash_error(pages)


if __name__ == "__main__":
    main()
