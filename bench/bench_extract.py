"""Extraction throughput: Retold's extract() vs trafilatura alone, same pages, same run.

    python bench/bench_extract.py [--seconds 5] [--samples DIR]

Prints `bench extract: ratio=R (retold=A docs/s, baseline=B docs/s)`, where the
baseline is trafilatura.extract with comments off and metadata on (what one
would use without Retold) and R = retold / baseline throughput.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from retold.ingest.extract import extract

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BASE = "http://127.0.0.1:8000"


def sample_pages(root: Path | None) -> list[tuple[str, str]]:
    if root is None:
        root = SAMPLES
        if not any((root / "site").glob("*/news/*.html")):
            root = Path(tempfile.mkdtemp(prefix="retold-bench-"))
            subprocess.run(
                [sys.executable, str(SAMPLES / "build.py"), "--out", str(root)],
                check=True,
                capture_output=True,
            )
    pages = []
    for path in sorted((root / "site").glob("*/news/*.html")):
        url = f"{BASE}/{path.parent.parent.name}/news/{path.name}"
        pages.append((path.read_text("utf-8").replace("__BASE__", BASE), url))
    if not pages:
        sys.exit(f"No sample pages under {root}/site.")
    return pages


def throughput(
    fn: Callable[[str, str], object], pages: list[tuple[str, str]], seconds: float
) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for html, url in pages:
            fn(html, url)
        done += len(pages)
    return done / (time.perf_counter() - start)


def baseline(html: str, url: str) -> object:
    return trafilatura.extract(html, url=url, include_comments=False, with_metadata=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per side per round")
    parser.add_argument("--samples", type=Path, default=None, help="a built samples directory")
    args = parser.parse_args()
    pages = sample_pages(args.samples)
    for html, url in pages[:3]:  # warm caches and imports on both sides
        extract(html, url)
        baseline(html, url)
    # Interleave two rounds so drift in machine load hits both sides alike.
    ours = base = 0.0
    for _ in range(2):
        base += throughput(baseline, pages, args.seconds / 2)
        ours += throughput(extract, pages, args.seconds / 2)
    ours, base = ours / 2, base / 2
    rates = f"retold={ours:.1f} docs/s, baseline={base:.1f} docs/s"
    print(f"bench extract: ratio={ours / base:.2f} ({rates})")


if __name__ == "__main__":
    main()
