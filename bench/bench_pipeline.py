"""The demo pipeline's time per article, without model time (extractive writer).

Baseline, in the same run: what a naive scraper does for the same pages — fetch
each sample page over loopback with httpx and extract it with trafilatura — so the
ratio says what Retold's checking, clustering, relating and publishing cost on top.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import httpx
import trafilatura

from retold.demo import open_demo_room
from retold.pipeline import run
from retold.relate.embeddings import default_embedder
from retold.samples_server import SampleServer, samples_dir
from retold.verify.checker import default_checker


def naive(server: SampleServer, paths: list[str]) -> float:
    started = time.perf_counter()
    with httpx.Client() as client:
        for path in paths:
            html = client.get(f"{server.base_url}/{path}").text
            trafilatura.extract(html, include_comments=False)
    return time.perf_counter() - started


def main() -> None:
    logging.disable(logging.WARNING)
    default_embedder()  # model loading is a one-off per process, not per article
    default_checker()
    server = SampleServer(samples_dir()).start()
    try:
        pages = sorted(
            str(p.relative_to(samples_dir() / "site"))
            for p in (samples_dir() / "site").glob("*/news/*.html")
        )
        with tempfile.TemporaryDirectory() as tmp:
            room = open_demo_room(Path(tmp) / "news", server, site_port=8000, backend="extractive")
            started = time.perf_counter()
            report = run(room)
            retold_s = time.perf_counter() - started
            room.close()
        baseline_s = naive(server, pages)
    finally:
        server.stop()
    articles = max(report.counts["articles_published"], 1)
    per_article = retold_s / articles * 1000
    per_page = baseline_s / len(pages) * 1000
    print(
        f"bench pipeline-per-article: ratio={per_article / per_page:.2f} "
        f"(retold={per_article:.1f} ms, baseline={per_page:.1f} ms)"
    )


if __name__ == "__main__":
    main()
