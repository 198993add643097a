"""How often the checker flags sentences the extractive writer copied from the source.

    .venv/bin/python training/eval_copied.py [--limit N] [--sample 15] [--samples-only]

For every real page of ``../shared/data/realweb/`` the ground-truth ``text`` is the source
document; the extractive writer writes the article (as the write stage does) and the
checker checks its body exactly as the verify stage does (the stage's sentence split, the
stage's ``check_article``, no judge: the default). Every body sentence is copied, so every
flag is a false alarm. Then the same for the bundled sample stories (one story per event,
as the newsroom clusters them).

Prints sentences checked, flagged (count and %), articles with any flagged, the reasons by
kind, and a sample of flagged sentences with their reason and evidence.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import realweb  # noqa: E402

from retold.records import SentenceCheck, SourceDoc  # noqa: E402
from retold.verify.checker import Checker, check_article  # noqa: E402
from retold.verify.repair import sentences_of  # noqa: E402
from retold.write.backend import WriteBrief  # noqa: E402
from retold.write.extractive import write_extractive  # noqa: E402

SAMPLES = ROOT / "samples"


def realweb_stories(limit: int | None) -> list[tuple[str, list[SourceDoc]]]:
    return [
        (page.id, [SourceDoc(id=n, url=page.url, title=page.title, text=page.text)])
        for n, page in enumerate(realweb.pages(limit=limit))
        if page.text.strip()
    ]


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("---", 2)[2]
    return text.strip()


def sample_stories() -> list[tuple[str, list[SourceDoc]]]:
    """The sample stories with full text, those of one event together (as clustered)."""
    manifest = json.loads((SAMPLES / "MANIFEST.json").read_text())
    groups: dict[str, list[SourceDoc]] = {}
    for n, row in enumerate(manifest):
        path = SAMPLES / "stories" / row["outlet"] / f"{row['slug']}.md"
        if row["kind"] != "full" or not path.exists():
            continue
        doc = SourceDoc(id=n, url=row["url"], title=row["title"], text=_body(path))
        groups.setdefault(row["event"] or row["slug"], []).append(doc)
    return sorted(groups.items())


def check_all(
    checker: Checker, stories: Sequence[tuple[str, list[SourceDoc]]]
) -> list[tuple[str, list[SentenceCheck]]]:
    out = []
    brief = WriteBrief()
    for name, docs in stories:
        draft = write_extractive(docs, brief)
        if draft.imagined or not draft.paragraphs:
            continue
        out.append((name, check_article(sentences_of(draft.paragraphs), docs, checker=checker)))
    return out


def kind_of(reason: str) -> str:
    """A short name for a reason, for the tally ("name missing", "number", …)."""
    first = reason.split(";")[0]
    if first.startswith("quote"):
        return "quote"
    if first.startswith("misspelled"):
        return "name misspelled"
    if "does not name" in first or "where this says" in first or "next to" in first:
        return "name elsewhere"
    if first.startswith("says") or re.search(r"“[^”]*\d[^”]*” is not", first):
        return "number"
    if "is not in the source" in first:
        return "name missing"
    if "the other way round" in first:
        return "swap"
    if first.startswith(("the source says", "the source does not say")):
        return "negation/opposite"
    return first


def summary(
    title: str, results: list[tuple[str, list[SentenceCheck]]], sample: int, seed: int
) -> None:
    checks = [c for _, cs in results for c in cs]
    flagged = [(name, c) for name, cs in results for c in cs if c.verdict != "supported"]
    articles = sum(1 for _, cs in results if any(c.verdict != "supported" for c in cs))
    copied = sum(1 for c in checks if c.verdict == "supported" and c.reason)
    n = max(len(checks), 1)
    print(
        f"{title}: articles={len(results)} sentences={len(checks)} "
        f"flagged={len(flagged)} ({100 * len(flagged) / n:.2f}%) "
        f"articles-with-flags={articles} supported-word-for-word={copied}"
    )
    kinds = Counter(kind_of(c.reason) for _, c in flagged)
    for kind, count in kinds.most_common():
        print(f"  {count:4d}  {kind}")
    rng = random.Random(seed)
    for name, c in rng.sample(flagged, min(sample, len(flagged))):
        same = " ".join(c.text.split()) in " ".join(c.evidence.split())
        print(f"- [{name}] {c.verdict} ({c.score:.2f}): {c.text}")
        print(f"    reason: {c.reason}")
        print(f"    evidence{' (contains it)' if same else ''}: {c.evidence[:300]}")


def perturbation_rates(checker: Checker) -> None:
    """Catch rates of the perturbation suite (tests/verify/test_perturbations.py), per kind:
    the share of mutated sample sentences not passed as supported, and of faithful ones
    passed."""
    sys.path.insert(0, str(ROOT / "tests" / "verify"))
    import test_perturbations as tp

    import conftest

    stories = {p.stem: conftest.story_body(p) for p in sorted(conftest.SAMPLES.glob("**/*.md"))}
    corpus = [
        (body, s)
        for body in stories.values()
        for p in tp.split_article(body)
        for s in p
        if len(s.split()) >= 6
    ]
    originals = tp.run(checker, corpus)
    passed = sum(c.verdict == "supported" for c in originals)
    print(f"perturbations: faithful passed {passed}/{len(originals)}")
    kinds = sorted([*tp.HARD, "negation", *tp.SWAPS])
    for kind in kinds:
        rng = random.Random(kind)
        if kind in tp.SWAPS:
            swap = tp.SWAPS[kind][0]
            items = [(s, n) for s, t in corpus if (n := swap(t, s, rng)) and n != t]
        else:
            mutate = tp.negate if kind == "negation" else tp.HARD[kind]
            items = [(s, n) for s, t in corpus if (n := mutate(t, rng)) and n != t]
        checks = tp.run(checker, items)
        caught = sum(c.verdict != "supported" for c in checks)
        print(
            f"  {kind}: caught {caught}/{len(checks)} ({100 * caught / max(len(checks), 1):.1f}%)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="real pages to use (all)")
    parser.add_argument("--sample", type=int, default=15, help="flagged sentences to show")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples-only", action="store_true")
    parser.add_argument(
        "--perturbations", action="store_true", help="only the perturbation suite's rates"
    )
    args = parser.parse_args()
    checker = Checker()
    if args.perturbations:
        perturbation_rates(checker)
        return 0
    start = time.perf_counter()
    if not args.samples_only:
        summary("realweb", check_all(checker, realweb_stories(args.limit)), args.sample, args.seed)
    summary("samples", check_all(checker, sample_stories()), args.sample, args.seed)
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
