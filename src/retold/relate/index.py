"""A vector index for related-article search: exact below a size, HNSW above it.

Vectors are kept exactly (float32, unit length) by integer article id. Small
collections are searched by one numpy matrix product, which is exact and, below
some tens of thousands of rows, as fast as anything. Past ``hnsw_threshold`` an
HNSW graph (usearch) proposes candidates and the exact vectors re-score them, so
both paths return the same kind of score (the cosine) through the same API.

The whole index (ids, vectors and the graph, so a million-article graph is not
rebuilt on every run) round-trips through :meth:`VectorIndex.to_bytes` /
:meth:`VectorIndex.from_bytes` or :meth:`VectorIndex.save` / :meth:`VectorIndex.load`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import struct
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

_MAGIC = b"RETOLDVI"
_VERSION = 1
DEFAULT_HNSW_THRESHOLD = 20_000


class VectorIndexError(ValueError):
    """Base for vector index errors."""


class IndexCorrupt(VectorIndexError):
    """A saved index could not be read."""


class DimensionMismatch(VectorIndexError):
    """Vectors of the wrong width were given to an index."""


def _usearch_index_class() -> Any:
    """usearch's ``Index``, imported only after onnxruntime.

    usearch 2.26.2 to at least 2.26.6 makes a later ``import onnxruntime`` segfault
    (the reverse order is fine), and the embedder may be loaded after an index.
    """
    with contextlib.suppress(ImportError):  # no onnxruntime: nothing to protect
        import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


def _as_ids(ids: Iterable[int] | np.ndarray) -> np.ndarray:
    arr = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64)
    if arr.ndim != 1:
        raise ValueError("Article ids must be a flat sequence of integers.")
    if arr.size and arr.min() < 0:
        raise ValueError("Article ids must be non-negative integers.")
    return arr


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.clip(norms, 1e-12, None)


class VectorIndex:
    """Unit vectors by article id, searchable by cosine similarity."""

    def __init__(
        self,
        dim: int = 384,
        *,
        hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
        connectivity: int = 16,
        expansion_add: int = 64,
        expansion_search: int = 128,
        meta: dict[str, str] | None = None,
    ) -> None:
        self.dim = dim
        self.hnsw_threshold = hnsw_threshold
        self.connectivity = connectivity
        self.expansion_add = expansion_add
        self.expansion_search = expansion_search
        self.meta: dict[str, str] = dict(meta or {})  # e.g. {"model": "all-MiniLM-L6-v2"}
        self._ids = np.zeros(0, dtype=np.int64)
        self._vecs = np.zeros((0, dim), dtype=np.float32)
        self._n = 0
        self._row: dict[int, int] = {}
        self._hnsw: Any = None  # usearch.index.Index once the collection is large

    # -- contents -----------------------------------------------------------

    def __len__(self) -> int:
        return self._n

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._row

    @property
    def backend(self) -> str:
        """``"hnsw"`` when searches go through the graph, else ``"brute"``."""
        return "hnsw" if self._n >= self.hnsw_threshold else "brute"

    def ids(self) -> np.ndarray:
        """All ids, in storage order (a copy)."""
        return self._ids[: self._n].copy()

    def vectors(self) -> np.ndarray:
        """All vectors, rows aligned with :meth:`ids` (a read-only view)."""
        view = self._vecs[: self._n]
        view.flags.writeable = False
        return view

    def vector(self, article_id: int) -> np.ndarray:
        """The stored unit vector of one id; ``KeyError`` when absent."""
        return self._vecs[self._row[article_id]].copy()

    def add(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Insert or replace vectors (they are normalised to unit length)."""
        id_arr = _as_ids(ids)
        vecs = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        if vecs.shape != (len(id_arr), self.dim):
            raise DimensionMismatch(
                f"Expected {len(id_arr)} vectors of width {self.dim}, got shape {vecs.shape}."
            )
        if len(id_arr) == 0:
            return
        # The last vector given for a repeated id wins.
        _, last = np.unique(id_arr[::-1], return_index=True)
        keep = np.sort(len(id_arr) - 1 - last)
        id_arr, vecs = id_arr[keep], _normalise(vecs[keep])

        existing = np.array([i in self._row for i in id_arr.tolist()], dtype=bool)
        if existing.any():
            rows = [self._row[i] for i in id_arr[existing].tolist()]
            self._vecs[rows] = vecs[existing]
            if self._hnsw is not None:
                self._hnsw.remove(id_arr[existing].astype(np.uint64))
                self._hnsw.add(id_arr[existing].astype(np.uint64), vecs[existing])
        new_ids, new_vecs = id_arr[~existing], vecs[~existing]
        if len(new_ids):
            self._grow(self._n + len(new_ids))
            start = self._n
            self._ids[start : start + len(new_ids)] = new_ids
            self._vecs[start : start + len(new_ids)] = new_vecs
            for offset, article_id in enumerate(new_ids.tolist()):
                self._row[article_id] = start + offset
            self._n += len(new_ids)
            if self._hnsw is not None:
                self._hnsw.add(new_ids.astype(np.uint64), new_vecs)

    def remove(self, ids: Iterable[int]) -> None:
        """Forget ids; unknown ones are ignored."""
        gone = [i for i in _as_ids(ids).tolist() if i in self._row]
        for article_id in gone:
            row = self._row.pop(article_id)
            last = self._n - 1
            if row != last:  # keep storage dense: move the last row into the hole
                moved = int(self._ids[last])
                self._ids[row] = moved
                self._vecs[row] = self._vecs[last]
                self._row[moved] = row
            self._n -= 1
        if gone and self._hnsw is not None:
            self._hnsw.remove(np.asarray(gone, dtype=np.uint64))

    def _grow(self, needed: int) -> None:
        if needed <= len(self._ids):
            return
        capacity = max(needed, 2 * len(self._ids), 1024)
        ids = np.zeros(capacity, dtype=np.int64)
        vecs = np.zeros((capacity, self.dim), dtype=np.float32)
        ids[: self._n] = self._ids[: self._n]
        vecs[: self._n] = self._vecs[: self._n]
        self._ids, self._vecs = ids, vecs

    # -- search -------------------------------------------------------------

    def search(
        self, vector: np.ndarray, k: int = 10, *, exclude: Collection[int] = ()
    ) -> list[tuple[int, float]]:
        """The ``k`` nearest ids to ``vector`` with their cosine, best first."""
        return self.search_many(np.atleast_2d(vector), k, exclude=exclude)[0]

    def search_many(
        self, vectors: np.ndarray, k: int = 10, *, exclude: Collection[int] = ()
    ) -> list[list[tuple[int, float]]]:
        """:meth:`search` for each row of ``vectors`` (batched)."""
        queries = _normalise(np.atleast_2d(np.asarray(vectors, dtype=np.float32)))
        if queries.shape[1] != self.dim:
            raise DimensionMismatch(f"Expected query width {self.dim}, got {queries.shape[1]}.")
        if k <= 0 or self._n == 0:
            return [[] for _ in range(len(queries))]
        want = min(self._n, k + len(exclude))
        if self.backend == "hnsw":
            rows = self._hnsw_candidates(queries, max(want, 2 * k))
        else:
            rows = self._brute_candidates(queries, want)
        excluded = set(exclude)
        results: list[list[tuple[int, float]]] = []
        for query, cand in zip(queries, rows, strict=True):
            scores = self._vecs[cand] @ query  # exact re-score: same numbers on both paths
            order = np.argsort(-scores, kind="stable")
            hits: list[tuple[int, float]] = []
            for j in order.tolist():
                article_id = int(self._ids[cand[j]])
                if article_id in excluded:
                    continue
                hits.append((article_id, float(scores[j])))
                if len(hits) == k:
                    break
            results.append(hits)
        return results

    def _brute_candidates(
        self, queries: np.ndarray, want: int, chunk: int = 1024
    ) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        matrix = self._vecs[: self._n]
        for start in range(0, len(queries), chunk):
            scores = queries[start : start + chunk] @ matrix.T
            if want >= self._n:
                top = np.broadcast_to(np.arange(self._n), scores.shape)
            else:
                top = np.argpartition(scores, self._n - want, axis=1)[:, self._n - want :]
            out.extend(np.asarray(row) for row in top)
        return out

    def _hnsw_candidates(self, queries: np.ndarray, want: int) -> list[np.ndarray]:
        graph = self.ensure_hnsw()
        graph.expansion_search = max(self.expansion_search, want)
        matches = graph.search(queries, want)
        if hasattr(matches, "counts"):  # BatchMatches
            keys, counts = np.atleast_2d(matches.keys), np.atleast_1d(matches.counts)
        else:  # one query gives a plain Matches
            keys, counts = np.atleast_2d(matches.keys), np.array([len(matches.keys)])
        out = []
        for row_keys, count in zip(keys, counts, strict=True):
            found = row_keys[: int(count)].astype(np.int64).tolist()
            out.append(np.fromiter((self._row[i] for i in found if i in self._row), dtype=np.int64))
        return out

    def ensure_hnsw(self) -> Any:
        """Build the HNSW graph now if it does not exist (normally done on first search)."""
        if self._hnsw is None:
            graph = _usearch_index_class()(
                ndim=self.dim,
                metric="ip",
                dtype="f16",  # the graph only proposes; exact float32 vectors re-score
                connectivity=self.connectivity,
                expansion_add=self.expansion_add,
                expansion_search=self.expansion_search,
            )
            if self._n:
                graph.add(self._ids[: self._n].astype(np.uint64), self._vecs[: self._n])
            self._hnsw = graph
        return self._hnsw

    # -- persistence --------------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._write(buffer)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> VectorIndex:
        return cls._read(io.BytesIO(bytes(data)))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` atomically (a crash leaves the old file intact)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            self._write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> VectorIndex:
        with open(path, "rb") as fh:
            return cls._read(fh)

    def _write(self, fh: IO[bytes]) -> None:
        if self.backend == "hnsw":
            self.ensure_hnsw()  # save the graph so that loading never rebuilds it
        graph = bytes(self._hnsw.save()) if self._hnsw is not None and self._n else b""
        header = {
            "version": _VERSION,
            "dim": self.dim,
            "count": self._n,
            "hnsw_threshold": self.hnsw_threshold,
            "connectivity": self.connectivity,
            "expansion_add": self.expansion_add,
            "expansion_search": self.expansion_search,
            "hnsw_bytes": len(graph),
            "meta": self.meta,
        }
        raw = json.dumps(header).encode()
        fh.write(_MAGIC + struct.pack("<I", len(raw)) + raw)
        fh.write(self._ids[: self._n].astype("<i8").tobytes())
        fh.write(self._vecs[: self._n].astype("<f4").tobytes())
        fh.write(graph)

    @classmethod
    def _read(cls, fh: IO[bytes]) -> VectorIndex:
        def exact(n: int) -> bytes:
            data = fh.read(n)
            if len(data) != n:
                raise IndexCorrupt("The saved vector index is truncated; rebuild it.")
            return data

        if exact(len(_MAGIC)) != _MAGIC:
            raise IndexCorrupt("The file is not a Retold vector index.")
        try:
            (size,) = struct.unpack("<I", exact(4))
            header = json.loads(exact(size))
            version, dim, n = int(header["version"]), int(header["dim"]), int(header["count"])
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexCorrupt("The saved vector index has an unreadable header.") from exc
        if version != _VERSION:
            raise IndexCorrupt(f"The saved vector index has version {version}; rebuild it.")
        index = cls(
            dim,
            hnsw_threshold=int(header.get("hnsw_threshold", DEFAULT_HNSW_THRESHOLD)),
            connectivity=int(header.get("connectivity", 16)),
            expansion_add=int(header.get("expansion_add", 64)),
            expansion_search=int(header.get("expansion_search", 128)),
            meta=dict(header.get("meta") or {}),
        )
        ids = np.frombuffer(exact(8 * n), dtype="<i8").astype(np.int64)
        vecs = np.frombuffer(exact(4 * n * dim), dtype="<f4").astype(np.float32).reshape(n, dim)
        index._ids, index._vecs, index._n = ids, vecs, n
        index._row = {article_id: row for row, article_id in enumerate(ids.tolist())}
        if len(index._row) != n:
            raise IndexCorrupt("The saved vector index repeats an id; rebuild it.")
        graph_size = int(header.get("hnsw_bytes", 0))
        if graph_size:
            graph = _usearch_index_class().restore(bytearray(exact(graph_size)))
            # A graph that disagrees with the vectors is dropped and rebuilt on demand.
            if graph is not None and len(graph) == n:
                index._hnsw = graph
        return index
