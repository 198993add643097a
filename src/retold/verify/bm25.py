"""Okapi BM25 over a handful of passages: small enough to write, fast enough per document."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np


class BM25:
    def __init__(self, passages: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        lengths = np.array([len(p) for p in passages], dtype=np.float32)
        avg = float(lengths.mean()) if len(passages) else 1.0
        norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, passage in enumerate(passages):
            for term, count in Counter(passage).items():
                postings.setdefault(term, []).append((i, count))
        n = len(passages)
        self.size = n
        # Each term's contribution to each passage that has it, computed once: a query
        # is then a few scatter-adds (this runs for every article sentence).
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, hits in postings.items():
            idf = math.log(1 + (n - len(hits) + 0.5) / (len(hits) + 0.5))
            where = np.array([i for i, _ in hits], dtype=np.intp)
            tf = np.array([c for _, c in hits], dtype=np.float32)
            self.postings[term] = (where, idf * tf * (k1 + 1) / (tf + norm[where]))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(query):
            hit = self.postings.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out
