from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retold.relate.index import DimensionMismatch, IndexCorrupt, VectorIndex

DIM = 384


def clustered(n: int, seed: int = 0, clusters: int = 200) -> np.ndarray:
    """Random vectors with topic-like structure, roughly like real article embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, DIM)).astype(np.float32)
    noise = rng.standard_normal((n, DIM)).astype(np.float32)
    return centres[rng.integers(0, clusters, n)] + 0.8 * noise


def brute(n_threshold: int = 10**9) -> VectorIndex:
    return VectorIndex(DIM, hnsw_threshold=n_threshold)


def test_brute_search_is_exact_cosine() -> None:
    vecs = clustered(500)
    index = brute()
    index.add(np.arange(500) * 7, vecs)
    query = vecs[3] + 0.1
    hits = index.search(query, 10)
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    scores = unit @ (query / np.linalg.norm(query))
    expected = np.argsort(-scores)[:10] * 7
    assert [i for i, _ in hits] == expected.tolist()
    assert [s for _, s in hits] == pytest.approx(np.sort(scores)[::-1][:10].tolist(), abs=1e-5)
    assert hits[0][0] == 21


def test_k_larger_than_collection_and_empty() -> None:
    index = brute()
    assert index.search(np.ones(DIM), 5) == []
    index.add([1, 2], clustered(2))
    assert len(index.search(np.ones(DIM), 5)) == 2
    assert index.search(np.ones(DIM), 0) == []


def test_upsert_remove_and_exclude() -> None:
    vecs = clustered(50)
    index = brute()
    index.add(range(50), vecs)
    index.add([10], vecs[20:21])  # replace: 10 now looks exactly like 20
    assert len(index) == 50
    top = index.search(vecs[20], 2)
    assert {i for i, _ in top} == {10, 20}
    assert index.search(vecs[20], 1, exclude={20})[0][0] == 10
    index.remove([20, 999])
    assert 20 not in index and len(index) == 49
    assert index.search(vecs[20], 1)[0][0] == 10
    np.testing.assert_allclose(np.linalg.norm(index.vector(10)), 1.0, atol=1e-6)
    with pytest.raises(KeyError):
        index.vector(20)


def test_repeated_ids_in_one_call_keep_the_last() -> None:
    vecs = clustered(3)
    index = brute()
    index.add([5, 5, 6], vecs)
    assert len(index) == 2
    np.testing.assert_allclose(index.vector(5), vecs[1] / np.linalg.norm(vecs[1]), atol=1e-6)


def test_wrong_dimension_and_bad_ids() -> None:
    index = brute()
    with pytest.raises(DimensionMismatch):
        index.add([1], np.ones((1, 10)))
    with pytest.raises(DimensionMismatch):
        index.search(np.ones(10))
    with pytest.raises(ValueError):
        index.add([-1], np.ones((1, DIM)))


def recall(a: list[list[tuple[int, float]]], b: list[list[tuple[int, float]]]) -> float:
    return float(
        np.mean(
            [len({i for i, _ in x} & {i for i, _ in y}) / len(x) for x, y in zip(a, b, strict=True)]
        )
    )


def test_hnsw_agrees_with_brute_force() -> None:
    n = 6000
    vecs = clustered(n, seed=1)
    ids = np.arange(n) * 3 + 11
    exact = brute()
    exact.add(ids, vecs)
    approx = VectorIndex(DIM, hnsw_threshold=1000)
    approx.add(ids, vecs)
    assert exact.backend == "brute" and approx.backend == "hnsw"
    rng = np.random.default_rng(2)
    queries = vecs[:200] + 0.5 * rng.standard_normal((200, DIM)).astype(np.float32)
    a, b = exact.search_many(queries, 10), approx.search_many(queries, 10)
    assert recall(a, b) >= 0.9
    # Both paths re-score with the stored vectors, so shared hits carry identical scores.
    shared = dict(a[0]).keys() & dict(b[0]).keys()
    assert all(dict(a[0])[i] == pytest.approx(dict(b[0])[i], abs=1e-6) for i in shared)


def test_hnsw_follows_updates_and_removals() -> None:
    vecs = clustered(1500, seed=3)
    index = VectorIndex(DIM, hnsw_threshold=1000)
    index.add(range(1500), vecs)
    index.ensure_hnsw()
    index.remove([0])
    assert all(i != 0 for i, _ in index.search(vecs[0], 10))
    index.add([1], vecs[500:501])  # id 1 now duplicates id 500
    assert {i for i, _ in index.search(vecs[500], 2)} == {1, 500}
    index.add([5000], vecs[7:8] * 2)  # an exact duplicate of id 7, added to the graph
    # HNSW may prune one of two identical points from its neighbour lists (which one
    # depends on the CPU's f16 rounding and thread timing), so ask only for what an
    # approximate index promises: the new id is found and the best hit is exact.
    hits = index.search(vecs[7], 10)
    assert 5000 in dict(hits) and hits[0][0] in {7, 5000}
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("threshold", [10**9, 500])
def test_round_trip_bytes_and_file(tmp_path: Path, threshold: int) -> None:
    vecs = clustered(800, seed=4)
    index = VectorIndex(DIM, hnsw_threshold=threshold, meta={"model": "all-MiniLM-L6-v2"})
    index.add(np.arange(800) + 100, vecs)
    before = index.search_many(vecs[:20], 5)
    index.save(tmp_path / "related.idx")
    for restored in (
        VectorIndex.from_bytes(index.to_bytes()),
        VectorIndex.load(tmp_path / "related.idx"),
    ):
        assert len(restored) == 800 and restored.meta == {"model": "all-MiniLM-L6-v2"}
        assert restored.backend == index.backend
        assert restored.search_many(vecs[:20], 5) == before
        restored.add([5], vecs[:1])  # a loaded index stays writable
        assert 5 in restored
    assert not (tmp_path / "related.idx.tmp").exists()


def test_corrupt_files_are_refused(tmp_path: Path) -> None:
    index = brute()
    index.add([1, 2, 3], clustered(3))
    data = index.to_bytes()
    with pytest.raises(IndexCorrupt, match="not a Retold vector index"):
        VectorIndex.from_bytes(b"garbage" + data)
    with pytest.raises(IndexCorrupt, match="truncated"):
        VectorIndex.from_bytes(data[:-10])
    with pytest.raises(IndexCorrupt, match="header"):
        VectorIndex.from_bytes(data[:8] + b"\x05\x00\x00\x00{bad}" + data[12:])
