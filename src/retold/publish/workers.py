"""Render article pages in parallel with forked worker processes.

Forking lets workers share the parent's pages and compiled templates without pickling
them (pickling 10,000 pages costs more than rendering them). Each worker renders and
writes its share of pages and returns only (path, hash, key, written) tuples; the parent
records them. Where fork is unavailable, or for small builds, pages render in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from retold.models import ArticlePage

from .output import SiteWriter

# (rel, content hash, input key, written)
Result = tuple[str, str, str, bool]
ArticleJob = Callable[[ArticlePage], Result]

MIN_PAGES_PER_WORKER = 250
_job: tuple[ArticleJob, Sequence[ArticlePage]] | None = None  # inherited by forked workers


def _run_chunk(bounds: tuple[int, int]) -> list[Result]:
    assert _job is not None
    job, pages = _job
    return [job(pages[i]) for i in range(*bounds)]


def default_workers() -> int:
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def render_articles(
    pages: Sequence[ArticlePage],
    job: ArticleJob,
    workers: int,
    while_waiting: Callable[[], Any] | None = None,
) -> list[Result]:
    """Run ``job`` on every page; ``while_waiting`` runs in the parent meanwhile."""
    global _job
    workers = min(workers, len(pages) // MIN_PAGES_PER_WORKER)
    if workers < 2:
        results = [job(page) for page in pages]
        if while_waiting is not None:
            while_waiting()
        return results
    size = -(-len(pages) // (workers * 4))  # several chunks each, to even out the load
    chunks = [(start, min(start + size, len(pages))) for start in range(0, len(pages), size)]
    _job = (job, pages)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending = pool.map_async(_run_chunk, chunks)
            if while_waiting is not None:
                while_waiting()
            return [result for chunk in pending.get() for result in chunk]
    finally:
        _job = None


def record_all(writer: SiteWriter, results: list[Result]) -> None:
    for rel, digest, key, written in results:
        writer.record(rel, digest, key, written)
