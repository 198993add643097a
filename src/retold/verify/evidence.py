"""Finding the source passages that best support one sentence: BM25 plus embeddings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retold.verify.index import SourceIndex

BM25_WEIGHT = 0.3  # how much keyword overlap counts next to cosine similarity when ranking
TOP_K = 3


@dataclass(frozen=True)
class Passage:
    doc: int  # index into the indexes list
    unit: int
    cosine: float


@dataclass(frozen=True)
class Evidence:
    best: Passage
    top: list[Passage]  # best first, TOP_K at most
    similarity: float  # highest cosine over all passages


def find(vector: np.ndarray, stems: Sequence[str], indexes: Sequence[SourceIndex]) -> Evidence:
    ranked: list[tuple[float, Passage]] = []
    top_cos = -1.0
    for d, index in enumerate(indexes):
        cos = index.vectors @ vector
        bm = index.bm25.scores(stems)
        peak = float(bm.max()) if len(bm) else 0.0
        combined = cos + BM25_WEIGHT * (bm / peak if peak > 0 else bm)
        top_cos = max(top_cos, float(cos.max()))
        for u in np.argsort(-combined)[:TOP_K]:
            ranked.append((float(combined[u]), Passage(d, int(u), float(cos[u]))))
    ranked.sort(key=lambda item: -item[0])
    top = [p for _, p in ranked[:TOP_K]]
    return Evidence(best=top[0], top=top, similarity=top_cos)
