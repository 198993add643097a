"""The real-web development set: 418 real article pages with ground truth.

`../shared/data/realweb/` beside the repository (see its README): `pages/ID.html.gz` and
`truth.jsonl` (title, author, date, main text, snippets that must and must not be
extracted). Shared by the real-web benchmark and the development scripts that tune
extraction, clustering and the checker on real pages.
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "realweb"


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    title: str
    author: str
    date: str | None
    text: str
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    path: Path | None = None

    def html_bytes(self) -> bytes:
        assert self.path is not None
        return gzip.decompress(self.path.read_bytes())


def pages(root: Path = DEFAULT_DIR, limit: int | None = None) -> Iterator[Page]:
    """Every page with its truth, in id order."""
    truth = root / "truth.jsonl"
    if not truth.exists():
        raise SystemExit(f"No real-web data at {root} (expected truth.jsonl and pages/).")
    with truth.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if limit is not None and n >= limit:
                return
            row = json.loads(line)
            yield Page(
                id=row["id"],
                url=row["url"],
                title=row.get("title") or "",
                author=row.get("author") or "",
                date=row.get("date"),
                text=row.get("text") or "",
                with_=list(row.get("with") or []),
                without=list(row.get("without") or []),
                path=root / "pages" / f"{row['id']}.html.gz",
            )


# Letters of scripts written without spaces count one token each.
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]|[^\W_]+", re.UNICODE
)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def token_f1(predicted: str, truth: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the bags of word tokens."""
    p, t = Counter(tokens(predicted)), Counter(tokens(truth))
    overlap = sum((p & t).values())
    if not p or not t:
        return (float(not p and not t),) * 3  # type: ignore[return-value]
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def _squash(text: str) -> str:
    return " ".join(tokens(text))


def snippet_found(snippet: str, text: str) -> bool:
    """Whether a ground-truth snippet stands in `text` as whole words (case, spacing and
    punctuation aside): "Home" is not found in "homeowners"."""
    needle = _squash(snippet)
    return bool(needle) and f" {needle} " in f" {_squash(text)} "


# Pairs of real pages read side by side and judged reports of one event.
# 0331/0333: two outlets on the J.D. Power 2025 North America Rental Car Satisfaction
# Study, two days apart, with the same scores (734, 721, 711).
REVIEWED_SAME_EVENT = {frozenset({"0331", "0333"})}


def same_story_pairs(pages: Sequence[Page]) -> set[frozenset[str]]:
    """Pairs of page ids that belong in one story: copies (shingle Jaccard >= 0.5), one
    canonical URL, or reviewed reports of one event. Nearly every page is its own story."""
    from retold.ingest.dedup import canonical_url, shingles

    truth = {pair for pair in REVIEWED_SAME_EVENT if all(i in {p.id for p in pages} for i in pair)}
    sets = {p.id: shingles(p.text) for p in pages}
    for a, b in itertools.combinations(pages, 2):
        sa, sb = sets[a.id], sets[b.id]
        copy = bool(sa and sb) and len(sa & sb) / len(sa | sb) >= 0.5
        if copy or canonical_url(a.url) == canonical_url(b.url):
            truth.add(frozenset({a.id, b.id}))
    return truth
