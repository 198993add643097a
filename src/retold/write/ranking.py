"""Sentence centrality and redundancy: LexRank over TF-IDF with a lead bias, then MMR.

Pure functions on lists of strings; numpy does the arithmetic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from retold.text.stem import stem
from retold.text.stopwords import TOPIC_STOPWORDS
from retold.text.words import words_and_figures


def terms(text: str) -> list[str]:
    """Content words of ``text``, lowercased and stemmed; numbers are kept (they are facts)."""
    out = []
    for w in words_and_figures(text):
        if w in TOPIC_STOPWORDS or (len(w) < 2 and not w.isdigit()):
            continue
        out.append(w if w[0].isdigit() else stem(w.replace("'s", "")))
    return out


# Columns of a dense block: the similarity of n texts never needs all n × V at once.
GRAM_BLOCK = 4096


def _tfidf_entries(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The non-zero TF-IDF weights of ``texts`` as (rows, columns, values, vocabulary size)."""
    bags = [Counter(terms(t)) for t in texts]
    vocab: dict[str, int] = {}
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
        for w in bag:
            vocab.setdefault(w, len(vocab))
    n = len(texts)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, bag in enumerate(bags):
        for w, c in bag.items():
            rows.append(i)
            cols.append(vocab[w])
            vals.append((1.0 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1.0))
    return (
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        np.asarray(vals, dtype=np.float64),
        len(vocab),
    )


def _dense(
    n: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, width: int, start: int = 0
) -> np.ndarray:
    """Columns ``start`` to ``start + width`` of the n-row matrix given by its entries."""
    mat = np.zeros((n, max(1, width)), dtype=np.float64)
    keep = (cols >= start) & (cols < start + width)
    mat[rows[keep], cols[keep] - start] = vals[keep]
    return mat


def tfidf_matrix(texts: Sequence[str]) -> np.ndarray:
    """Rows of L2-normalised TF-IDF vectors, one per text (IDF over these texts).

    Dense: n × vocabulary. For many texts use :func:`tfidf_gram`, which is bounded.
    """
    rows, cols, vals, width = _tfidf_entries(texts)
    return _normalised(_dense(len(texts), rows, cols, vals, width))


def _normalised(mat: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return mat / norms


def sparse_gram(
    n: int,
    rows: np.ndarray,
    cols: np.ndarray,
    vals: np.ndarray,
    width: int,
    *,
    block: int = GRAM_BLOCK,
) -> tuple[np.ndarray, np.ndarray]:
    """(M @ M.T, squared row norms) of the n × width matrix M given by its entries.

    M is built ``block`` columns at a time, so memory is n × n + n × block whatever the
    vocabulary (a 5 MB page has hundreds of thousands of distinct words).
    """
    gram = np.zeros((n, n), dtype=np.float64)
    squares = np.zeros(n, dtype=np.float64)
    for start in range(0, max(1, width), block):
        part = _dense(n, rows, cols, vals, min(block, width - start), start)
        gram += part @ part.T
        squares += np.einsum("ij,ij->i", part, part)
    return gram, squares


def tfidf_gram(texts: Sequence[str], *, block: int = GRAM_BLOCK) -> np.ndarray:
    """Cosine similarities of the texts' TF-IDF vectors: ``tfidf_matrix(texts)`` times its
    transpose, without ever holding the n × vocabulary matrix when the vocabulary is large."""
    rows, cols, vals, width = _tfidf_entries(texts)
    n = len(texts)
    if width <= block:  # one block: exactly what the dense matrix gives
        mat = _normalised(_dense(n, rows, cols, vals, width))
        return np.asarray(mat @ mat.T)
    gram, squares = sparse_gram(n, rows, cols, vals, width, block=block)
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    return np.asarray(gram / np.outer(norms, norms))


def lexrank(
    sim: np.ndarray,
    prior: Sequence[float] | np.ndarray | None = None,
    *,
    damping: float = 0.85,
    iterations: int = 60,
    tol: float = 1e-8,
) -> np.ndarray:
    """Continuous LexRank (PageRank on the similarity graph) with a personalisation prior."""
    n = sim.shape[0]
    if n == 0:
        return np.zeros(0)
    w = sim.copy()
    np.fill_diagonal(w, 0.0)
    w[w < 0.05] = 0.0  # ignore incidental overlaps (one shared common word)
    rows = w.sum(axis=1, keepdims=True)
    dangling = rows[:, 0] == 0
    rows[rows == 0] = 1.0
    trans = w / rows
    p = np.full(n, 1.0 / n) if prior is None else np.asarray(prior, dtype=np.float64)
    p = p / p.sum() if p.sum() > 0 else np.full(n, 1.0 / n)
    trans[dangling] = p  # a sentence like no other jumps by the prior
    r = p.copy()
    for _ in range(iterations):
        nxt = damping * (trans.T @ r) + (1 - damping) * p
        if np.abs(nxt - r).sum() < tol:
            r = nxt
            break
        r = nxt
    return r


def mmr_select(
    scores: Sequence[float],
    sim: np.ndarray,
    *,
    lam: float = 0.7,
    max_redundancy: float = 0.55,
    eligible: Sequence[bool] | None = None,
    weight: Callable[[int, list[int]], float] | None = None,
    fits: Callable[[int, list[int]], bool] | None = None,
    done: Callable[[list[int]], bool] | None = None,
) -> list[int]:
    """Greedy Maximal Marginal Relevance selection, in pick order.

    A candidate whose similarity to anything already chosen exceeds
    ``max_redundancy`` is never chosen, so the same fact is told once.
    ``weight(i, chosen)`` rescales a candidate's relevance given what is
    already chosen (e.g. a sentence that needs its predecessor);
    ``fits(i, chosen)`` rejects candidates that break a budget; selection stops
    when ``done(chosen)`` is true or nothing is left.
    """
    n = len(scores)
    if n == 0:
        return []
    s = np.asarray(scores, dtype=np.float64)
    top = s.max()
    s = s / top if top > 0 else s
    ok = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    chosen: list[int] = []
    best_sim = np.zeros(n)
    remaining = {int(i) for i in np.flatnonzero(ok)}
    while remaining and not (done and done(chosen)):
        idx = sorted(remaining)
        rel = s[idx] if weight is None else s[idx] * [weight(i, chosen) for i in idx]
        vals = lam * rel - (1 - lam) * best_sim[idx]
        pick = idx[int(np.argmax(vals))]
        remaining.discard(pick)
        if chosen and best_sim[pick] > max_redundancy:
            continue
        if fits is not None and not fits(pick, chosen):
            continue
        chosen.append(pick)
        best_sim = np.maximum(best_sim, sim[pick])
    return chosen
