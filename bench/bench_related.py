"""Related-article search at 100,000 articles: HNSW (usearch) vs brute-force numpy.

    python bench/bench_related.py [--n 100000] [--queries 300] [--k 51]

Prints `bench related-1e5: ratio=R (retold=A ms/query, baseline=B ms/query)` where
retold is VectorIndex.search in HNSW mode (candidate pool of k, exactly re-scored),
the baseline one numpy matrix-vector product plus argpartition per query, and
R = baseline / retold (how many times faster). Also prints recall@10 against the
exact answer, the graph build time, and a whole-site related_all for 10,000 articles.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from retold.relate.index import VectorIndex
from retold.relate.related import Corpus, related_all

DIM = 384


def clustered(n: int, seed: int = 0) -> np.ndarray:
    """Unit vectors with topical structure, like article embeddings (not uniform noise)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // 50), DIM)).astype(np.float32)
    vecs = centres[rng.integers(0, len(centres), n)]
    vecs += 0.8 * rng.standard_normal((n, DIM)).astype(np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def brute_top(matrix: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    scores = matrix @ query
    top = np.argpartition(scores, len(scores) - k)[-k:]
    return top[np.argsort(-scores[top])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--k", type=int, default=51, help="candidates per query (MMR pool + 1)")
    args = parser.parse_args()

    vectors = clustered(args.n)
    rng = np.random.default_rng(1)
    picks = rng.integers(0, args.n, args.queries)
    # A new article near an existing one: a perturbation of norm ~0.5 on a unit vector.
    noise = rng.standard_normal((args.queries, DIM)).astype(np.float32)
    queries = vectors[picks] + 0.5 * noise / np.sqrt(DIM)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)

    index = VectorIndex(DIM)  # default threshold: HNSW above 20,000
    index.add(np.arange(args.n), vectors)
    start = time.perf_counter()
    index.ensure_hnsw()
    build_s = time.perf_counter() - start
    assert index.backend == "hnsw"

    for q in queries[:10]:  # warm up both paths
        index.search(q, args.k)
        brute_top(vectors, q, args.k)
    start = time.perf_counter()
    approx = [[i for i, _ in index.search(q, args.k)] for q in queries]
    retold_ms = (time.perf_counter() - start) * 1000 / len(queries)
    start = time.perf_counter()
    exact = [brute_top(vectors, q, args.k).tolist() for q in queries]
    base_ms = (time.perf_counter() - start) * 1000 / len(queries)
    recall = np.mean(
        [len(set(a[:10]) & set(e[:10])) / 10 for a, e in zip(approx, exact, strict=True)]
    )

    n_site = 10_000
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    site = Corpus.from_columns(
        np.arange(n_site),
        clustered(n_site, seed=2),
        [i // 2 for i in range(n_site)],
        [t0 + timedelta(hours=int(h)) for h in rng.integers(0, 24 * 365, n_site)],
    )
    start = time.perf_counter()
    related_all(site)
    site_s = time.perf_counter() - start

    print(f"hnsw build {build_s:.1f} s for {args.n} vectors; recall@10 {recall:.3f}")
    print(f"related_all for {n_site} articles (exact, MMR, k=7): {site_s:.2f} s")
    ratio = base_ms / retold_ms
    print(
        f"bench related-1e5: ratio={ratio:.2f} "
        f"(retold={retold_ms:.3f} ms/query, baseline={base_ms:.3f} ms/query)"
    )


if __name__ == "__main__":
    main()
