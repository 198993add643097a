"""Finding the source passages that best support one sentence: BM25 plus embeddings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retold.verify.index import SourceIndex

BM25_WEIGHT = 0.3  # how much keyword overlap counts next to cosine similarity when ranking
TOP_K = 3
# At most this many passages a writer cites join the candidates: citing half the source
# must not make every word of a sentence "found in the evidence".
MAX_CITED = 3


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


def find(
    vector: np.ndarray,
    stems: Sequence[str],
    indexes: Sequence[SourceIndex],
    cited: Sequence[tuple[int, int]] = (),
) -> Evidence:
    """The best passages for a sentence: the TOP_K that rank highest, and the (doc, unit)
    passages its writer ``cited`` for it, which are always among the candidates."""
    ranked: list[tuple[float, Passage]] = []
    top_cos = -1.0
    hinted: dict[tuple[int, int], tuple[float, Passage]] = {}
    for d, index in enumerate(indexes):
        cos = index.vectors @ vector
        bm = index.bm25.scores(stems)
        peak = float(bm.max()) if len(bm) else 0.0
        combined = cos + BM25_WEIGHT * (bm / peak if peak > 0 else bm)
        top_cos = max(top_cos, float(cos.max()))
        for u in np.argsort(-combined)[:TOP_K]:
            ranked.append((float(combined[u]), Passage(d, int(u), float(cos[u]))))
        for cd, cu in cited:
            if cd == d and 0 <= cu < len(combined) and len(hinted) < MAX_CITED:
                hinted[(cd, cu)] = (float(combined[cu]), Passage(d, cu, float(cos[cu])))
    ranked.sort(key=lambda item: -item[0])
    chosen = ranked[:TOP_K]
    chosen += [h for key, h in hinted.items() if key not in {(p.doc, p.unit) for _, p in chosen}]
    chosen.sort(key=lambda item: -item[0])
    top = [p for _, p in chosen]
    return Evidence(best=top[0], top=top, similarity=top_cos)
